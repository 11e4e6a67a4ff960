import {
  AuthFailedError,
  CommandFailedError,
  DaemonError,
  DaemonUnreachableError,
  HyperctlError,
  HyperctlNotInstalledError,
  JobCancelledError,
  JobFailedError,
  JobNotFoundError,
  JobRejectedError,
  JobSkippedError,
  JobTimeoutError,
  OperationAbortedError,
  UsageError,
} from '../errors.js'
import { jobWarnings, prepareJobs } from '../jobs/job-definition.js'
import type { ExportBackend, JobInfo, JobSpec, SubmitResult } from '../types.js'
import { type Clock, systemClock } from '../wait/clock.js'
import type { JobOutcome, OutcomeStatus } from '../wait/job-outcome.js'
import { PollInterval } from '../wait/poll-interval.js'
import { idempotentJobIds } from './idempotent-ids.js'

export interface WaitOptions {
  /** The longest pause between polls (the backoff ceiling). Default 5 s. */
  pollIntervalMs?: number
  /** The shortest pause, used right after submit and after every change. Default min(1 s, pollIntervalMs). */
  minPollIntervalMs?: number
  /** Give up waiting after this long. Default 12 h. */
  timeoutMs?: number
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
  /** Submit attempts when the reply may have been lost (same IDs each time, so no duplicate). Default 3. */
  submitAttempts?: number
}

export interface WaitUpdate {
  elapsedMs: number
  outcomes: readonly JobOutcome[]
  changed: readonly JobOutcome[]
  counts: { queued: number; active: number; completed: number; failed: number }
  /** Set while the daemon cannot be reached (within the grace period). */
  daemonUnreachable?: string
}

const TERMINAL: ReadonlySet<OutcomeStatus> = new Set([
  'completed',
  'skipped',
  'failed',
  'cancelled',
  'rejected',
  'lost',
  'timeout',
  'aborted',
  'unknown',
])

const DEFAULTS = {
  pollIntervalMs: 5_000,
  timeoutMs: 12 * 3_600_000,
  unreachableGraceMs: 120_000,
  submitAttempts: 3,
}

/** A job is lost (the daemon forgot it) only when this many polls in a row came back without it. */
const MISSED_POLLS_FOR_LOST = 2

/** The bound on polls, whatever the timeout: a loop that cannot end is a bug. */
const MAX_POLLS = 1_000_000

interface Entry {
  outcome: JobOutcome
  spec?: JobSpec
  submittedAt?: number
  resubmits: number
  /** Successive polls whose answer lacked the job. */
  missedPolls?: number
  /** The caller chose this ID itself (not derived from an idempotency key, not generated). */
  callerId?: boolean
  /** A submit holding this job was sent before, so a duplicate ID may be our own earlier attempt. */
  sent?: boolean
  sentBefore?: boolean
}

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
  const session = new Session(backend, entries, options)
  return session.run(true)
}

/** Watches jobs that are already on the daemon; like exportVms, every job comes back as an outcome. */
export async function settleJobs(
  backend: ExportBackend,
  jobIds: readonly string[],
  options: WaitOptions = {},
): Promise<JobOutcome[]> {
  if (jobIds.length === 0) throw new UsageError('no job ID to wait for', 'Give at least one job ID.')
  const entries: Entry[] = jobIds.map((jobId, index) => ({
    resubmits: 0,
    outcome: { index, jobId, vmPath: '', name: '', status: 'pending', attached: true, warnings: [] },
  }))
  return new Session(backend, entries, { ...options, maxResubmits: 0 }).run(false)
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
      new HyperctlError(
        'job-timeout',
        `job ${failed.jobId} has not finished (status: ${failed.status})`,
        'Wait for it with `hyperctl-export wait <job-id>`.',
      )
    error.outcomes = outcomes
    throw error
  }
  return outcomes
}

class Session {
  readonly #backend: ExportBackend
  readonly #entries: Entry[]
  readonly #options: ExportVmsOptions
  readonly #clock: Clock
  readonly #poll: PollInterval
  readonly #start: number
  #lastContact: number
  #stopSubmitting = false

