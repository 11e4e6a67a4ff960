import { JobSkippedError, OperationAbortedError } from '../errors.js'
import { isFailure } from '../outcome/status.js'
import { asHyperctlError, untoldStatus } from './failure-kinds.js'
import type { RunState } from './run-state.js'
import { SubmitOutcomeUnknown, SubmitTimedOut, submitEntries } from './submit.js'

/**
 * Submits as many queued jobs as max-concurrent leaves room for. Resolves `interrupted` when the signal
 * ended the submit (the batch is then active, so it is cancelled like the rest). Rejects only when
 * nothing of the run is on the daemon; any later submit failure becomes outcomes.
 */
export async function submitNextWave(run: RunState): Promise<'interrupted' | 'timeout' | undefined> {
  if (run.queued.length === 0 || run.stopSubmitting) return undefined
  // why: without waiting nothing frees a slot, so every job is submitted at once
  const limit = run.options.wait === false ? undefined : run.options.maxConcurrent
  const room = (limit ?? Number.POSITIVE_INFINITY) - run.active.length
  const batch = run.queued.splice(0, Math.max(0, room))
  if (batch.length === 0) return undefined
  try {
    const accepted = await submitEntries(run, batch)
    run.everSubmitted ||= accepted.length > 0
    run.active.push(...accepted)
  } catch (error) {
    if (error instanceof OperationAbortedError) {
      // why: the submit may have reached the daemon; the batch is watched and cancelled like the rest
      run.active.push(...batch)
      return 'interrupted'
    }
    if (error instanceof SubmitTimedOut) {
      // why: the daemon may have taken them; they time out (and are cancelled when asked) like the rest
      for (const entry of batch) {
        entry.outcome.warnings.push(
          `the submit got no answer before the timeout (${error.failure.message}); job ${entry.outcome.jobId} may be on the daemon`,
        )
      }
      run.active.push(...batch)
      return 'timeout'
    }
    // why: rejecting is only right when nothing is on the daemon; otherwise the IDs must come back
    if (!run.everSubmitted && !(error instanceof SubmitOutcomeUnknown)) throw error
    const failure = error instanceof SubmitOutcomeUnknown ? error.outcomeError : asHyperctlError(error)
    run.settle(batch, untoldStatus(failure), failure)
    run.settle(
      run.queued.splice(0),
      'skipped',
      new JobSkippedError(`an earlier submit failed (${failure.message})`),
    )
    run.stopSubmitting = true
  }
  return undefined
}

/** With fail-fast, the first job that did not complete stops further submits. */
export function applyFailFast(run: RunState): void {
  if (run.options.failFast && run.entries.some((e) => isFailure(e.outcome.status))) {
    run.stopSubmitting = true
  }
}

/** A slot is free and a job waits for it: submit it without waiting for the next poll. */
export function slotFree(run: RunState): boolean {
  return run.queued.length > 0 && !run.stopSubmitting && run.active.length < (run.options.maxConcurrent ?? 0)
}
