import { parseArgs } from 'node:util'
import { UsageError } from '@hyperctl-export/core'
import { type CAC, cac } from 'cac'

export const COMMAND_NAMES = [
  'export',
  'submit',
  'status',
  'jobs',
  'job',
  'wait',
  'cancel',
  'doctor',
] as const
export type CommandName = (typeof COMMAND_NAMES)[number]

interface OptionSpec {
  /** As cac writes it: `--daemon-url <url>`, `-q, --quiet`. */
  flags: string
  description: string
  /** Shown in help only; settings apply the real defaults. */
  defaultText?: string
}

export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  {
    flags: '--daemon-url <url>',
    description: 'hypervisord URL ($HYPERVISORD_URL, else http://localhost:8080)',
  },
  {
    flags: '--api-key <key>',
    description:
      'hypervisord API key; prefer $HYPERVISORD_API_KEY (a flag stays in shell history). Never printed',
  },
  {
    flags: '--hyperctl-path <path>',
    description: 'the hyperctl executable ($HYPERCTL_PATH, else hyperctl on PATH)',
  },
  {
    flags: '--transport <auto|cli|api>',
    description: 'hyperctl (cli) or the REST API (api); auto picks what can work',
    defaultText: 'auto',
  },
  { flags: '--json', description: 'print one JSON document on stdout and nothing else there' },
  {
    flags: '-q, --quiet',
    description: 'no progress display and no notices (warnings and errors still go to stderr)',
  },
  {
    flags: '--timeout <duration>',
    description: 'give up waiting after this long (90m, 1h30m); for other commands, per call',
    defaultText: '12h',
  },
  {
    flags: '--poll-interval <duration>',
    description: 'longest pause between status polls',
    defaultText: '5s',
  },
  {
    flags: '--cancel-on-interrupt',
    description: 'on Ctrl-C (SIGINT) or SIGTERM, cancel the unfinished jobs before exiting 130',
  },
  {
    flags: '--idempotency-key <key>',
    description: 'derive job IDs from this key: a rerun attaches to its jobs instead of exporting twice',
  },
  {
    flags: '--max-concurrent <n>',
    description: 'at most this many of the jobs running on the daemon at once',
  },
  { flags: '--fail-fast', description: 'after the first job that does not complete, submit no more' },
  {
    flags: '--verify <auto|required|off>',
    description:
      'check the files of each completed export where its directory is readable here (descriptor, sizes, manifest, SHA-256); required: fail where it is not',
    defaultText: 'auto',
  },
  {
    flags: '--checksums-file',
    description: 'write SHA256SUMS (sha256sum -c format) into each verified output directory',
  },
]

const JOB_OPTIONS: readonly OptionSpec[] = [
  {
    flags: '-o, --output <dir>',
    description:
      'output directory on the daemon machine (each VM in its own subdirectory when there are several)',
  },
  {
    flags: '--job-file <file>',
    description: 'jobs from a JSON/YAML job file (daemon field names; "-" reads stdin)',
  },
  { flags: '--vcenter-server <host>', description: 'vCenter host name (a URL is reduced to its host)' },
  {
    flags: '--vcenter-username <user>',
    description: 'vCenter user; the password comes from $HYPERCTL_EXPORT_VCENTER_PASSWORD or a hidden prompt',
  },
  { flags: '--vcenter-insecure', description: 'do not verify the vCenter TLS certificate' },
  {
    flags: '--export-method <web|govc|ovftool|ctl>',
    description: 'how the daemon exports; ctl is broken on a stock daemon',
    defaultText: 'web',
  },
  { flags: '--format <format>', description: 'export format (the daemon defaults to ovf)' },
  {
    flags: '--datacenter <name>',
    description: 'datacenter (stored by hypervisord, not used by its exporters)',
  },
  { flags: '--compress', description: 'compress (used by the ctl and ovftool methods only)' },
  { flags: '--thin', description: 'thin disks (used by the ctl method only)' },
  { flags: '--parallel-downloads <n>', description: 'parallel downloads (stored by hypervisord, not used)' },
  { flags: '--remove-cdrom', description: 'remove CD-ROM devices (stored by hypervisord, not used)' },
]

interface CommandSpec {
  name: CommandName
  usage: string
  description: string
  options: readonly OptionSpec[]
  examples: readonly string[]
  /** Positional arguments: at least `min`, at most `max`. */
  min: number
  max: number
}

