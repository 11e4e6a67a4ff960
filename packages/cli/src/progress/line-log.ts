import {
  type BatchCounts,
  batchCounts,
  batchLine,
  finalBatchCounts,
  type JobOutcome,
  sanitizeText,
  type WaitUpdate,
} from '@hyperctl-export/core'
import { formatElapsed, JobClock, jobLabel, phaseText } from './job-rows.js'
import type { ProgressView } from './live-display.js'

export interface LineLogOptions {
  write: (text: string) => void
  now?: () => number
  /** A "still waiting" line after this long without one. Default 30 s. */
  heartbeatMs?: number
}

/**
 * Progress for a pipe, a log file or NO_COLOR: plain lines, one per change of a job's status or phase
 * (not per percent), and a heartbeat while nothing changes, so a CI log shows the wait is alive.
 */
export class LineLog implements ProgressView {
  readonly #write: (text: string) => void
  readonly #now: () => number
  readonly #heartbeatMs: number
  readonly #start: number
  readonly #clock = new JobClock()
  readonly #printed = new Map<string, string>()
  #lastLineAt: number
  #unreachable: string | undefined
  #lastBatch = ''

  constructor(options: LineLogOptions) {
    this.#write = options.write
    this.#now = options.now ?? Date.now
    this.#heartbeatMs = options.heartbeatMs ?? 30_000
    this.#start = this.#now()
    this.#lastLineAt = this.#start
  }

  submitted(outcomes: readonly JobOutcome[]): void {
    const now = this.#now()
    this.#clock.submitted(outcomes, now)
    for (const o of outcomes) {
      this.#line(
        now,
        `${jobLabel(o)} submitted as job ${sanitizeText(o.jobId)}${o.attached ? ' (already on the daemon; attached)' : ''}`,
      )
    }
  }

  update(update: WaitUpdate): void {
    const now = this.#now()
    if (update.daemonUnreachable !== this.#unreachable) {
      this.#unreachable = update.daemonUnreachable
      this.#line(
        now,
        update.daemonUnreachable
          ? `daemon unreachable, retrying: ${sanitizeText(update.daemonUnreachable)}`
          : 'daemon reachable again',
      )
    }
    const changed = this.#changes(update.outcomes, now)
    this.#batch(batchCounts(update), now)
    if (!changed && now - this.#lastLineAt >= this.#heartbeatMs) {
      const c = update.counts
      const parts = [
        c.active > 0 ? `${c.active} active` : '',
        c.queued > 0 ? `${c.queued} queued` : '',
        c.completed > 0 ? `${c.completed} completed` : '',
        c.failed > 0 ? `${c.failed} failed` : '',
      ].filter((p) => p !== '')
      this.#line(now, `still waiting: ${parts.join(', ') || 'no job active'}`)
    }
  }

  finish(outcomes: readonly JobOutcome[]): void {
    const now = this.#now()
    this.#changes(outcomes, now)
    this.#batch(finalBatchCounts(outcomes), now)
  }

  /** For several jobs, a line with where the batch stands whenever a count moved. */
  #batch(counts: BatchCounts, now: number): void {
    if (counts.total < 2) return
    const text = batchLine(counts)
    if (text === this.#lastBatch) return
    this.#lastBatch = text
    this.#line(now, text)
  }

  /** Prints a line for each job whose status or phase changed; true when it printed any. */
  #changes(outcomes: readonly JobOutcome[], now: number): boolean {
    this.#clock.observe(outcomes, now)
    let any = false
    for (const o of outcomes) {
      const phase = o.job?.phase ? sanitizeText(o.job.phase) : ''
      const key = `${o.status}|${phase}`
      if (this.#printed.get(o.jobId) === key) continue
      this.#printed.set(o.jobId, key)
      const detail = phaseText(o)
      const took =
        o.status === 'running' || o.status === 'pending'
          ? ''
          : ` after ${formatElapsed(this.#clock.elapsed(o, now))}`
      this.#line(
        now,
        `${jobLabel(o)} (${sanitizeText(o.jobId)}): ${o.status}${detail ? `, ${detail}` : ''}${took}`,
      )
      any = true
    }
    return any
  }

  #line(now: number, text: string): void {
    this.#lastLineAt = now
    this.#write(`[${formatElapsed(now - this.#start)}] ${text}\n`)
  }
}
