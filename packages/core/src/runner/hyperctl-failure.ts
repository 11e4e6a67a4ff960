import { stripVTControlCharacters } from 'node:util'
import {
  AuthFailedError,
  CommandFailedError,
  DaemonError,
  DaemonUnreachableError,
  type HyperctlError,
  UsageError,
} from '../errors.js'
import { classifyHyperctlFailure } from '../parse/index.js'
import { HYPERCTL_DAEMON_URL } from './hyperctl-env.js'

/** A finished hyperctl run, its output decoded and already stripped of secrets. */
export interface FinishedRun {
  stdout: string
  stderr: string
  exitCode: number
}

// why: the daemon's auth middleware answers 401 with the text `unauthorized\n`, which hyperctl's JSON
// decoder meets as `invalid character 'u'` (query, status, cancel) or prints as `Server error:` (submit), docs/hyperctl.md#authentication
const UNAUTHORIZED_DECODE = /invalid character 'u' looking for beginning of value/
const UNAUTHORIZED_BODY = /\bunauthorized\b/i
// why: Go's dial error when nothing listens (`dial tcp 127.0.0.1:8080: connect: connection refused`):
// the request never left, unlike a timeout or an EOF, after which the daemon may have acted on it
const CONNECTION_REFUSED = /: connect: connection refused\s*$/
// why: Go exits 2 for a panic too (a `null` job in a query reply); that is no usage error
const GO_PANIC = /(^|\n)panic: |(^|\n)goroutine \d+ \[/

/**
 * The error for a run that failed, or null when it succeeded. Uses the exit code first, then the
 * text (docs/hyperctl.md#error-kinds). `command` names the subcommand for messages.
 */
export function errorForRun(command: string, run: FinishedRun): HyperctlError | null {
  const details = {
    exitCode: run.exitCode,
    stdout: readableOutput(run.stdout),
    stderr: readableOutput(run.stderr),
  }
  if (run.exitCode === 2 && GO_PANIC.test(details.stderr)) {
    return new CommandFailedError(`hyperctl ${command} crashed (Go panic, exit code 2)`, details)
  }
  const failure = classifyHyperctlFailure(run)
  if (failure === null) {
    if (run.exitCode === 0) return null
    return new CommandFailedError(`hyperctl ${command} failed with exit code ${run.exitCode}`, details)
  }
  const { message } = failure
  switch (failure.error) {
    case 'daemon-unreachable':
      return new DaemonUnreachableError(HYPERCTL_DAEMON_URL, message, {
        notSent: CONNECTION_REFUSED.test(message),
      })
    case 'usage':
      return new UsageError(`hyperctl ${command} refused its arguments: ${message}`, {
        fact: 'hyperctl-version',
      })
    case 'not-found':
      return new CommandFailedError(
        `hyperctl ${command} could not read its job file: ${message}`,
        details,
        'The temporary job file was gone before hyperctl read it; check that nothing cleans the temp directory, then retry.',
      )
    case 'server-error': {
      const body = message.replace(/^Server error:\s*/, '')
      if (UNAUTHORIZED_BODY.test(body)) return new AuthFailedError(HYPERCTL_DAEMON_URL, 401)
      return new DaemonError(daemonText(body))
    }
    case 'parse-failure':
      if (UNAUTHORIZED_DECODE.test(message)) return new AuthFailedError(HYPERCTL_DAEMON_URL, 401)
      // why: hyperctl read a reply that is not the JSON it expects (a 405, an HTML proxy page, a 404
      // from something else on :8080); the daemon side answered, so it is the daemon's error
      return new DaemonError(`hyperctl could not read the reply (${message})`)
    default:
      return new CommandFailedError(`hyperctl ${command} failed: ${message}`, details)
  }
}

/** The daemon's `{"error": "..."}` message when the body is one, else the body as printed. */
function daemonText(body: string): string {
  const trimmed = body.trim()
  try {
    const value: unknown = JSON.parse(trimmed)
    if (value && typeof value === 'object' && 'error' in value && typeof value.error === 'string') {
      return value.error
    }
  } catch {
    // not JSON: an HTML page from a proxy, or plain text
  }
  return trimmed
}

/** Output for error fields: escape codes gone, each spinner redraw reduced to its last state. */
export function readableOutput(text: string): string {
  return stripVTControlCharacters(text)
    .split('\n')
    .map((line) => line.slice(line.lastIndexOf('\r') + 1).trimEnd())
    .join('\n')
    .trim()
}
