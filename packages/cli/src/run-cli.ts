import { readFileSync } from 'node:fs'
import { exitCodeFor, HyperctlError, OperationAbortedError } from '@hyperctl-export/core'
import type { CliIo } from './cli-io.js'
import type { CommandContext } from './command-context.js'
import { type CommandName, parseCommandLine } from './command-line.js'
import { runCancel } from './commands/cancel-command.js'
import { runDoctor } from './commands/doctor-command.js'
import { runExport } from './commands/export-command.js'
import { runJob } from './commands/job-command.js'
import { runJobs } from './commands/jobs-command.js'
import { runStatus } from './commands/status-command.js'
import { runWait } from './commands/wait-command.js'
import { PASSWORD_ENV } from './job-input.js'
import { Output } from './output.js'
import { readSettings } from './settings.js'

const COMMANDS: Record<CommandName, (ctx: CommandContext) => Promise<number>> = {
  export: (ctx) => runExport(ctx, true),
  submit: (ctx) => runExport(ctx, false),
  status: runStatus,
  jobs: runJobs,
  job: runJob,
  wait: runWait,
  cancel: runCancel,
  doctor: runDoctor,
}

/** Runs one command line; resolves with the process exit code and never rejects. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const output = new Output(io, { json: argv.includes('--json'), quiet: false })
  // why: known before anything is parsed, so no path (not even a usage error) can print them
  output.addSecret(io.env.HYPERVISORD_API_KEY)
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
    const parsed = parseCommandLine(argv, readVersion(), (text) => io.stdout.write(text))
    if (parsed.kind === 'shown') return 0
    const settings = readSettings(parsed.command, parsed.values, io.env)
    output.configure({ json: settings.global.json, quiet: settings.global.quiet })
    output.addSecret(settings.global.apiKey)
    cancelOnInterrupt = settings.global.cancelOnInterrupt
    for (const warning of settings.warnings) output.warn(warning)
    return await COMMANDS[parsed.command]({ io, output, settings, args: parsed.args, signal: stop.signal })
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