  constructor(backend: ExportBackend, entries: Entry[], options: ExportVmsOptions) {
    this.#backend = backend
    this.#entries = entries
    this.#options = options
    this.#clock = options.clock ?? systemClock
    checkOptions(options)
    const ceiling = options.pollIntervalMs ?? DEFAULTS.pollIntervalMs
    this.#poll = new PollInterval(ceiling, options.minPollIntervalMs)
    this.#start = this.#clock.now()
    this.#lastContact = this.#start
    if (options.maxConcurrent !== undefined && !(options.maxConcurrent >= 1)) {
      throw new UsageError(`max-concurrent must be 1 or more, got ${options.maxConcurrent}`)
    }
  }

  async run(submitFirst: boolean): Promise<JobOutcome[]> {
    const queued = submitFirst ? [...this.#entries] : []
    const active: Entry[] = submitFirst ? [] : [...this.#entries]
    const timeoutMs = this.#options.timeoutMs ?? DEFAULTS.timeoutMs
    let everSubmitted = !submitFirst

    for (let poll = 0; poll < MAX_POLLS; poll++) {
      if (this.#options.signal?.aborted) return this.#abort(active, queued)

      if (queued.length > 0 && !this.#stopSubmitting) {
        // why: without waiting nothing frees a slot, so every job is submitted at once
        const limit = this.#options.wait === false ? undefined : this.#options.maxConcurrent
        const room = (limit ?? Number.POSITIVE_INFINITY) - active.length
        const batch = queued.splice(0, Math.max(0, room))
        if (batch.length > 0) {
          try {
            const accepted = await this.#submit(batch)
            everSubmitted ||= accepted.length > 0
            active.push(...accepted)
          } catch (error) {
            if (error instanceof OperationAbortedError) {
              // why: the submit may have reached the daemon; the batch is watched and cancelled like the rest
              active.push(...batch)
              return this.#abort(active, queued)
            }
            // why: rejecting is only right when nothing is on the daemon; otherwise the IDs must come back
            if (!everSubmitted && !(error instanceof SubmitOutcomeUnknown)) throw error
            const failure =
              error instanceof SubmitOutcomeUnknown ? error.outcomeError : asHyperctlError(error)
            this.#settle(batch, 'unknown', failure)
            this.#settle(
              queued.splice(0),
              'skipped',
              new JobSkippedError(`an earlier submit failed (${failure.message})`),
            )
            this.#stopSubmitting = true
          }
        }
      }
      if (this.#options.wait === false) return this.#finish(queued)
      if (active.length === 0 && (queued.length === 0 || this.#stopSubmitting)) return this.#finish(queued)

      const elapsed = this.#clock.now() - this.#start
      if (elapsed >= timeoutMs) return this.#timeout(active, queued, timeoutMs)

      let changed: JobOutcome[] = []
      let unreachable: string | undefined
      try {
        const jobs = await this.#backend.queryJobs(
          { ids: active.map((e) => e.outcome.jobId) },
          { signal: this.#options.signal },
        )
        this.#lastContact = this.#clock.now()
        changed = await this.#apply(active, jobs)
      } catch (error) {
        if (error instanceof OperationAbortedError || this.#options.signal?.aborted) {
          return this.#abort(active, queued)
        }
        const failure = asHyperctlError(error)
        const sinceContact = this.#clock.now() - this.#lastContact
        if (
          !isTransient(failure) ||
          sinceContact >= (this.#options.unreachableGraceMs ?? DEFAULTS.unreachableGraceMs)
        ) {
          const ids = active.map((e) => e.outcome.jobId)
          const final =
            failure instanceof DaemonUnreachableError
              ? new DaemonUnreachableError(failure.url, detailOf(failure), { jobIds: ids, cause: failure })
              : failure
          this.#settle(active.splice(0), 'unknown', final)
          this.#settle(queued.splice(0), 'skipped', final)
          return this.#finish(queued)
        }
        unreachable = failure.message
      }

      for (let i = active.length - 1; i >= 0; i--) {
        if (TERMINAL.has(active[i]!.outcome.status)) active.splice(i, 1)
      }
      if (this.#options.failFast && this.#entries.some((e) => isFailure(e.outcome.status))) {
        this.#stopSubmitting = true
      }
      this.#report(changed, queued.length, active.length, unreachable)
      if (active.length === 0 && (queued.length === 0 || this.#stopSubmitting)) return this.#finish(queued)
      if (queued.length > 0 && !this.#stopSubmitting && active.length < (this.#options.maxConcurrent ?? 0)) {
        continue // a slot is free: submit the next without waiting
      }
      const wait = Math.min(this.#poll.next(changed.length > 0), Math.max(0, timeoutMs - elapsed))
      await this.#clock.sleep(wait, this.#options.signal)
    }
    throw new Error(`the wait loop ran ${MAX_POLLS} polls without ending`)
  }

  /**
   * Submits with retries that reuse the same IDs; returns the entries now on the daemon. Throws the
   * submit's error only when the jobs are surely not on the daemon, and SubmitOutcomeUnknown when that
   * cannot be told.
   */
  async #submit(batch: Entry[]): Promise<Entry[]> {
    const attempts = Math.max(1, this.#options.submitAttempts ?? DEFAULTS.submitAttempts)
    let lastError: unknown
    let maybeOnDaemon = false
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let result: SubmitResult
      try {
        result = await this.#backend.submitJobs(
          batch.map((e) => {
            // why: read before this attempt; a duplicate then means an earlier attempt of ours
            e.sentBefore = e.sent === true
            e.sent = true
            return e.spec!
          }),
          { signal: this.#options.signal },
        )
      } catch (error) {
        if (error instanceof OperationAbortedError) throw error
        lastError = error
        maybeOnDaemon ||= !surelyNotSubmitted(error)
        // why: a retry is safe (the same IDs make a second copy impossible), but only worth it for a
        // lost reply or a server fault; anything else would fail the same way again
        if (!(error instanceof DaemonUnreachableError) && !isServerFault(error)) break
        if (attempt < attempts) await this.#clock.sleep(1000 * 2 ** (attempt - 1), this.#options.signal)
        if (this.#options.signal?.aborted) throw new OperationAbortedError('the submit', { cause: error })
        continue
      }
      const accepted: Entry[] = []
      for (const submitted of result.jobs) {
        const entry = batch[submitted.index]!
        entry.outcome.exportMethod = submitted.exportMethod
        entry.outcome.name = submitted.name
        if (entry.resubmits === 0) entry.outcome.warnings.push(...jobWarnings(entry.spec!))
        entry.submittedAt = this.#clock.now()
        if (submitted.accepted) {
          accepted.push(entry)
        } else if (submitted.error && isDuplicate(submitted.error, entry.outcome.jobId)) {
          if (entry.callerId && !entry.sentBefore && entry.resubmits === 0) {
            // why: the daemon never forgets a job, so a job ID the caller fixed (a job file's `id`) meets
            // yesterday's export; attaching would report its old result as this run's export
            this.#settle(
              [entry],
              'rejected',
              new JobRejectedError(
                `${submitted.error}: an export with this job ID ran on the daemon before; a job file's id must be new for each export (leave it out to let hyperctl-export choose, or use an idempotency key)`,
                { jobId: entry.outcome.jobId, vmPath: entry.outcome.vmPath },
              ),
            )
          } else if (await this.#attach(entry)) accepted.push(entry)
        } else {
          this.#settle(
            [entry],
            'rejected',
            new JobRejectedError(submitted.error ?? 'no reason given', {
              jobId: entry.outcome.jobId,
              vmPath: entry.outcome.vmPath,
            }),
          )
        }
      }
      if (accepted.length > 0) await this.#publish(accepted)
      return accepted
    }
    if (!maybeOnDaemon) throw lastError
    const found = await this.#lookUpAfterFailedSubmit(batch, asHyperctlError(lastError))
    if (found.length > 0) await this.#publish(found)
    return found
  }

  /** Calls onSubmitted; a callback that throws is reported on the jobs, never allowed to lose them. */
  async #publish(entries: Entry[]): Promise<void> {
    try {
      await this.#options.onSubmitted?.(entries.map((e) => e.outcome))
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      for (const e of entries) e.outcome.warnings.push(`publishing the submitted job failed: ${message}`)
    }
  }

  /**
   * Every submit attempt failed in a way the daemon may have acted on (a reply lost, cut or unreadable,
   * hyperctl killed mid-run): the jobs are looked up by their IDs, so none is on the daemon unwatched.
   */
  async #lookUpAfterFailedSubmit(batch: Entry[], failure: HyperctlError): Promise<Entry[]> {
    const ids = batch.map((e) => e.outcome.jobId)
    let jobs: JobInfo[]
    try {
      jobs = await this.#backend.queryJobs({ ids }, { signal: this.#options.signal })
    } catch (error) {
      if (error instanceof OperationAbortedError || this.#options.signal?.aborted) {
        throw new OperationAbortedError('the submit', { cause: failure })
      }
      throw new SubmitOutcomeUnknown(failure, asHyperctlError(error), ids)
    }
    const byId = new Map(jobs.map((j) => [j.id, j]))
    // why: the daemon has none of them, so the failure is what happened: nothing was submitted
    if (!batch.some((e) => byId.has(e.outcome.jobId))) throw failure
    const found: Entry[] = []
    for (const entry of batch) {
      const job = byId.get(entry.outcome.jobId)
      entry.submittedAt = this.#clock.now()
      if (entry.resubmits === 0) entry.outcome.warnings.push(...jobWarnings(entry.spec!))
      if (!job) {
        this.#settle([entry], 'unknown', failure)
      } else if (!sameVm(job, entry.outcome.vmPath)) {
        this.#settle([entry], 'rejected', otherVmError(entry, job))
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
  async #attach(entry: Entry): Promise<boolean> {
    const id = entry.outcome.jobId
    let existing: JobInfo
    try {
      existing = await this.#backend.getJob(id, { signal: this.#options.signal })
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
      this.#settle([entry], 'rejected', otherVmError(entry, existing))
      return false
    }
    entry.outcome.attached = true
    entry.outcome.warnings.push(
      `job ${id} was already on the daemon (same job ID: an earlier attempt or the same idempotency key); attached to it`,
    )
    return true
  }

  async #apply(active: Entry[], jobs: JobInfo[]): Promise<JobOutcome[]> {
    const byId = new Map(jobs.map((j) => [j.id, j]))
    const changed: JobOutcome[] = []
    for (const entry of active) {
      const o = entry.outcome
      const job = byId.get(o.jobId)
      if (!job) {
        // why: hyperctl reads a JSON error body (a 5xx from a proxy or the daemon) as "No jobs found" and
        // exits 0, so one poll without the job proves nothing; missing from two polls in a row, it is gone
        entry.missedPolls = (entry.missedPolls ?? 0) + 1
        if (entry.missedPolls < MISSED_POLLS_FOR_LOST) continue
        entry.missedPolls = 0
        if (entry.spec && entry.resubmits < (this.#options.maxResubmits ?? 0)) {
          entry.resubmits++
          o.warnings.push(
            `job ${o.jobId} vanished from the daemon (restarted?) and was submitted again under the same ID`,
          )
          let again: Entry[] = []
          try {
            again = await this.#submit([entry])
          } catch (error) {
            if (error instanceof OperationAbortedError) throw error
            if (error instanceof SubmitOutcomeUnknown) {
              this.#settle([entry], 'unknown', error.outcomeError)
              changed.push(o)
              continue
            }
          }
          if (again.length > 0) {
            o.status = 'pending'
            changed.push(o)
            continue
          }
          if (TERMINAL.has(o.status)) {
            changed.push(o)
            continue
          }
        }
        this.#settle([entry], 'lost', new JobNotFoundError(o.jobId, true))
        changed.push(o)
        continue
      }
      entry.missedPolls = 0
      const before = o.job
      o.job = job
      if (!o.vmPath) o.vmPath = job.vmPath
      if (!o.name) o.name = job.name
      if (job.exportMethod) o.exportMethod = job.exportMethod
      if (
        !before ||
        before.status !== job.status ||
        before.phase !== job.phase ||
        before.percent !== job.percent
      ) {
        changed.push(o)
      }
      switch (job.status) {
        case 'completed':
          o.status = 'completed'
          o.result = job.result
          o.durationMs = durationOf(job, entry.submittedAt, this.#clock.now())
          break
        case 'failed':
          this.#settle(
            [entry],
            'failed',
            new JobFailedError(o.jobId, job.error, {
              jobHadNoVcenter: entry.spec !== undefined && !entry.spec.vcenter,
            }),
          )
          o.durationMs = durationOf(job, entry.submittedAt, this.#clock.now())
          break
        case 'cancelled':
          this.#settle([entry], 'cancelled', new JobCancelledError(o.jobId))
          break
        default:
          o.status = job.status
      }
    }
    return changed
  }

  async #timeout(active: Entry[], queued: Entry[], timeoutMs: number): Promise<JobOutcome[]> {
    const ids = active.map((e) => e.outcome.jobId)
    const cancelled = this.#options.cancelOnTimeout ? await this.#cancel(ids, 30_000) : false
    for (const entry of active) {
      this.#settle([entry], 'timeout', new JobTimeoutError([entry.outcome.jobId], timeoutMs, cancelled))
    }
    this.#settle(queued.splice(0), 'skipped', new JobSkippedError('the timeout was reached first'))
    return this.#finish(queued)
  }

  async #abort(active: Entry[], queued: Entry[]): Promise<JobOutcome[]> {
    const ids = active.map((e) => e.outcome.jobId)
    // why: a runner gives 7.5 s between SIGINT and SIGTERM; the cancel must fit well inside
    const cancelled = this.#options.cancelOnAbort && ids.length > 0 ? await this.#cancel(ids, 5_000) : false
    const what = cancelled ? 'the wait (jobs cancelled on the daemon)' : 'the wait'
    this.#settle(active.splice(0), 'aborted', new OperationAbortedError(what))
    this.#settle(queued.splice(0), 'skipped', new JobSkippedError('the export was interrupted'))
    return this.#finish(queued)
  }

  async #cancel(ids: string[], timeoutMs: number): Promise<boolean> {
    if (ids.length === 0) return false
    try {
      const result = await this.#backend.cancelJobs(ids, {
        signal: AbortSignal.timeout(timeoutMs),
        timeoutMs,
      })
      return result.cancelled.length > 0
    } catch {
      return false
    }
  }

  #settle(entries: Entry[], status: OutcomeStatus, error: HyperctlError): void {
    for (const entry of entries) {
      entry.outcome.status = status
      entry.outcome.error = error
    }
  }

  #finish(queued: Entry[]): JobOutcome[] {
    if (queued.length > 0) {
      this.#settle(
        queued,
        'skipped',
        new JobSkippedError('an earlier job did not complete and fail-fast is on'),
      )
    }
    return this.#entries.map((e) => e.outcome)
  }

  #report(changed: JobOutcome[], queued: number, active: number, unreachable: string | undefined): void {
    if (!this.#options.onProgress) return
    const outcomes = this.#entries.map((e) => e.outcome)
    this.#options.onProgress({
      elapsedMs: this.#clock.now() - this.#start,
      outcomes,
      changed,
      counts: {
        queued,
        active,
        completed: outcomes.filter((o) => o.status === 'completed').length,
        failed: outcomes.filter((o) => isFailure(o.status)).length,
      },
      ...(unreachable ? { daemonUnreachable: unreachable } : {}),
    })
  }
}

