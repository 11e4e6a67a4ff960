import type { Writable } from 'node:stream'
import { isCancel, password as promptPassword } from '@clack/prompts'
import {
  type BackendChoice,
  createBackend,
  createDeadline,
  type Deadline,
  describeTransportEvent,
  OperationAbortedError,
  sanitizeText,
  type TransportListener,
  timeLeftSinceProcessStart,
} from '@hyperctl-export/core'
import type { CliIo } from './cli-io.js'
import type { Output } from './output.js'
import { LineLog } from './progress/line-log.js'
import { LiveDisplay, type ProgressView } from './progress/live-display.js'
import type { Settings } from './settings.js'

export interface CommandContext {
  io: CliIo
  output: Output
  settings: Settings
  args: string[]
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal
}

/**
 * The backend for the options. For a command that waits, --timeout is the wait's; for the others it
 * bounds each call to the daemon or hyperctl.
 */
export function openBackend(ctx: CommandContext, waits: boolean): Promise<BackendChoice> {
  const { global } = ctx.settings
  const perCall = waits ? undefined : global.timeoutMs
  return createBackend({
    transport: global.transport,
    ...(global.daemonUrl ? { daemonUrl: global.daemonUrl } : {}),
    ...(global.apiKey ? { apiKey: global.apiKey } : {}),
    ...(global.hyperctlPath ? { hyperctlPath: global.hyperctlPath } : {}),
    env: ctx.io.env,
    ...(perCall ? { requestTimeoutMs: perCall, commandTimeoutMs: perCall } : {}),
    ...transportLog(ctx),
    onNotice: (message) => ctx.output.warn(message),
  })
}

/** What a command that does not wait (status, jobs, job, cancel) may take in all, without --timeout. */
export const COMMAND_TIMEOUT_MS = 30_000

/**
 * One deadline over every call of a command that does not wait: --timeout, else 30 s, from the start of
 * the process, whatever the daemon does (each call gets the time left; retries stop there).
 */
export function commandDeadline(ctx: CommandContext): Deadline {
  const timeoutMs = timeLeftSinceProcessStart(ctx.settings.global.timeoutMs ?? COMMAND_TIMEOUT_MS)
  return createDeadline(timeoutMs, { parent: ctx.signal })
}

/** With --verbose, each daemon request and hyperctl run as a line on stderr (redacted like every write). */
export function transportLog(ctx: CommandContext): { onEvent?: TransportListener } {
  if (!ctx.settings.global.verbose) return {}
  const { output } = ctx
  return {
    onEvent: (event) =>
      output.writeErr(`${output.err.dim('verbose:')} ${sanitizeText(describeTransportEvent(event))}\n`),
  }
}

/** Live rows on a terminal, plain lines elsewhere, nothing with --quiet. Always on stderr. */
export function createProgressView(ctx: CommandContext): ProgressView | undefined {
  const { output } = ctx
  if (output.quiet) return undefined
  const write = (text: string) => output.writeErr(text)
  if (output.liveErr) {
    const stream = ctx.io.stderr
    return new LiveDisplay({
      write,
      style: output.err,
      size: () => ({ columns: stream.columns, rows: (stream as { rows?: number }).rows }),
    })
  }
  return new LineLog({ write })
}

/** A hidden prompt on a terminal (stdin and stderr both one); undefined when there is none to ask on. */
export function passwordPrompt(ctx: CommandContext): (label: string) => Promise<string | undefined> {
  return async (label) => {
    const { stdin, stderr } = ctx.io
    if (!stdin.isTTY || !stderr.isTTY) return undefined
    const answer = await promptPassword({
      message: `vCenter password for ${label}`,
      input: stdin,
      // why: the prompt is only shown when stderr is the real terminal stream, a Writable
      output: stderr as unknown as Writable,
      signal: ctx.signal,
    })
    if (isCancel(answer)) throw new OperationAbortedError('the password prompt')
    return answer
  }
}
