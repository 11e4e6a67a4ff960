import { UsageError } from '../errors.js'
import type { VerifyOptions } from '../inspect/verify-outcomes.js'
import type { JobOutcome } from '../outcome/job-outcome.js'
import type { Clock } from '../wait/clock.js'

export interface WaitOptions extends Omit<VerifyOptions, 'signal'> {
  /** The longest pause between polls (the backoff ceiling). Default 5 s. */
  pollIntervalMs?: number
  /** The shortest pause, used right after submit and after every change. Default min(1 s, pollIntervalMs). */
  minPollIntervalMs?: number
  /** Give up waiting after this long. Default 12 h. */
  timeoutMs?: number
  /**
   * When the timeout starts counting, on the clock's time; default now. A face passes its process's start
   * (`processStartedAt()`) so that its timeout bounds the whole command, not only the wait after loading.
   */
  startedAt?: number
  signal?: AbortSignal
  onProgress?: (update: WaitUpdate) => void
  /** Cancel the unfinished jobs on the daemon when the timeout is reached. */
  cancelOnTimeout?: boolean
  /** Cancel the unfinished jobs on the daemon when `signal` aborts. */
  cancelOnAbort?: boolean
  /** How long the daemon may stay unreachable before the wait fails. Default 2 min. */
  unreachableGraceMs?: number
  /** How often a job that vanished (daemon restart) may be submitted again under the same ID. Default 0. */
  maxResubmits?: number
  clock?: Clock
}

export interface ExportVmsOptions extends WaitOptions {
  /** Gives every job a deterministic ID, so a repeated run attaches to its jobs instead of exporting twice. */
  idempotencyKey?: string
  /** At most this many of our jobs active on the daemon at once (hypervisord itself has no limit). */
  maxConcurrent?: number
  /** After the first job that does not complete, submit no more. */
  failFast?: boolean
  /** false: submit and return at once (outcomes `pending`/`running`). Default true. */
  wait?: boolean
  /** Called whenever jobs were accepted, before any waiting: publish IDs here so none is lost. */
  onSubmitted?: (accepted: readonly JobOutcome[]) => void | Promise<void>
  /**
   * At most this many submit attempts when the reply may have been lost or the daemon was busy (same IDs
   * each time, so no duplicate). Default: no count; resubmits follow the daemon's Retry-After (else a
   * jittered back-off) and stop at the run's deadline, and after the unreachable grace without an answer.
   */
  submitAttempts?: number | undefined
}

export interface WaitUpdate {
  elapsedMs: number
  outcomes: readonly JobOutcome[]
  changed: readonly JobOutcome[]
  counts: { queued: number; active: number; completed: number; failed: number }
  /** Set while the daemon cannot be reached (within the grace period). */
  daemonUnreachable?: string
}

export const RUN_DEFAULTS = {
  pollIntervalMs: 5_000,
  timeoutMs: 12 * 3_600_000,
  unreachableGraceMs: 120_000,
}

type NumericOption = Exclude<
  {
    [K in keyof ExportVmsOptions]-?: ExportVmsOptions[K] extends number | undefined ? K : never
  }[keyof ExportVmsOptions],
  undefined
>

const POSITIVE: Partial<Record<NumericOption, string>> = {
  pollIntervalMs: 'poll-interval',
  minPollIntervalMs: 'min-poll-interval',
  timeoutMs: 'timeout',
}
const AT_LEAST_ZERO: Partial<Record<NumericOption, string>> = {
  unreachableGraceMs: 'unreachable grace',
  submitAttempts: 'submit attempts',
  maxResubmits: 'max resubmits',
}

// why: a NaN timeout would never be reached and a NaN pause is ~1 ms: a loop hammering the daemon
export function checkOptions(options: ExportVmsOptions): void {
  const bad = (labels: typeof POSITIVE, ok: (value: number) => boolean) =>
    Object.entries(labels).find(([key]) => {
      const value = options[key as NumericOption]
      return value !== undefined && !(Number.isFinite(value) && ok(value))
    })
  const notPositive = bad(POSITIVE, (v) => v > 0)
  if (notPositive) {
    const [key, label] = notPositive
    throw new UsageError(
      `${label} must be a positive duration, got ${options[key as NumericOption]}`,
      'Give e.g. 5s or 90m.',
    )
  }
  const negative = bad(AT_LEAST_ZERO, (v) => v >= 0)
  if (negative) {
    const [key, label] = negative
    throw new UsageError(`${label} must be 0 or more, got ${options[key as NumericOption]}`)
  }
  if (options.maxConcurrent !== undefined && !(options.maxConcurrent >= 1)) {
    throw new UsageError(`max-concurrent must be 1 or more, got ${options.maxConcurrent}`)
  }
}
