import {
  DaemonUnreachableError,
  JobCancelledError,
  JobFailedError,
  JobNotFoundError,
  OperationAbortedError,
} from '../errors.js'
import type { JobOutcome } from '../outcome/job-outcome.js'
import { isTerminal } from '../outcome/status.js'
import type { JobInfo } from '../types.js'
import { abortRun, timeOutRun } from './cancel.js'
import { asHyperctlError, detailOf, isTransient, untoldStatus } from './failure-kinds.js'
import { RUN_DEFAULTS } from './run-options.js'
import type { Entry, RunState } from './run-state.js'
import { applyFailFast, slotFree, submitNextWave } from './schedule.js'
import { SubmitOutcomeUnknown, submitEntries } from './submit.js'
import { checkVanished, type VanishedCheck, wasSeen } from './vanished.js'

/** A job is checked for being gone (lookup by ID, daemon status) only when this many polls in a row lacked it. */
const MISSED_POLLS_FOR_LOST = 2

/** The bound on polls, whatever the timeout: a loop that cannot end is a bug. */
const MAX_POLLS = 1_000_000

/**
 * The poll loop: submits as slots free up, asks the daemon once per poll about every active job. Every
 * call gets only the time the run's deadline leaves, so the loop ends at the timeout whatever the daemon
 * does (stalls, answers byte by byte, drops connections, fails every request).
 */
export async function watch(run: RunState): Promise<JobOutcome[]> {
  try {
    return await pollUntilDone(run)
  } finally {
    run.deadline.dispose()
  }
}

async function pollUntilDone(run: RunState): Promise<JobOutcome[]> {
  const timeoutMs = run.timeoutMs
  for (let poll = 0; poll < MAX_POLLS; poll++) {
    if (run.signal?.aborted) return abortRun(run)
    const wave = await submitNextWave(run)
    if (wave === 'interrupted') return abortRun(run)
    if (wave === 'timeout') return timeOutRun(run, timeoutMs)
    if (run.options.wait === false) return run.finish()
    if (run.idle) return run.finish()

    const elapsed = run.clock.now() - run.start
    if (elapsed >= timeoutMs) return timeOutRun(run, timeoutMs)

    let changed: JobOutcome[] = []
    let unreachable: string | undefined
    try {
      const jobs = await run.backend.queryJobs({ ids: run.active.map((e) => e.outcome.jobId) }, run.call())
      run.lastContact = run.clock.now()
      changed = await applyPoll(run, jobs)
    } catch (error) {
      if (error instanceof OperationAbortedError || run.signal?.aborted) return abortRun(run)
      // why: the call ran out of the run's time; that is the timeout, not a daemon fault
      if (run.deadline.expired()) return timeOutRun(run, timeoutMs)
      const failure = asHyperctlError(error)
      const sinceContact = run.clock.now() - run.lastContact
      if (
        !isTransient(failure) ||
        sinceContact >= (run.options.unreachableGraceMs ?? RUN_DEFAULTS.unreachableGraceMs)
      ) {
        const ids = run.active.map((e) => e.outcome.jobId)
        const final =
          failure instanceof DaemonUnreachableError
            ? new DaemonUnreachableError(failure.url, detailOf(failure), { jobIds: ids, cause: failure })
            : failure
        run.settle(run.active.splice(0), untoldStatus(final), final)
        run.settle(run.queued.splice(0), 'skipped', final)
        return run.finish()
      }
      unreachable = failure.message
    }

    for (let i = run.active.length - 1; i >= 0; i--) {
      if (isTerminal(run.active[i]!.outcome.status)) run.active.splice(i, 1)
    }
    applyFailFast(run)
    run.report(changed, unreachable)
    if (run.idle) return run.finish()
    if (slotFree(run)) continue
    const wait = Math.min(run.poll.next(changed.length > 0), Math.max(0, timeoutMs - elapsed))
    await run.clock.sleep(wait, run.signal)
  }
  throw new Error(`the wait loop ran ${MAX_POLLS} polls without ending`)
}