/**
 * Every submit attempt failed and the jobs could not be looked up either, so whether the daemon has them
 * is unknown: the session reports them as `unknown` (with their IDs) instead of rejecting.
 */
class SubmitOutcomeUnknown extends Error {
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

/** The daemon surely created nothing: the request was refused before it was read, or never sent. */
function surelyNotSubmitted(error: unknown): boolean {
  return (
    error instanceof UsageError ||
    error instanceof HyperctlNotInstalledError ||
    error instanceof AuthFailedError ||
    (error instanceof DaemonUnreachableError && error.notSent) ||
    (error instanceof DaemonError &&
      error.status !== undefined &&
      error.status >= 400 &&
      error.status < 500 &&
      error.status !== 429)
  )
}

function otherVmError(entry: Entry, existing: JobInfo): JobRejectedError {
  const id = entry.outcome.jobId
  return new JobRejectedError(
    `job with ID ${id} already exists for another VM (${existing.vmPath}); use another idempotency key`,
    { jobId: id, vmPath: entry.outcome.vmPath },
  )
}

// why: a NaN timeout would never be reached and a NaN pause is ~1 ms: a loop hammering the daemon
function checkOptions(options: ExportVmsOptions): void {
  const positive = {
    pollIntervalMs: 'poll-interval',
    minPollIntervalMs: 'min-poll-interval',
    timeoutMs: 'timeout',
  }
  for (const [key, label] of Object.entries(positive)) {
    const value = options[key as keyof typeof positive]
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new UsageError(`${label} must be a positive duration, got ${value}`, 'Give e.g. 5s or 90m.')
    }
  }
  const counts = {
    unreachableGraceMs: 'unreachable grace',
    submitAttempts: 'submit attempts',
    maxResubmits: 'max resubmits',
  }
  for (const [key, label] of Object.entries(counts)) {
    const value = options[key as keyof typeof counts]
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new UsageError(`${label} must be 0 or more, got ${value}`)
    }
  }
}

