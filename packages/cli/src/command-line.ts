import { UsageError } from '@hyperctl-export/core/errors'
import { didYouMean } from '@hyperctl-export/core/suggest'
import { COMMANDS, type CommandName, type CommandSpec, commandNamed } from './command-table.js'
import { commandHelp, flagText, rootHelp } from './help-text.js'
import { OPTIONS, type OptionSpec, PASSWORD_ENV } from './option-table.js'

export type { CommandName } from './command-table.js'

export type OptionValues = Record<string, string | boolean | undefined>

export type ParsedCommandLine =
  | { kind: 'shown'; text: string }
  | { kind: 'run'; command: CommandName; args: string[]; values: OptionValues }

const BIN = 'hyperctl-export'
const quoteFlag = (name: string) => `--${name}`

/**
 * Reads argv against the option and command tables: help (`help [command]`, `--help`), `--version`, or a
 * command with its arguments and the flags given (the environment is read later, by option-sources).
 * Values stay text exactly as typed (`--api-key 007`, a job ID `1e3`). Every mistake is a UsageError
 * saying what was wrong, with the closest valid word when there is one.
 */
export function parseCommandLine(argv: readonly string[], version: string): ParsedCommandLine {
  refuseSecretFlags(argv)
  const { positionals, flags, help, showVersion } = split(argv)
  const [name, ...args] = positionals

  if (name === undefined) {
    if (help) return shown(rootHelp())
    if (showVersion)
      return shown(`${BIN}/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
    throw new UsageError('no command given', `Run \`${BIN} help\` to see the commands.`)
  }
  const spec = commandNamed(name)
  if (!spec) {
    throw new UsageError(
      `unknown command ${JSON.stringify(name)}${didYouMean(
        name,
        COMMANDS.map((c) => c.name),
      )}`,
      `Run \`${BIN} help\` to see the commands.`,
    )
  }
  if (help) return shown(commandHelp(spec))
  if (spec.name === 'help') {
    if (args.length > 1) throw new UsageError(`help takes one command, got ${args.length}`)
    if (args[0] === undefined) return shown(rootHelp())
    const topic = commandNamed(args[0])
    if (!topic) {
      throw new UsageError(
        `no help for ${JSON.stringify(args[0])}: there is no such command${didYouMean(
          args[0],
          COMMANDS.map((c) => c.name),
        )}`,
        `Run \`${BIN} help\` to see the commands.`,
      )
    }
    return shown(commandHelp(topic))
  }

  const values: OptionValues = {}
  for (const { option, value, written } of flags) {
    if (!spec.options.includes(option.name)) {
      const users = COMMANDS.filter((c) => c.options.includes(option.name)).map((c) => c.name)
      throw new UsageError(
        `${written} is not an option of ${spec.name}${users.length > 0 ? ` (it is an option of ${users.join(', ')})` : ''}`,
        `Run \`${BIN} help ${spec.name}\` to see its options.`,
      )
    }
    // why: repeated --status values add up; any other repeated option takes its last value, as in most tools
    const previous = values[option.name]
    values[option.name] =
      option.list && typeof previous === 'string' && typeof value === 'string'
        ? `${previous},${value}`
        : value
  }
  checkArgs(spec, args)
  return { kind: 'run', command: spec.name, args, values }
}

function shown(text: string): ParsedCommandLine {
  return { kind: 'shown', text }
}

interface GivenFlag {
  option: OptionSpec
  value: string | true
  /** As typed, for messages. */
  written: string
}

/** Options and positionals, wherever they are; options may come before the command. */
function split(argv: readonly string[]) {
  const positionals: string[] = []
  const flags: GivenFlag[] = []
  let help = false
  let showVersion = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg)
      continue
    }
    if (arg === '--help' || arg === '-h') {
      help = true
      continue
    }
    if (arg === '--version') {
      showVersion = true
      continue
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = arg.slice(2, eq < 0 ? undefined : eq)
      const option = OPTIONS.find((o) => o.name === name)
      if (!option)
        throw unknownOption(
          `--${name}`,
          name,
          OPTIONS.map((o) => o.name),
        )
      if (!option.value) {
        if (eq >= 0)
          throw new UsageError(`--${name} is a switch and takes no value (${arg})`, `Write just --${name}.`)
        flags.push({ option, value: true, written: `--${name}` })
        continue
      }
      if (eq >= 0) {
        flags.push({ option, value: arg.slice(eq + 1), written: `--${name}` })
        continue
      }
      flags.push({ option, value: valueAfter(argv, i, `--${name}`, option), written: `--${name}` })
      i++
      continue
    }
    // short options: -q, -qv, -o DIR, -o=DIR
    const letters = arg.slice(1)
    for (let j = 0; j < letters.length; j++) {
      const letter = letters[j]!
      if (letter === 'h') {
        help = true
        continue
      }
      const option = OPTIONS.find((o) => o.short === letter)
      if (!option) {
        throw unknownOption(
          `-${letter}`,
          letter,
          OPTIONS.flatMap((o) => (o.short ? [o.short] : [])),
          (s) => `-${s}`,
        )
      }
      if (!option.value) {
        flags.push({ option, value: true, written: `-${letter}` })
        continue
      }
      const rest = letters.slice(j + 1).replace(/^=/, '')
      if (rest !== '') {
        flags.push({ option, value: rest, written: `-${letter}` })
      } else {
        flags.push({ option, value: valueAfter(argv, i, `-${letter}`, option), written: `-${letter}` })
        i++
      }
      break
    }
  }
  return { positionals, flags, help, showVersion }
}

function valueAfter(argv: readonly string[], i: number, written: string, option: OptionSpec): string {
  const next = argv[i + 1]
  if (next === undefined || (next.startsWith('--') && next.length > 2)) {
    throw new UsageError(`${written} needs a value: ${flagText(option)}`, `e.g. ${written} <${option.value}>`)
  }
  return next
}

function unknownOption(
  written: string,
  typed: string,
  candidates: readonly string[],
  quote: (s: string) => string = quoteFlag,
): UsageError {
  return new UsageError(
    `unknown option ${written}${didYouMean(typed, candidates, quote)}`,
    `Run \`${BIN} help <command>\` to see the options of a command.`,
  )
}

function checkArgs(spec: CommandSpec, args: readonly string[]): void {
  if (args.length < spec.min) {
    throw new UsageError(`${spec.name} needs ${spec.args}`, `Run \`${BIN} help ${spec.name}\`.`)
  }
  if (args.length > spec.max) {
    throw new UsageError(
      `${spec.name} takes ${spec.max === 0 ? 'no arguments' : `${spec.max} argument`}, got ${args.length}`,
      `Run \`${BIN} help ${spec.name}\`.`,
    )
  }
  const first = args[0]
  if (spec.argChoices && first !== undefined && !spec.argChoices.includes(first)) {
    throw new UsageError(
      `${spec.name} takes one of ${spec.argChoices.join(', ')}, not ${JSON.stringify(first)}${didYouMean(first, spec.argChoices)}`,
      `Run \`${BIN} help ${spec.name}\`.`,
    )
  }
}

function refuseSecretFlags(argv: readonly string[]): void {
  for (const arg of argv) {
    if (arg === '--') break
    if (/^--?vcenter-password(=|$)/.test(arg)) {
      // why: the value is never echoed; a password on a command line sits in shell history and `ps`
      throw new UsageError(
        'there is no --vcenter-password option: a password on the command line stays in shell history and process lists',
        `Set ${PASSWORD_ENV}, or run on a terminal to be asked for it.`,
      )
    }
  }
}