/** Folds one poll's answer into the outcomes; returns the outcomes that changed. */
async function applyPoll(run: RunState, jobs: JobInfo[]): Promise<JobOutcome[]> {
  const byId = new Map(jobs.map((j) => [j.id, j]))
  const changed: JobOutcome[] = []
  const vanished: Entry[] = []
  for (const entry of run.active) {
    const job = byId.get(entry.outcome.jobId)
    if (job) {
      applyJob(run, entry, job, changed)
      continue
    }
    // why: hyperctl reads a JSON error body (a 5xx from a proxy or the daemon) as "No jobs found" and
    // exits 0, so one poll without the job proves nothing; missing from two polls in a row, it is checked
    entry.missedPolls = (entry.missedPolls ?? 0) + 1
    if (entry.missedPolls >= MISSED_POLLS_FOR_LOST) vanished.push(entry)
  }
  if (vanished.length === 0) return changed
  const check = await checkVanished(run, vanished)
  for (const entry of vanished) {
    const job = check.found.get(entry.outcome.jobId)
    if (job) applyJob(run, entry, job, changed)
    else if (!check.undecided.has(entry) && (await missing(run, entry, check))) changed.push(entry.outcome)
  }
  return changed
}

/** One job as the daemon shows it, folded into its outcome. */
function applyJob(run: RunState, entry: Entry, job: JobInfo, changed: JobOutcome[]): void {
  const o = entry.outcome
  entry.missedPolls = 0
  entry.lastSeenAt = run.clock.now()
  const before = o.job
  o.job = job
  // why: a job this run did not submit (wait) is timed from the daemon's start when it gives one, else
  // from now; a live row counts from the same instant the duration is measured from
  o.timedFromMs ??= Math.min(run.clock.now(), Date.parse(job.startedAt ?? '') || run.clock.now())
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
      o.durationMs = durationOf(o.timedFromMs, run.clock.now())
      run.verifier.completed(o, entry.spec)
      break
    case 'failed':
      run.settle(
        [entry],
        'failed',
        new JobFailedError(o.jobId, job.error, {
          jobHadNoVcenter: entry.spec !== undefined && !entry.spec.vcenter,
        }),
      )
      o.durationMs = durationOf(o.timedFromMs, run.clock.now())
      break
    case 'cancelled':
      run.settle([entry], 'cancelled', new JobCancelledError(o.jobId))
      break
    default:
      o.status = job.status
  }
}

/**
 * Neither the polls nor a lookup by ID find the job. Returns true when its outcome changed: lost (a job
 * we saw, with how we know), unknown (an ID the daemon never showed us), or resubmitted under the same ID.
 */
async function missing(run: RunState, entry: Entry, check: VanishedCheck): Promise<boolean> {
  const o = entry.outcome
  entry.missedPolls = 0
  if (entry.spec && entry.resubmits < (run.options.maxResubmits ?? 0)) {
    entry.resubmits++
    o.warnings.push(
      `job ${o.jobId} vanished from the daemon (${check.evidence(entry)}) and was submitted again under the same ID`,
    )
    let again: Entry[] = []
    try {
      again = await submitEntries(run, [entry])
    } catch (error) {
      if (error instanceof OperationAbortedError) throw error
      if (error instanceof SubmitOutcomeUnknown) {
        run.settle([entry], 'unknown', error.outcomeError)
        return true
      }
    }
    if (again.length > 0) {
      o.status = 'pending'
      return true
    }
    if (isTerminal(o.status)) return true
  }
  // why: only a job the daemon once showed us can have been lost; an ID it never had is simply unknown
  if (wasSeen(entry)) {
    run.settle([entry], 'lost', new JobNotFoundError(o.jobId, true, { evidence: check.evidence(entry) }))
  } else {
    run.settle([entry], 'unknown', new JobNotFoundError(o.jobId, false, { daemon: daemonOf(run) }))
  }
  return true
}

/** The daemon's URL as the backend names it (`… → http://host:port`). */
function daemonOf(run: RunState): string {
  const target = run.backend.target
  const arrow = target.lastIndexOf('→ ')
  return arrow >= 0 ? target.slice(arrow + 2) : target
}

/**
 * From the job's start (its accepted submit, or for a job this run did not submit the daemon's start) to
 * now, when the run saw it end: what a live row counted, so the report prints the number the row ended on.
 */
function durationOf(timedFrom: number | undefined, now: number): number | undefined {
  return timedFrom === undefined ? undefined : Math.max(0, now - timedFrom)
}
