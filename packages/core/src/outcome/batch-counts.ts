import type { JobOutcome } from './job-outcome.js'
import { isFailure, QUEUED } from './status.js'

/** Where a batch stands: every job is in exactly one of these. */
export interface BatchCounts {
  total: number
  /** Completed. */
  done: number
  /** On the daemon, pending or running. */
  running: number
  /** Not submitted yet (held back by max-concurrent). */
  queued: number
  /** Failed, cancelled, rejected or lost. */
  failed: number
  /** Ended another way: skipped, timed out, aborted, unknown. */
  other: number
}

/** What a run reports with each poll (WaitUpdate carries it). */
export interface PollCounts {
  counts: { queued: number; active: number; completed: number; failed: number }
  outcomes: readonly JobOutcome[]
}

/**
 * The counts of a poll. Queued and running come from the run (a queued job's outcome says `pending`
 * like a job the daemon has not started), the rest from the outcomes.
 */
export function batchCounts(update: PollCounts): BatchCounts {
  const { queued, active, completed, failed } = update.counts
  const total = update.outcomes.length
  return {
    total,
    done: completed,
    running: active,
    queued,
    failed,
    other: Math.max(0, total - completed - active - queued - failed),
  }
}

/** The counts of a finished batch, from its outcomes alone. */
export function finalBatchCounts(outcomes: readonly JobOutcome[]): BatchCounts {
  const count = (test: (o: JobOutcome) => boolean) => outcomes.filter(test).length
  const done = count((o) => o.status === 'completed')
  const running = count((o) => o.status === 'pending' || o.status === 'running')
  const failed = count((o) => isFailure(o.status))
  return {
    total: outcomes.length,
    done,
    running,
    queued: 0,
    failed,
    other: outcomes.length - done - running - failed,
  }
}

/**
 * `11 completed`, `4 running`, `284 queued`, `1 failed`, and `2 ended otherwise` when there are such jobs:
 * the words of the rows and the JSON (a cancelled, rejected or lost job counts as failed).
 */
export function batchParts(c: BatchCounts): string[] {
  const parts = [`${c.done} completed`, `${c.running} running`, `${c.queued} ${QUEUED}`, `${c.failed} failed`]
  if (c.other > 0) parts.push(`${c.other} ended otherwise`)
  return parts
}

/** `batch of 300: 11 completed, 4 running, 284 queued, 1 failed`: one line for a log. */
export function batchLine(c: BatchCounts): string {
  return `batch of ${c.total}: ${batchParts(c).join(', ')}`
}