function isFailure(status: OutcomeStatus): boolean {
  return status === 'failed' || status === 'cancelled' || status === 'rejected' || status === 'lost'
}

function isDuplicate(message: string, id: string): boolean {
  return message === `job with ID ${id} already exists`
}

/**
 * 5xx and 429 from the REST API; from hyperctl, any daemon error: hyperctl never shows the status code, and
 * a proxy's 502 or a 429 reach us only as a reply it could not read. Waits on them are bounded by the
 * unreachable grace period, submits by the submit attempts.
 */
function isServerFault(error: unknown): boolean {
  return (
    error instanceof DaemonError &&
    (error.status === undefined || error.status >= 500 || error.status === 429)
  )
}

function isTransient(error: HyperctlError): boolean {
  return (
    error instanceof DaemonUnreachableError ||
    isServerFault(error) ||
    (error instanceof CommandFailedError && error.exitCode === null)
  )
}

function sameVm(job: JobInfo, vmPath: string): boolean {
  // why: the ID, derived from the VM and the output, was read; the path could not be (a " | " in it)
  if (job.vmPathUnreadable) return true
  if (!job.vmPathTruncated) return job.vmPath === vmPath
  // why: the hyperctl table shows only the last 27 bytes, decoded with U+FFFD for a cut character
  const tail = Buffer.from(vmPath, 'utf8').subarray(-Buffer.byteLength(job.vmPath, 'utf8'))
  return tail.toString('utf8') === job.vmPath || vmPath.endsWith(job.vmPath.replace(/^\uFFFD+/, ''))
}

function durationOf(job: JobInfo, submittedAt: number | undefined, now: number): number | undefined {
  const start = job.startedAt ? Date.parse(job.startedAt) : Number.NaN
  const end = job.completedAt ? Date.parse(job.completedAt) : Number.NaN
  if (Number.isFinite(start) && Number.isFinite(end)) return Math.max(0, end - start)
  return submittedAt === undefined ? undefined : now - submittedAt
}

function detailOf(error: HyperctlError): string {
  const marker = ': '
  const i = error.message.indexOf(marker)
  return i >= 0 ? error.message.slice(i + marker.length) : error.message
}

function asHyperctlError(error: unknown): HyperctlError {
  if (error instanceof HyperctlError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new HyperctlError('command-failed', message, 'This is unexpected; please report it.', {
    cause: error,
  })
}
