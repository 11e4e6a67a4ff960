import { createDeadline } from '../deadline.js'
import { HyperctlError, JobTimeoutError, UsageError } from '../errors.js'
import { snapshotDirectories } from '../inspect/verify-outcomes.js'
import { prepareJobs } from '../jobs/job-definition.js'
import { resolveJobIds } from '../jobs/resolve-job-ids.js'
import type { JobOutcome } from '../outcome/job-outcome.js'
import { idempotentJobIds } from '../plan/idempotent-ids.js'
import type { ExportBackend, JobSpec } from '../types.js'
import { systemClock } from '../wait/clock.js'
import type { ExportVmsOptions, WaitOptions } from './run-options.js'
import { type Entry, RunState } from './run-state.js'
import { watch } from './watch.js'

export type { ExportVmsOptions, WaitOptions, WaitUpdate } from './run-options.js'

/**
 * Submits jobs and watches them to the end with one daemon call per poll, however many jobs.
 * Never rejects because of a job's fate: every job comes back as an outcome in input order. Rejects only
 * for bad input (UsageError) and when the very first submit fails with nothing on the daemon (refused,
 * unauthorised, no hyperctl, or looked up by ID and absent). A submit that may have reached the daemon is
 * looked up by ID; jobs found are watched, and jobs whose fate cannot be told come back `unknown`.
 */
export async function exportVms(
  backend: ExportBackend,
  jobs: readonly JobSpec[],
  options: ExportVmsOptions = {},
): Promise<JobOutcome[]> {
  if (jobs.length === 0) throw new UsageError('no job to export', 'Give at least one VM path or a job file.')
  const ids = options.idempotencyKey ? idempotentJobIds(options.idempotencyKey, jobs) : jobs.map((j) => j.id)
  const entries: Entry[] = jobs.map((spec, index) => {
    const id = ids[index] ?? crypto.randomUUID()
    return {
      // why: the ID is fixed before the first attempt, so a retried submit can only meet itself
      spec: { ...spec, id },
      resubmits: 0,
      callerId: spec.id !== undefined,
      outcome: {
        index,
        jobId: id,
        vmPath: spec.vmPath,
        name: spec.name ?? '',
        status: 'pending',
        attached: false,
        exportMethod: spec.exportMethod ?? 'web',
        warnings: [],
      },
    }
  })
  // why: with max-concurrent, jobs are submitted in waves; a bad job must fail before the first one starts,
  // and an ID repeated across waves must not attach one VM's export to another's
  prepareJobs(entries.map((e) => e.spec!))
  const before =
    options.wait !== false && options.verify !== 'off'
      ? snapshotDirectories(entries.map((e) => e.spec!))
      : undefined
  const run = new RunState(backend, entries, options, true)
  if (before) run.verifier.remember(before)
  return watchThenInspect(run)
}

/**
 * Watches jobs that are already on the daemon; like exportVms, every job comes back as an outcome. A
 * unique prefix of at least 4 characters stands for the full ID (the outcome carries the full one).
 */
export async function settleJobs(
  backend: ExportBackend,
  typedIds: readonly string[],
  options: WaitOptions = {},
): Promise<JobOutcome[]> {
  if (typedIds.length === 0) throw new UsageError('no job ID to wait for', 'Give at least one job ID.')
  // why: resolving short IDs is part of the wait; it spends the same timeout, not one of its own
  const clock = options.clock ?? systemClock
  const startedAt = Math.min(options.startedAt ?? clock.now(), clock.now())
  const timeoutMs =
    options.timeoutMs === undefined ? undefined : options.timeoutMs - (clock.now() - startedAt)
  const deadline = createDeadline(timeoutMs, { parent: options.signal, now: clock.now })
  let jobIds: string[]
  try {
    jobIds = [...new Set(await resolveJobIds(backend, typedIds, deadline.call()))]
  } catch (error) {
    // why: the time ran out while the IDs were looked up: that is the wait's timeout, not a daemon fault
    if (!deadline.expired() || options.signal?.aborted || error instanceof UsageError) throw error
    jobIds = [...new Set(typedIds)]
    const timedOut = new JobTimeoutError(jobIds, options.timeoutMs ?? 0, false)
    return jobIds.map((jobId, index) => ({
      ...pendingOutcome(jobId, index),
      status: 'timeout',
      error: timedOut,
    }))
  } finally {
    deadline.dispose()
  }
  options = { ...options, startedAt }
  const entries: Entry[] = jobIds.map((jobId, index) => ({
    resubmits: 0,
    outcome: pendingOutcome(jobId, index),
  }))
  return watchThenInspect(new RunState(backend, entries, { ...options, maxResubmits: 0 }, false))
}

function pendingOutcome(jobId: string, index: number): JobOutcome {
  return { index, jobId, vmPath: '', name: '', status: 'pending', attached: true, warnings: [] }
}

/** watch, then inspect: the files of every job that completed are settled into its outcome. */
async function watchThenInspect(run: RunState): Promise<JobOutcome[]> {
  const outcomes = await watch(run)
  await run.verifier.settle(outcomes)
  return outcomes
}

/** Resolves when every job completed; otherwise rejects with the first unfinished job's error (with all outcomes). */
export async function waitForJobs(
  backend: ExportBackend,
  jobIds: readonly string[],
  options: WaitOptions = {},
): Promise<JobOutcome[]> {
  return throwUnlessCompleted(await settleJobs(backend, jobIds, options))
}

/** Submits one export and waits for it; resolves with its outcome or rejects with what went wrong. */
export async function exportVm(
  backend: ExportBackend,
  job: JobSpec,
  options: ExportVmsOptions = {},
): Promise<JobOutcome> {
  const [outcome] = throwUnlessCompleted(await exportVms(backend, [job], options))
  return outcome!
}

export function throwUnlessCompleted(outcomes: JobOutcome[]): JobOutcome[] {
  const failed = outcomes.find((o) => o.status !== 'completed')
  if (failed) {
    // why: only pending/running (wait: false) come without an error; they are not a completion either
    const error =
      failed.error ??
      new HyperctlError('job-timeout', `job ${failed.jobId} has not finished (status: ${failed.status})`, {
        fact: 'wait-ended',
        jobIds: [failed.jobId],
        cancelled: false,
      })
    error.outcomes = outcomes
    throw error
  }
  return outcomes
}