const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'export',
    usage: 'export [...vm-paths]',
    description: 'Submit exports and wait for them, with live progress',
    options: JOB_OPTIONS,
    min: 0,
    max: Number.POSITIVE_INFINITY,
    examples: [
      'HYPERCTL_EXPORT_VCENTER_PASSWORD=… hyperctl-export export /DC/vm/web-01 --output /exports/web-01 \\\n    --vcenter-server vcenter.example.com --vcenter-username exporter@vsphere.local',
      'hyperctl-export export --job-file nightly.yaml --idempotency-key nightly-2026-11-28 --timeout 2h',
      'hyperctl-export export /DC/vm/a /DC/vm/b -o /exports --json > result.json',
    ],
  },
  {
    name: 'submit',
    usage: 'submit [...vm-paths]',
    description: 'Submit exports without waiting; prints one job ID per line',
    options: JOB_OPTIONS,
    min: 0,
    max: Number.POSITIVE_INFINITY,
    examples: [
      'id=$(hyperctl-export submit /DC/vm/web-01 -o /exports/web-01 --vcenter-server vc --vcenter-username u)',
      'hyperctl-export submit --job-file jobs.json --json',
    ],
  },
  {
    name: 'status',
    usage: 'status',
    description: "Show the daemon's version, uptime and job counts",
    options: [],
    min: 0,
    max: 0,
    examples: ['hyperctl-export status', 'hyperctl-export status --daemon-url http://exporter:8080 --json'],
  },
  {
    name: 'jobs',
    usage: 'jobs',
    description: 'List the jobs on the daemon',
    options: [
      {
        flags: '--status <list>',
        description: 'only these statuses: pending,running,completed,failed,cancelled',
      },
    ],
    min: 0,
    max: 0,
    examples: ['hyperctl-export jobs', 'hyperctl-export jobs --status running,failed --json'],
  },
  {
    name: 'job',
    usage: 'job <id>',
    description: 'Show one job in full: definition (secrets redacted), progress, result, error',
    options: [],
    min: 1,
    max: 1,
    examples: [
      'hyperctl-export job 2545e058-b89e-4692-8e5d-47214a8ea293',
      'hyperctl-export job nightly-db --json',
    ],
  },
  {
    name: 'wait',
    usage: 'wait <...ids>',
    description: 'Wait for jobs already on the daemon, with live progress',
    options: [],
    min: 1,
    max: Number.POSITIVE_INFINITY,
    examples: [
      'hyperctl-export wait 2545e058-b89e-4692-8e5d-47214a8ea293 --timeout 90m',
      'hyperctl-export wait $(cat ids.txt) --json',
    ],
  },
  {
    name: 'cancel',
    usage: 'cancel <...ids>',
    description: 'Cancel jobs (hypervisord only labels them; a running export goes on)',
    options: [],
    min: 1,
    max: Number.POSITIVE_INFINITY,
    examples: ['hyperctl-export cancel 2545e058-b89e-4692-8e5d-47214a8ea293'],
  },
  {
    name: 'doctor',
    usage: 'doctor',
    description:
      'Check hyperctl, the daemon, authentication and the transport, and say how to fix each problem',
    options: [],
    min: 0,
    max: 0,
    examples: ['hyperctl-export doctor', 'hyperctl-export doctor --daemon-url http://exporter:8080 --json'],
  },
]

export const EXIT_CODES_HELP = `  0    every job completed (or the command succeeded)
  1    a job failed, was cancelled or rejected, or the command failed
  2    usage error (bad arguments or options)
  3    hypervisord unreachable, or authentication failed
  4    timeout: jobs did not finish within --timeout
  130  interrupted (Ctrl-C/SIGTERM), after cancelling the jobs with --cancel-on-interrupt`

const ENVIRONMENT_HELP = `  HYPERVISORD_URL                    default for --daemon-url
  HYPERVISORD_API_KEY                default for --api-key
  HYPERCTL_PATH                      default for --hyperctl-path
  HYPERCTL_EXPORT_VCENTER_PASSWORD   the vCenter password (there is no flag for it)
  NO_COLOR                           no colour and no live redraw`

export type OptionValues = Record<string, string | boolean | undefined>

export type ParsedCommandLine =
  | { kind: 'shown' }
  | { kind: 'run'; command: CommandName; args: string[]; values: OptionValues }

/**
 * Reads argv. cac gives the commands, help (with examples and exit codes) and --version; the values are
 * then read again with node:util parseArgs from the same option table, because cac's parser (mri) turns
 * anything number-like into a number (`--api-key 007` → 7, a job ID `1e3` → 1000).
 */
