export type HyperctlErrorKind =
  | 'not-installed'
  | 'daemon-unreachable'
  | 'auth-failed'
  | 'usage'
  | 'command-failed'
  | 'daemon-error'
  | 'parse-failure'
  | 'job-rejected'
  | 'job-skipped'
  | 'job-failed'
  | 'job-cancelled'
  | 'job-timeout'
  | 'job-not-found'
  | 'incomplete-export'
  | 'aborted'

/** The root of every error this library throws; `hint` is one sentence saying what to do next. */
export class HyperctlError extends Error {
  readonly kind: HyperctlErrorKind
  readonly hint: string
  constructor(kind: HyperctlErrorKind, message: string, hint: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.kind = kind
    this.hint = hint
  }
}

/** Process exit codes by error kind, shared by the CLI and documented in its README. */
export const exitCodeFor = {
  usage: 2,
  'daemon-unreachable': 3,
  'auth-failed': 3,
  'job-timeout': 4,
  aborted: 130,
  'not-installed': 1,
  'command-failed': 1,
  'daemon-error': 1,
  'parse-failure': 1,
  'job-rejected': 1,
  'job-skipped': 1,
  'job-failed': 1,
  'job-cancelled': 1,
  'job-not-found': 1,
  'incomplete-export': 1,
} as const satisfies Record<HyperctlErrorKind, number>
