import { backoffDelayMs } from '../client/retry-delay.js'
import {
  DaemonError,
  DaemonUnreachableError,
  type HyperctlError,
  JobRejectedError,
  OperationAbortedError,
} from '../errors.js'
import { jobWarnings } from '../jobs/job-definition.js'
import type { JobInfo, SubmitResult } from '../types.js'
import { asHyperctlError, isServerFault, surelyNotSubmitted } from './failure-kinds.js'
import { RUN_DEFAULTS } from './run-options.js'
import type { Entry, RunState } from './run-state.js'

/**
 * Every submit attempt failed and the jobs could not be looked up either, so whether the daemon has them
 * is unknown: the run reports them as `unknown` (with their IDs) instead of rejecting.
 */
export class SubmitOutcomeUnknown extends Error {
  readonly outcomeError: HyperctlError
  constructor(failure: HyperctlError, lookupError: HyperctlError, ids: readonly string[]) {
    super(failure.message, { cause: failure })
    this.name = 'SubmitOutcomeUnknown'
    const detail = `the submit failed (${failure.message}) and the jobs could not be looked up (${lookupError.message}); they may be on the daemon`
    this.outcomeError =
      lookupError instanceof DaemonUnreachableError
        ? new DaemonUnreachableError(lookupError.url, detail, { jobIds: ids, cause: failure })
        : new DaemonError(detail, undefined, { cause: failure })
  }
}

/**
 * The run's time ran out before the daemon said whether it took the jobs; the run reports them as
 * `timeout` and cancels them when asked, since they may be on the daemon.
 */
export class SubmitTimedOut extends Error {
  readonly failure: HyperctlError
  constructor(failure: HyperctlError) {
    super(failure.message, { cause: failure })
    this.name = 'SubmitTimedOut'
    this.failure = failure
  }
}

/** The bound on submit attempts whatever the deadline: a loop that cannot end is a bug. */
const MAX_SUBMIT_ATTEMPTS = 1_000
const SUBMIT_BACKOFF = { minDelayMs: 1_000, maxDelayMs: 16_000 }
const TRANSPORT_FAILURE_ATTEMPTS = 3

/**
 * Submits with retries that reuse the same IDs; returns the entries now on the daemon. Resubmits after a
 * lost reply or a busy daemon (429, 5xx) wait what its Retry-After asks (else a jittered back-off) and
 * stop at the run's deadline, after the unreachable grace, or after `submitAttempts` when given. Throws
 * the submit's error only when the jobs are surely not on the daemon, SubmitOutcomeUnknown when that
 * cannot be told, and SubmitTimedOut when the deadline came first.
 */
export async function submitEntries(run: RunState, batch: Entry[]): Promise<Entry[]> {
  const attempts = Math.min(MAX_SUBMIT_ATTEMPTS, run.options.submitAttempts ?? MAX_SUBMIT_ATTEMPTS)
  const grace = run.options.unreachableGraceMs ?? RUN_DEFAULTS.unreachableGraceMs
  let lastError: unknown
  let maybeOnDaemon = false
  let firstFailureAt: number | undefined
  for (let attempt = 1; attempt <= Math.max(1, attempts); attempt++) {
    let result: SubmitResult
    try {
      result = await run.backend.submitJobs(
        batch.map((e) => {
          // why: read before this attempt; a duplicate then means an earlier attempt of ours
          e.sentBefore = e.sent === true
          e.sent = true
          return e.spec!
        }),
        run.call(),
      )
    } catch (error) {
      if (error instanceof OperationAbortedError) throw error
      lastError = error
      maybeOnDaemon ||= !surelyNotSubmitted(error)
      if (run.deadline.expired()) {
        if (!maybeOnDaemon) throw error
        throw new SubmitTimedOut(asHyperctlError(error))
      }
      // why: a retry is safe (the same IDs make a second copy impossible), but only worth it for a
      // lost reply or a server fault; anything else would fail the same way again
      if (!(error instanceof DaemonUnreachableError) && !isServerFault(error)) break
      firstFailureAt ??= run.clock.now()
      const delay = resubmitDelayMs(error, attempt)
      // why: retries stop at the deadline (a wait past it only delays the failure) and, without any
      // answer, at the unreachable grace like the poll loop
      if (attempt >= attempts || delay >= run.deadline.remaining()) break
      // why: a daemon that cannot be reached at all gets the few tries it always had; only one that
      // answers (busy, 429/5xx) is followed until the deadline
      if (error instanceof DaemonUnreachableError && attempt >= TRANSPORT_FAILURE_ATTEMPTS) break
      if (run.clock.now() + delay - firstFailureAt > grace) break
      await run.clock.sleep(delay, run.signal)
      if (run.signal?.aborted) throw new OperationAbortedError('the submit', { cause: error })
      continue
    }
    const accepted: Entry[] = []
    for (const submitted of result.jobs) {
      const entry = batch[submitted.index]!
      entry.outcome.exportMethod = submitted.exportMethod
      entry.outcome.name = submitted.name
      if (entry.resubmits === 0) entry.outcome.warnings.push(...jobWarnings(entry.spec!))
      entry.submittedAt = run.clock.now()
      entry.outcome.timedFromMs ??= entry.submittedAt
      if (submitted.accepted) {
        accepted.push(entry)
      } else if (submitted.error && isDuplicate(submitted.error, entry.outcome.jobId)) {
        if (entry.callerId && !entry.sentBefore && entry.resubmits === 0) {
          // why: the daemon never forgets a job, so a job ID the caller fixed (a job file's `id`) meets
          // yesterday's export; attaching would report its old result as this run's export
          run.settle(
            [entry],
            'rejected',
            new JobRejectedError(
              `${submitted.error}: an export with this job ID ran on the daemon before; a job file's id must be new for each export (leave it out to let hyperctl-export choose, or use an idempotency key)`,
              { jobId: entry.outcome.jobId, vmPath: entry.outcome.vmPath },
            ),
          )
        } else if (await attach(run, entry)) accepted.push(entry)
      } else {
        run.settle(
          [entry],
          'rejected',
          new JobRejectedError(submitted.error ?? 'no reason given', {
            jobId: entry.outcome.jobId,
            vmPath: entry.outcome.vmPath,
          }),
        )
      }
    }
    if (accepted.length > 0) await publish(run, accepted)
    return accepted
  }
  if (!maybeOnDaemon) throw lastError
  if (run.deadline.expired()) throw new SubmitTimedOut(asHyperctlError(lastError))
  const found = await lookUpAfterFailedSubmit(run, batch, asHyperctlError(lastError))
  if (found.length > 0) await publish(run, found)
  return found
}

