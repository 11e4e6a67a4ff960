import { HyperctlError } from './base.js'
import { excerpt } from './excerpt.js'
import type { HintFact } from './hint.js'

export class HyperctlNotInstalledError extends HyperctlError {
  readonly path: string
  constructor(path: string, detail: string, options?: ErrorOptions) {
    super(
      'not-installed',
      `hyperctl could not be run from ${JSON.stringify(path)}: ${detail}`,
      { fact: 'install-hyperctl' },
      options,
    )
    this.path = path
  }
}

export class DaemonUnreachableError extends HyperctlError {
  readonly url: string
  readonly jobIds: readonly string[]
  /** true when the request surely never reached the daemon (refused, a blocked port, DNS, TLS). */
  readonly notSent: boolean
  constructor(
    url: string,
    detail: string,
    options?: ErrorOptions & { jobIds?: readonly string[]; notSent?: boolean; hint?: HintFact | string },
  ) {
    const jobIds = options?.jobIds ?? []
    const jobs = jobIds.length > 0 ? ` while watching job(s) ${jobIds.join(', ')}` : ''
    super(
      'daemon-unreachable',
      `hypervisord at ${url} could not be reached${jobs}: ${detail}`,
      options?.hint ?? { fact: 'daemon-unreachable', jobIds },
      options,
    )
    this.url = url
    this.jobIds = jobIds
    this.notSent = options?.notSent ?? false
  }
}

export class AuthFailedError extends HyperctlError {
  readonly url: string
  readonly status: number
  constructor(url: string, status: number, options?: ErrorOptions) {
    super(
      'auth-failed',
      `hypervisord at ${url} refused the request (HTTP ${status})`,
      { fact: 'key-refused' },
      options,
    )
    this.url = url
    this.status = status
  }
}

export class UsageError extends HyperctlError {
  constructor(
    message: string,
    hint: HintFact | string = 'Fix the arguments and try again.',
    options?: ErrorOptions,
  ) {
    super('usage', message, hint, options)
  }
}

/** hyperctl ran and failed in a way that is not one of the recognised failures. */
export class CommandFailedError extends HyperctlError {
  readonly exitCode: number | null
  readonly stderr: string
  readonly stdout: string
  constructor(
    summary: string,
    details: { exitCode: number | null; stderr: string; stdout: string },
    hint = 'Run the same hyperctl command by hand to see the whole output.',
    options?: ErrorOptions,
  ) {
    super('command-failed', summary, hint, options)
    this.exitCode = details.exitCode
    this.stderr = details.stderr
    this.stdout = details.stdout
  }
}

/** The daemon answered, but with an error (an HTTP error status, or hyperctl's `Server error:`). */
export class DaemonError extends HyperctlError {
  readonly status: number | undefined
  readonly daemonMessage: string
  /** The wait the daemon asked for before another try (its `Retry-After`), when it gave one. */
  readonly retryAfterMs: number | undefined
  constructor(
    daemonMessage: string,
    status?: number,
    options?: ErrorOptions & { retryAfterMs?: number | undefined },
  ) {
    super(
      'daemon-error',
      `hypervisord answered with an error${status === undefined ? '' : ` (HTTP ${status})`}: ${daemonMessage}`,
      { fact: 'daemon-said' },
      options,
    )
    this.status = status
    this.daemonMessage = daemonMessage
    this.retryAfterMs = options?.retryAfterMs
  }
}

export class HyperctlParseError extends HyperctlError {
  /** The raw text that could not be read (secrets already redacted by the caller where relevant). */
  readonly raw: string
  constructor(
    what: string,
    raw: string,
    options?: ErrorOptions & { source?: 'hyperctl' | 'hypervisord'; hint?: HintFact },
  ) {
    const api = options?.source === 'hypervisord'
    super(
      'parse-failure',
      `${api ? 'hypervisord answered' : 'hyperctl printed'} something we cannot read as ${what}: ${excerpt(raw)}`,
      options?.hint ?? { fact: 'unreadable-output', source: api ? 'hypervisord' : 'hyperctl' },
      options,
    )
    this.raw = raw
  }
}

export class OperationAbortedError extends HyperctlError {
  /** The jobs the interrupt left on the daemon (known once a run settles them). */
  constructor(what: string, options?: ErrorOptions & { jobIds?: readonly string[] }) {
    super(
      'aborted',
      `${what} was interrupted`,
      { fact: 'interrupted', jobIds: options?.jobIds ?? [] },
      options,
    )
  }
}