export function parseCommandLine(
  argv: readonly string[],
  version: string,
  print: (text: string) => void,
): ParsedCommandLine {
  refuseSecretFlags(argv)
  const cli = buildCac(version)
  const parsed = withConsole(print, () => cli.parse(['node', 'hyperctl-export', ...argv], { run: false }))
  if (parsed.options.help || (parsed.options.version && !cli.matchedCommand)) return { kind: 'shown' }

  const spec = COMMANDS.find((c) => c.name === cli.matchedCommandName)
  if (!spec) {
    const first = argv.find((a) => !a.startsWith('-'))
    if (first === undefined) {
      throw new UsageError('no command given', 'Run `hyperctl-export --help` to see the commands.')
    }
    throw new UsageError(
      `unknown command ${JSON.stringify(first)}`,
      'Run `hyperctl-export --help` to see the commands.',
    )
  }

  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
  }
  for (const option of [...GLOBAL_OPTIONS, ...spec.options]) {
    const { long, short, takesValue } = readFlags(option.flags)
    options[long] = {
      type: takesValue ? 'string' : 'boolean',
      ...(short ? { short } : {}),
      ...(long === 'status' ? { multiple: true } : {}),
    }
  }
  let result: ReturnType<typeof parseArgs>
  try {
    result = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true })
  } catch (error) {
    throw new UsageError(
      `${error instanceof Error ? error.message.split('\n')[0] : String(error)} (command ${spec.name})`,
      `Run \`hyperctl-export ${spec.name} --help\` to see its options.`,
    )
  }
  const positionals = [...result.positionals]
  const at = positionals.indexOf(spec.name)
  if (at !== 0) throw new UsageError(`the command must come before its arguments (${spec.name})`)
  const args = positionals.slice(1)
  if (args.length < spec.min) {
    throw new UsageError(
      `${spec.name} needs ${spec.usage.slice(spec.name.length + 1)}`,
      `Run \`hyperctl-export ${spec.name} --help\`.`,
    )
  }
  if (args.length > spec.max) {
    throw new UsageError(
      `${spec.name} takes ${spec.max === 0 ? 'no arguments' : `${spec.max} argument`}, got ${args.length}`,
      `Run \`hyperctl-export ${spec.name} --help\`.`,
    )
  }
  const values: OptionValues = {}
  for (const [key, value] of Object.entries(result.values)) {
    values[key] = Array.isArray(value) ? value.join(',') : (value as string | boolean | undefined)
  }
  return { kind: 'run', command: spec.name, args, values }
}

function buildCac(version: string): CAC {
  const cli = cac('hyperctl-export')
  for (const option of GLOBAL_OPTIONS) cli.option(option.flags, withDefault(option))
  for (const spec of COMMANDS) {
    const command = cli.command(spec.usage, spec.description)
    for (const option of spec.options) command.option(option.flags, withDefault(option))
    for (const example of spec.examples) command.example(`  $ ${example}`)
  }
  cli.example('  $ hyperctl-export doctor')
  cli.example(
    '  $ hyperctl-export export /DC/vm/web-01 -o /exports/web-01 --vcenter-server vc --vcenter-username u',
  )
  cli.help((sections) =>
    [
      ...sections,
      { title: 'Exit codes', body: EXIT_CODES_HELP },
      { title: 'Environment', body: ENVIRONMENT_HELP },
    ].map((section) => ({ ...section, body: section.body.replace(/ +$/gm, '') })),
  )
  cli.version(version)
  return cli
}

function withDefault(option: OptionSpec): string {
  return option.defaultText ? `${option.description} (default: ${option.defaultText})` : option.description
}

function readFlags(flags: string): { long: string; short?: string; takesValue: boolean } {
  const long = /--([a-z][a-z-]*)/.exec(flags)?.[1]
  if (!long) throw new Error(`option ${flags} has no long name`)
  const short = /(?:^|\s)-([a-z])\b/.exec(flags)?.[1]
  return { long, ...(short ? { short } : {}), takesValue: flags.includes('<') }
}

function refuseSecretFlags(argv: readonly string[]): void {
  for (const arg of argv) {
    if (arg === '--') break
    if (/^--?vcenter-password(=|$)/.test(arg)) {
      // why: the value is never echoed; a password on a command line sits in shell history and `ps`
      throw new UsageError(
        'there is no --vcenter-password option: a password on the command line stays in shell history and process lists',
        'Set HYPERCTL_EXPORT_VCENTER_PASSWORD, or run on a terminal to be asked for it.',
      )
    }
  }
}

/** cac prints help and version with console.info; they go where `print` sends them. */
function withConsole<T>(print: (text: string) => void, run: () => T): T {
  const original = console.info
  console.info = (...parts: unknown[]) => print(`${parts.map(String).join(' ')}\n`)
  try {
    return run()
  } finally {
    console.info = original
  }
}
