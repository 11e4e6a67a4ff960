import type { JobOutcome, OutcomeStatus, WaitUpdate } from '@hyperctl-export/core'

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

const FAILED: ReadonlySet<OutcomeStatus> = new Set(['failed', 'cancelled', 'rejected', 'lost'])

/**
 * The counts of a poll. Queued and running come from the session (a queued job's outcome says
 * `pending` like a job the daemon has not started), the rest from the outcomes.
 */
export function batchCounts(update: Pick<WaitUpdate, 'counts' | 'outcomes'>): BatchCounts {
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
  const count = (test: (s: OutcomeStatus) => boolean) => outcomes.filter((o) => test(o.status)).length
  const done = count((s) => s === 'completed')
  const running = count((s) => s === 'pending' || s === 'running')
  const failed = count((s) => FAILED.has(s))
  return {
    total: outcomes.length,
    done,
    running,
    queued: 0,
    failed,
    other: outcomes.length - done - running - failed,
  }
}

/** `11 done`, `4 running`, `284 queued`, `1 failed`, and `2 ended otherwise` when there are such jobs. */
export function batchParts(c: BatchCounts): string[] {
  const parts = [`${c.done} done`, `${c.running} running`, `${c.queued} queued`, `${c.failed} failed`]
  if (c.other > 0) parts.push(`${c.other} ended otherwise`)
  return parts
}
