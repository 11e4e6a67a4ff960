import { COMMANDS, type CommandSpec } from './command-table.js'
import {
  envNames,
  OPTION_GROUPS,
  OPTIONS,
  type OptionGroup,
  type OptionSpec,
  PASSWORD_ENV,
} from './option-table.js'

const BIN = 'hyperctl-export'

export const EXIT_CODES_HELP = `  0    every job completed (or the command succeeded)
  1    a job failed, was cancelled or rejected, or the command failed
  2    usage error (bad arguments or options)
  3    hypervisord unreachable, or authentication failed
  4    timeout: jobs did not finish within --timeout
  130  interrupted (Ctrl-C/SIGTERM), after cancelling the jobs with --cancel-on-interrupt`

const GROUP_TITLES: Record<OptionGroup, string> = {
  connection: 'Connection options',
  export: 'Export options',
  waiting: 'Waiting options',
  output: 'Output options',
}

/** `--output, -o <dir>` as help and errors write an option. */
export function flagText(option: OptionSpec): string {
  const short = option.short ? `-${option.short}, ` : ''
  return `${short}--${option.name}${option.value ? ` <${option.value}>` : ''}`
}

/** The help of one command: exactly its options, grouped, each with its default and variables. */
export function commandHelp(spec: CommandSpec): string {
  if (spec.name === 'help') return rootHelp()
  const options = spec.options.map((name) => OPTIONS.find((o) => o.name === name)!)
  const sections = [
    spec.description,
    section(
      'Usage',
      `  ${BIN} ${spec.name}${spec.args ? ` ${spec.args}` : ''}${options.length > 0 ? ' [options]' : ''}`,
    ),
    ...optionSections(options),
    section('Examples', spec.examples.map((e) => `  $ ${e}`).join('\n')),
  ]
  if (options.length > 0) sections.push(section('Exit codes', EXIT_CODES_HELP))
  return `${sections.join('\n\n')}\n`
}

/** The help with no command: the commands, where to look next, the variables and exit codes. */
export function rootHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 3
  const commands = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.description}`).join('\n')
  return `${[
    'Export VMware VMs through hypervisord (or hyperctl) from a terminal or a script',
    section('Usage', `  ${BIN} <command> [options]\n  ${BIN} help <command>`),
    section('Commands', commands),
    section(
      'Global options',
      '  -h, --help       show the help (of a command when one is given)\n  --version        print the version',
    ),
    section('Environment', ENVIRONMENT_HELP),
    section('Exit codes', EXIT_CODES_HELP),
    `Run \`${BIN} help <command>\` (or \`${BIN} <command> --help\`) to see its options.`,
  ].join('\n\n')}\n`
}

const ENVIRONMENT_HELP = `  HYPERCTL_EXPORT_<OPTION>           every option, e.g. HYPERCTL_EXPORT_DAEMON_URL for --daemon-url;
                                     a flag wins over it (see \`${BIN} config\`)
  HYPERVISORD_URL, HYPERVISORD_API_KEY, HYPERCTL_PATH
                                     read after HYPERCTL_EXPORT_DAEMON_URL, _API_KEY, _HYPERCTL_PATH
  ${PASSWORD_ENV.padEnd(35)}the vCenter password (there is no flag for it)
  NO_COLOR                           no colour and no live redraw`

function optionSections(options: readonly OptionSpec[]): string[] {
  if (options.length === 0) return []
  const width = Math.min(30, Math.max(...options.map((o) => flagText(o).length)) + 2)
  const pad = ' '.repeat(width + 2)
  return OPTION_GROUPS.flatMap((group) => {
    const inGroup = options.filter((o) => o.group === group)
    if (inGroup.length === 0) return []
    const body = inGroup.map((o) => {
      const flags = flagText(o)
      const head = flags.length + 2 > width ? `  ${flags}\n${pad}` : `  ${flags.padEnd(width)}`
      const facts = [
        ...(o.choices ? [`${o.list ? 'any of' : 'one of'} ${o.choices.join(', ')}`] : []),
        ...(o.defaultText ? [`default ${o.defaultText}`] : []),
        `env ${envNames(o).join(', ')}`,
      ]
      return `${head}${o.description}\n${pad}${facts.join('; ')}`
    })
    return [section(GROUP_TITLES[group], body.join('\n'))]
  })
}

function section(title: string, body: string): string {
  return `${title}:\n${body}`
}