/** Calls onSubmitted; a callback that throws is reported on the jobs, never allowed to lose them. */
async function publish(run: RunState, entries: Entry[]): Promise<void> {
  try {
    await run.options.onSubmitted?.(entries.map((e) => e.outcome))
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    for (const e of entries) e.outcome.warnings.push(`publishing the submitted job failed: ${message}`)
  }
}

/**
 * Every submit attempt failed in a way the daemon may have acted on (a reply lost, cut or unreadable,
 * hyperctl killed mid-run): the jobs are looked up by their IDs, so none is on the daemon unwatched.
 */
async function lookUpAfterFailedSubmit(
  run: RunState,
  batch: Entry[],
  failure: HyperctlError,
): Promise<Entry[]> {
  const ids = batch.map((e) => e.outcome.jobId)
  let jobs: JobInfo[]
  try {
    jobs = await run.backend.queryJobs({ ids }, run.call())
  } catch (error) {
    if (error instanceof OperationAbortedError || run.signal?.aborted) {
      throw new OperationAbortedError('the submit', { cause: failure })
    }
    if (run.deadline.expired()) throw new SubmitTimedOut(failure)
    throw new SubmitOutcomeUnknown(failure, asHyperctlError(error), ids)
  }
  const byId = new Map(jobs.map((j) => [j.id, j]))
  // why: the daemon has none of them, so the failure is what happened: nothing was submitted
  if (!batch.some((e) => byId.has(e.outcome.jobId))) throw failure
  const found: Entry[] = []
  for (const entry of batch) {
    const job = byId.get(entry.outcome.jobId)
    entry.submittedAt = run.clock.now()
    entry.outcome.timedFromMs ??= entry.submittedAt
    if (entry.resubmits === 0) entry.outcome.warnings.push(...jobWarnings(entry.spec!))
    if (!job) {
      run.settle([entry], 'unknown', failure)
    } else if (!sameVm(job, entry.outcome.vmPath)) {
      run.settle([entry], 'rejected', otherVmError(entry, job))
    } else {
      entry.outcome.attached = true
      entry.outcome.warnings.push(
        `the submit failed (${failure.message}), but job ${entry.outcome.jobId} is on the daemon; it is watched`,
      )
      found.push(entry)
    }
  }
  return found
}

/** A job with our ID already exists: it is ours only if it exports the same VM. */
async function attach(run: RunState, entry: Entry): Promise<boolean> {
  const id = entry.outcome.jobId
  let existing: JobInfo
  try {
    existing = await run.backend.getJob(id, run.call())
  } catch (error) {
    if (error instanceof OperationAbortedError) throw error
    // why: the daemon just said a job with this ID exists; not being able to read it back now does not
    // make it someone else's, and leaving it unwatched would lose it from view
    entry.outcome.attached = true
    entry.outcome.warnings.push(
      `job ${id} was already on the daemon; it could not be read back to compare its VM (${asHyperctlError(error).message}); attached to it`,
    )
    return true
  }
  if (!sameVm(existing, entry.outcome.vmPath)) {
    run.settle([entry], 'rejected', otherVmError(entry, existing))
    return false
  }
  entry.outcome.attached = true
  entry.outcome.warnings.push(
    `job ${id} was already on the daemon (same job ID: an earlier attempt or the same idempotency key); attached to it`,
  )
  return true
}

function otherVmError(entry: Entry, existing: JobInfo): JobRejectedError {
  const id = entry.outcome.jobId
  return new JobRejectedError(
    `job with ID ${id} already exists for another VM (${existing.vmPath}); use another idempotency key`,
    { jobId: id, vmPath: entry.outcome.vmPath },
  )
}

/** The daemon's Retry-After when it gave one, else an exponential back-off with jitter. */
function resubmitDelayMs(error: unknown, attempt: number): number {
  if (error instanceof DaemonError && error.retryAfterMs !== undefined) return error.retryAfterMs
  return backoffDelayMs(attempt, SUBMIT_BACKOFF)
}

function isDuplicate(message: string, id: string): boolean {
  return message === `job with ID ${id} already exists`
}

function sameVm(job: JobInfo, vmPath: string): boolean {
  // why: the ID, derived from the VM and the output, was read; the path could not be (a " | " in it)
  if (job.vmPathUnreadable) return true
  if (!job.vmPathTruncated) return job.vmPath === vmPath
  // why: the hyperctl table shows only the last 27 bytes, decoded with U+FFFD for a cut character
  const tail = Buffer.from(vmPath, 'utf8').subarray(-Buffer.byteLength(job.vmPath, 'utf8'))
  return tail.toString('utf8') === job.vmPath || vmPath.endsWith(job.vmPath.replace(/^\uFFFD+/, ''))
}
