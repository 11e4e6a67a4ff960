import {
  formatDuration,
  isTerminal,
  type JobOutcome,
  QUEUED,
  type ShownStatus,
  sanitizeText,
} from '@hyperctl-export/core'
import type { Style } from '../style.js'

/** The job has ended (whether well or not): core's `isTerminal`. */
export const isFinished = isTerminal

/** `0s`, `23s`, `2m05s`, `1h02m`: core's one way of writing a duration, whole seconds. */
export function formatElapsed(ms: number): string {
  return ms < 1000 ? '0s' : formatDuration(ms)
}

/** The label a person reads for a job, made safe for a terminal. */
export function jobLabel(outcome: JobOutcome): string {
  return sanitizeText(outcome.name || lastSegment(outcome.vmPath) || outcome.jobId)
}

/**
 * The daemon's phase, and its percentage only when it reported one: the web exporter never does.
 * Nothing once the job has ended: the daemon keeps the exporter's last phase (a finished web export
 * still says "connecting", docs/hyperctl.md#progress), which would only mislead.
 */
export function phaseText(outcome: JobOutcome): string {
  if (outcome.status !== 'running' && outcome.status !== 'pending') return ''
  const phase = outcome.job?.phase ? sanitizeText(outcome.job.phase) : ''
  const percent = outcome.job?.percent
  const shown = percent !== undefined && percent > 0 ? `${percent.toFixed(percent < 10 ? 1 : 0)}%` : ''
  return [phase, shown].filter((p) => p !== '').join(' ')
}

export function colourStatus(status: ShownStatus, style: Style): string {
  switch (status) {
    case 'completed':
      return style.green(status)
    case 'failed':
    case 'rejected':
    case 'lost':
    case 'unreachable':
    case 'unknown':
      return style.red(status)
    case 'cancelled':
    case 'skipped':
    case 'timeout':
    case 'aborted':
      return style.yellow(status)
    case 'running':
      return style.cyan(status)
    default:
      return style.dim(status)
  }
}

/**
 * Each job's elapsed time on core's clock: from its own accepted submit (`timedFromMs`, the start of the
 * outcome's `durationMs`), or, for jobs already on the daemon, from when we first saw them. A finished job
 * shows the outcome's duration: the very number the final report prints.
 */
export class JobClock {
  readonly #started = new Map<string, number>()
  readonly #ended = new Map<string, number>()
  #submits = false

  /** The jobs the daemon just accepted; once called, a job not yet accepted is queued. */
  submitted(outcomes: readonly JobOutcome[], now: number): void {
    this.#submits = true
    for (const o of outcomes)
      if (!this.#started.has(o.jobId)) this.#started.set(o.jobId, o.timedFromMs ?? now)
  }

  observe(outcomes: readonly JobOutcome[], now: number): void {
    for (const o of outcomes) {
      if (o.timedFromMs !== undefined) this.#started.set(o.jobId, o.timedFromMs)
      else if (!this.#submits && !this.#started.has(o.jobId)) this.#started.set(o.jobId, now)
      if (isFinished(o.status) && !this.#ended.has(o.jobId)) this.#ended.set(o.jobId, now)
    }
  }

  /** Held back (by --max-concurrent) and not submitted yet. */
  isQueued(o: JobOutcome): boolean {
    return this.#submits && !this.#started.has(o.jobId) && !isFinished(o.status)
  }

  /** The word a row shows: the outcome's status, or core's `queued` (the footer's word) for a held-back job. */
  statusOf(o: JobOutcome): ShownStatus {
    return this.isQueued(o) ? QUEUED : o.status
  }

  elapsed(o: JobOutcome, now: number): number {
    if (isFinished(o.status) && o.durationMs !== undefined) return o.durationMs
    const start = this.#started.get(o.jobId)
    if (start === undefined) return 0
    return (this.#ended.get(o.jobId) ?? now) - start
  }
}

function lastSegment(vmPath: string): string {
  return (
    vmPath
      .split('/')
      .filter((p) => p !== '')
      .at(-1) ?? ''
  )
}
