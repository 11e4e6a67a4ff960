import {
  AuthFailedError,
  CommandFailedError,
  DaemonError,
  DaemonUnreachableError,
  HyperctlError,
  HyperctlNotInstalledError,
  UsageError,
} from '../errors.js'

/** The daemon surely created nothing: the request was refused before it was read, or never sent. */
export function surelyNotSubmitted(error: unknown): boolean {
  return (
    error instanceof UsageError ||
    error instanceof HyperctlNotInstalledError ||
    error instanceof AuthFailedError ||
    (error instanceof DaemonUnreachableError && error.notSent) ||
    (error instanceof DaemonError &&
      error.status !== undefined &&
      error.status >= 400 &&
      error.status < 500 &&
      error.status !== 429)
  )
}

/**
 * 5xx and 429 from the REST API; from hyperctl, any daemon error: hyperctl never shows the status code, and
 * a proxy's 502 or a 429 reach us only as a reply it could not read. Waits on them are bounded by the
 * unreachable grace period, submits by the submit attempts.
 */
export function isServerFault(error: unknown): boolean {
  return (
    error instanceof DaemonError &&
    (error.status === undefined || error.status >= 500 || error.status === 429)
  )
}

/**
 * What a job whose fate could not be told becomes: `unreachable` when the daemon could not be reached (so
 * nothing is known), `unknown` when it answered in a way that does not tell.
 */
export function untoldStatus(error: HyperctlError): 'unreachable' | 'unknown' {
  return error instanceof DaemonUnreachableError ? 'unreachable' : 'unknown'
}

export function isTransient(error: HyperctlError): boolean {
  return (
    error instanceof DaemonUnreachableError ||
    isServerFault(error) ||
    (error instanceof CommandFailedError && error.exitCode === null)
  )
}

export function detailOf(error: HyperctlError): string {
  const marker = ': '
  const i = error.message.indexOf(marker)
  return i >= 0 ? error.message.slice(i + marker.length) : error.message
}

export function asHyperctlError(error: unknown): HyperctlError {
  if (error instanceof HyperctlError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new HyperctlError('command-failed', message, 'This is unexpected; please report it.', {
    cause: error,
  })
}
