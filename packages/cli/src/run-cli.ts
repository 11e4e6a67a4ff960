import { readFileSync } from 'node:fs'
import { exitCodeFor, HyperctlError, OperationAbortedError } from '@hyperctl-export/core'
import type { CliIo } from './cli-io.js'
import { parseCommandLine } from './command-line.js'
import { COMMAND_LOADERS } from './command-loaders.js'
import { commandNamed } from './command-table.js'
import { resolveOptions } from './option-sources.js'
import { PASSWORD_ENV } from './option-table.js'
import { Output } from './output.js'
import { readSettings } from './settings.js'
import { trackReads } from './settings-reads.js'

/** Set by a test only: the options a command read, printed to stderr when it ends. */
const READS_ENV = 'HYPERCTL_EXPORT_TEST_OPTION_READS'

/** Runs one command line; resolves with the process exit code and never rejects. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const output = new Output(io, { json: argv.includes('--json'), quiet: false })
  // why: known before anything is parsed, so no path (not even a usage error) can print them
  output.addSecret(io.env.HYPERVISORD_API_KEY)
  output.addSecret(io.env.HYPERCTL_EXPORT_API_KEY)
  output.addSecret(io.env[PASSWORD_ENV])
  output.addSecret(apiKeyInArgv(argv))

  const stop = new AbortController()
  let interrupts = 0
  let cancelOnInterrupt = false
  const unlisten = io.onInterrupt((signal) => {
    interrupts++
    if (interrupts > 1) {
      // why: a second Ctrl-C means "now": no more waiting for cancels
      if (output.liveErr) io.stderr.write('\x1b[?25h')
      io.stderr.write(`${signal} again: exiting without waiting\n`)
      io.exit(130)
      return
    }
    if (!output.liveErr) {
      output.info(
        cancelOnInterrupt
          ? `${signal}: stopping, cancelling the unfinished jobs first (again to exit at once)`
          : `${signal}: stopping; submitted jobs go on on the daemon (resume with \`hyperctl-export wait <id>\`)`,
      )
    }
    stop.abort(new OperationAbortedError('the command'))
  })

  try {
    const parsed = parseCommandLine(argv, readVersion())
    if (parsed.kind === 'shown') {
      io.stdout.write(parsed.text)
      return 0
    }
    const spec = commandNamed(parsed.command)!
    const settings = readSettings(parsed.command, resolveOptions(spec, parsed.values, io.env))
    output.configure({ json: settings.global.json, quiet: settings.global.quiet })
    output.addSecret(settings.global.apiKey)
    cancelOnInterrupt = settings.global.cancelOnInterrupt
    const run = await COMMAND_LOADERS[parsed.command]()
    // why: json and quiet are applied here, by Output, for every command
    const reads = new Set(['json', 'quiet'])
    const seen = io.env[READS_ENV] ? trackReads(settings, (name) => reads.add(name)) : settings
    try {
      return await run({ io, output, settings: seen, args: parsed.args, signal: stop.signal })
    } finally {
      if (io.env[READS_ENV]) io.stderr.write(`option reads: ${[...reads].sort().join(' ')}\n`)
    }
  } catch (error) {
    output.fail(error)
    if (stop.signal.aborted) return 130
    return error instanceof HyperctlError ? exitCodeFor[error.kind] : 1
  } finally {
    unlisten()
  }
}

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

function apiKeyInArgv(argv: readonly string[]): string | undefined {
  for (const [i, arg] of argv.entries()) {
    if (arg === '--') break
    if (arg === '--api-key') return argv[i + 1]
    if (arg.startsWith('--api-key=')) return arg.slice('--api-key='.length)
  }
  return undefined
}
