import { JobSkippedError, JobTimeoutError, OperationAbortedError } from '../errors.js'
import type { JobOutcome } from '../outcome/job-outcome.js'
import type { RunState } from './run-state.js'

/**
 * What a cancel after the timeout may add to the run: the timeout is a promise to the caller, so the
 * cancel gets a small fixed margin (a cancel takes milliseconds on a daemon that answers at all).
 */
export const CANCEL_AFTER_TIMEOUT_MS = 1_000

/** The timeout ended the wait: active jobs are `timeout` (cancelled first when asked), queued ones skipped. */
export async function timeOutRun(run: RunState, timeoutMs: number): Promise<JobOutcome[]> {
  const ids = run.active.map((e) => e.outcome.jobId)
  const cancelled = run.options.cancelOnTimeout ? await cancelJobs(run, ids, CANCEL_AFTER_TIMEOUT_MS) : NONE
  for (const entry of run.active) {
    const id = entry.outcome.jobId
    run.settle([entry], 'timeout', new JobTimeoutError([id], timeoutMs, cancelled.has(id)))
  }
  run.settle(run.queued.splice(0), 'skipped', new JobSkippedError('the timeout was reached first'))
  return run.finish()
}

/** The signal ended the run: active jobs are `aborted` (cancelled first when asked), queued ones skipped. */
export async function abortRun(run: RunState): Promise<JobOutcome[]> {
  const ids = run.active.map((e) => e.outcome.jobId)
  // why: a runner gives 7.5 s between SIGINT and SIGTERM; the cancel must fit well inside
  const cancelled = run.options.cancelOnAbort && ids.length > 0 ? await cancelJobs(run, ids, 5_000) : NONE
  const what = cancelled.size > 0 ? 'the wait (jobs cancelled on the daemon)' : 'the wait'
  const left = ids.filter((id) => !cancelled.has(id))
  run.settle(run.active.splice(0), 'aborted', new OperationAbortedError(what, { jobIds: left }))
  run.settle(run.queued.splice(0), 'skipped', new JobSkippedError('the export was interrupted'))
  return run.finish()
}

const NONE: ReadonlySet<string> = new Set()

/**
 * Cancels exactly these jobs (the unfinished ones), once, within its own time limit; returns the IDs the
 * daemon cancelled, marked on their outcomes so that nobody (the action's post step) cancels them again.
 */
async function cancelJobs(run: RunState, ids: string[], timeoutMs: number): Promise<ReadonlySet<string>> {
  if (ids.length === 0) return NONE
  try {
    const result = await run.backend.cancelJobs(ids, {
      signal: AbortSignal.timeout(timeoutMs),
      timeoutMs,
    })
    const cancelled = new Set(result.cancelled)
    for (const entry of run.active)
      if (cancelled.has(entry.outcome.jobId)) entry.outcome.cancelledByRun = true
    return cancelled
  } catch {
    return NONE
  }
}
