import { createDeadline, type Deadline } from '../deadline.js'
import type { HyperctlError } from '../errors.js'
import { JobSkippedError } from '../errors.js'
import { ExportVerifier } from '../inspect/verify-outcomes.js'
import type { JobOutcome, OutcomeStatus } from '../outcome/job-outcome.js'
import { isFailure } from '../outcome/status.js'
import type { CallOptions, ExportBackend, JobSpec } from '../types.js'
import { type Clock, systemClock } from '../wait/clock.js'
import { PollInterval } from '../wait/poll-interval.js'
import { checkOptions, type ExportVmsOptions, RUN_DEFAULTS } from './run-options.js'

/** One job of a run: its outcome so far, and what the run needs to submit it (again). */
export interface Entry {
  outcome: JobOutcome
  spec?: JobSpec
  submittedAt?: number
  resubmits: number
  /** Successive polls whose answer lacked the job. */
  missedPolls?: number
  /** When a poll last showed the job (the clock's time): a daemon up for less has restarted since. */
  lastSeenAt?: number
  /** The caller chose this ID itself (not derived from an idempotency key, not generated). */
  callerId?: boolean
  /** A submit holding this job was sent before, so a duplicate ID may be our own earlier attempt. */
  sent?: boolean
  sentBefore?: boolean
}

/** The state of one export run, shared by its submit, schedule, watch and cancel steps. */
export class RunState {
  readonly backend: ExportBackend
  readonly entries: readonly Entry[]
  readonly options: ExportVmsOptions
  readonly clock: Clock
  readonly poll: PollInterval
  readonly start: number
  /** The run's one deadline: every call, back-off and hyperctl child gets only the time it leaves. */
  readonly deadline: Deadline
  readonly timeoutMs: number
  /** Not submitted yet (max-concurrent holds them back). */
  readonly queued: Entry[]
  /** On the daemon and not settled. */
  readonly active: Entry[]
  /** The inspect step: each job is inspected as it completes, the verdict settled after the watch. */
  readonly verifier: ExportVerifier
  lastContact: number
  stopSubmitting = false
  /** Some job reached the daemon, so a later failure must return outcomes instead of rejecting. */
  everSubmitted: boolean
  /** This run submits its jobs (a wait for known IDs submits nothing, so a rerun of it exports nothing). */
  readonly submits: boolean

  constructor(
    backend: ExportBackend,
    entries: readonly Entry[],
    options: ExportVmsOptions,
    submitFirst: boolean,
  ) {
    this.backend = backend
    this.entries = entries
    this.options = options
    this.clock = options.clock ?? systemClock
    checkOptions(options)
    this.poll = new PollInterval(
      options.pollIntervalMs ?? RUN_DEFAULTS.pollIntervalMs,
      options.minPollIntervalMs,
    )
    const now = this.clock.now()
    this.start = Math.min(options.startedAt ?? now, now)
    this.timeoutMs = options.timeoutMs ?? RUN_DEFAULTS.timeoutMs
    this.deadline = createDeadline(this.timeoutMs - (now - this.start), {
      parent: options.signal,
      now: this.clock.now,
    })
    this.lastContact = now
    this.queued = submitFirst ? [...entries] : []
    this.active = submitFirst ? [] : [...entries]
    this.everSubmitted = !submitFirst
    this.submits = submitFirst
    this.verifier = new ExportVerifier({
      ...(options.verify ? { verify: options.verify } : {}),
      ...(options.checksumsFile ? { checksumsFile: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    })
  }

  get signal(): AbortSignal | undefined {
    return this.options.signal
  }

  /** The options of one daemon call: the caller's signal and the time the deadline leaves. */
  call(): CallOptions {
    return this.deadline.call()
  }

  /** Nothing left to watch, and nothing more will be submitted. */
  get idle(): boolean {
    return this.active.length === 0 && (this.queued.length === 0 || this.stopSubmitting)
  }

  settle(entries: readonly Entry[], status: OutcomeStatus, error: HyperctlError): void {
    for (const entry of entries) {
      entry.outcome.status = status
      entry.outcome.error = error
    }
    // why: the hint says whether running the same request again is safe; only a key makes the IDs repeat
    // (a job file's own IDs are refused as used, not attached to, so nothing is said for them)
    if (!this.submits) return
    if (this.options.idempotencyKey) error.rerun = 'attaches'
    else if (!entries.some((e) => e.callerId)) error.rerun = 'exports-again'
  }

  /** Every outcome in input order; jobs still queued are skipped. */
  finish(): JobOutcome[] {
    this.deadline.dispose()
    if (this.queued.length > 0) {
      this.settle(
        this.queued,
        'skipped',
        new JobSkippedError('an earlier job did not complete and fail-fast is on'),
      )
    }
    return this.entries.map((e) => e.outcome)
  }

  report(changed: JobOutcome[], unreachable: string | undefined): void {
    if (!this.options.onProgress) return
    const outcomes = this.entries.map((e) => e.outcome)
    this.options.onProgress({
      elapsedMs: this.clock.now() - this.start,
      outcomes,
      changed,
      counts: {
        queued: this.queued.length,
        active: this.active.length,
        completed: outcomes.filter((o) => o.status === 'completed').length,
        failed: outcomes.filter((o) => isFailure(o.status)).length,
      },
      ...(unreachable ? { daemonUnreachable: unreachable } : {}),
    })
  }
}
