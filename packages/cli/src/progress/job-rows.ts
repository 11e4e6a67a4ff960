import { isTerminal, type JobOutcome, type OutcomeStatus } from '@hyperctl-export/core'
import type { Style } from '../style.js'
import { neutralise } from '../terminal-text.js'

/** The job has ended (whether well or not): core's `isTerminal`. */
export const isFinished = isTerminal

/** `0:07`, `12:30`, `1:02:03`. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** The label a person reads for a job, made safe for a terminal. */
export function jobLabel(outcome: JobOutcome): string {
  return neutralise(outcome.name || lastSegment(outcome.vmPath) || outcome.jobId)
}

/**
 * The daemon's phase, and its percentage only when it reported one: the web exporter never does.
 * Nothing once the job has ended: the daemon keeps the exporter's last phase (a finished web export
 * still says "connecting", docs/hyperctl.md#progress), which would only mislead.
 */
export function phaseText(outcome: JobOutcome): string {
  if (outcome.status !== 'running' && outcome.status !== 'pending') return ''
  const phase = outcome.job?.phase ? neutralise(outcome.job.phase) : ''
  const percent = outcome.job?.percent
  const shown = percent !== undefined && percent > 0 ? `${percent.toFixed(percent < 10 ? 1 : 0)}%` : ''
  return [phase, shown].filter((p) => p !== '').join(' ')
}

export function colourStatus(status: OutcomeStatus, style: Style): string {
  switch (status) {
    case 'completed':
      return style.green(status)
    case 'failed':
    case 'rejected':
    case 'lost':
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

/** When each job was first seen and when it finished, by our clock (the daemon's may differ). */
export class JobClock {
  readonly #seen = new Map<string, number>()
  readonly #ended = new Map<string, number>()

  observe(outcomes: readonly JobOutcome[], now: number): void {
    for (const o of outcomes) {
      if (!this.#seen.has(o.jobId)) this.#seen.set(o.jobId, now)
      if (isFinished(o.status) && !this.#ended.has(o.jobId)) this.#ended.set(o.jobId, now)
    }
  }

  elapsed(jobId: string, now: number): number {
    const seen = this.#seen.get(jobId)
    if (seen === undefined) return 0
    return (this.#ended.get(jobId) ?? now) - seen
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
