import { type HintFact, type HintWords, NEUTRAL_WORDS, type Rerun, wordHint } from './hint.js'

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

/**
 * The root of every error this library throws. `fact` says what is true and what would help, in no face's
 * names; `hintIn(error, words)` words it for a face, `hint` in neutral words (settings by their ids).
 */
export class HyperctlError extends Error {
  readonly kind: HyperctlErrorKind
  readonly fact: HintFact
  /** Set by an export run on the errors it settles: whether running the same request again is safe. */
  rerun?: Rerun
  constructor(kind: HyperctlErrorKind, message: string, hint: HintFact | string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.kind = kind
    this.fact = typeof hint === 'string' ? { fact: 'text', text: hint } : hint
  }

  /** One sentence or two saying what to do next, in neutral words. */
  get hint(): string {
    return wordHint(this.fact, NEUTRAL_WORDS, this.rerun)
  }
}

/** The error's hint in a face's words (its input, flag, variable and command names). */
export function hintIn(error: HyperctlError, words: HintWords): string {
  return wordHint(error.fact, words, error.rerun)
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
