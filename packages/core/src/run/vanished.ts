import { JobNotFoundError, OperationAbortedError } from '../errors.js'
import type { DaemonStatus, JobInfo } from '../types.js'
import { parseGoDuration } from '../util/duration.js'
import { formatDuration } from '../util/format-duration.js'
import type { Entry, RunState } from './run-state.js'

/** At most this many vanished jobs are looked up one by one per poll (a restart loses them all at once). */
const LOOKUPS_PER_POLL = 5

export interface VanishedCheck {
  /** Jobs a lookup by ID found after all: the query's answer was wrong about them. */
  found: Map<string, JobInfo>
  /** Jobs not decided this poll (a lookup found another job, so the query is not to be trusted yet). */
  undecided: Set<Entry>
  /** How we know a job we saw is gone, for its `lost` error. */
  evidence(entry: Entry): string
}

/**
 * Asks the daemon twice more, differently, before calling a job that polls no longer list `lost` or
 * `unknown`: each job by its own ID (a query that dropped a row must not lose a job), then its status, whose
 * uptime and job count say whether it restarted since it showed us the job. A failed lookup throws, so the
 * poll counts as failed and the jobs are asked about again on the next one.
 */
export async function checkVanished(run: RunState, entries: readonly Entry[]): Promise<VanishedCheck> {
  const found = new Map<string, JobInfo>()
  const undecided = new Set<Entry>()
  for (const entry of entries.slice(0, LOOKUPS_PER_POLL)) {
    try {
      const job = await run.backend.getJob(entry.outcome.jobId, run.call())
      found.set(entry.outcome.jobId, job)
    } catch (error) {
      if (!(error instanceof JobNotFoundError)) throw error
    }
  }
  if (found.size > 0) {
    for (const entry of entries.slice(LOOKUPS_PER_POLL)) undecided.add(entry)
  }
  const seenBefore = entries.some((e) => !found.has(e.outcome.jobId) && wasSeen(e))
  const status = seenBefore ? await daemonStatus(run) : undefined
  const ours = run.entries.filter((e) => e.outcome.job !== undefined).length
  return {
    found,
    undecided,
    evidence: (entry) => evidenceFor(run, entry, status, ours),
  }
}

/** Only a job the daemon once showed us (or accepted from us) can have been lost. */
export function wasSeen(entry: Entry): boolean {
  return entry.outcome.job !== undefined || (entry.spec !== undefined && entry.submittedAt !== undefined)
}

async function daemonStatus(run: RunState): Promise<DaemonStatus | string> {
  try {
    return await run.backend.checkDaemonStatus(run.call())
  } catch (error) {
    if (error instanceof OperationAbortedError) throw error
    return (error as Error).message
  }
}

function evidenceFor(run: RunState, entry: Entry, status: DaemonStatus | string | undefined, ours: number) {
  const lastSeen = entry.lastSeenAt ?? entry.submittedAt ?? run.start
  const since = Math.max(0, run.clock.now() - lastSeen)
  const lookedUp = 'neither the poll nor a lookup by its ID finds it'
  if (status === undefined || typeof status === 'string') {
    return `${lookedUp}, and the daemon's status could not be read (${status ?? 'not asked'}) to tell whether it restarted`
  }
  const uptime = parseGoDuration(status.uptime)
  if (uptime !== undefined && uptime < since) {
    return `the daemon restarted: it has been up for ${formatDuration(uptime)}, less than the ${formatDuration(since)} since it last showed us the job, and hypervisord keeps jobs only in memory`
  }
  if (status.totalJobs < ours) {
    return `the daemon dropped jobs: it holds ${status.totalJobs} job(s), fewer than the ${ours} of ours it showed us (a restart forgets them all)`
  }
  return `${lookedUp}, though the daemon shows no sign of a restart (up for ${uptime === undefined ? status.uptime : formatDuration(uptime)}, holding ${status.totalJobs} job(s)); someone may have removed it`
}
