/**
 * What became of one job; the one status vocabulary of every face (CLI `--json`, the action's
 * `statuses` and `result` outputs, the summary). docs/outcome.md describes each.
 * - `pending`, `running`: on the daemon, not finished (seen only when the caller did not wait)
 * - `completed`: the daemon says the export finished
 * - `failed`: the daemon says the export failed (`error` holds its text when the transport shows it)
 * - `cancelled`: the job is marked cancelled on the daemon (hypervisord cannot stop a running export)
 * - `rejected`: the daemon refused the job at submit (a bad field, a job ID used by another VM)
 * - `skipped`: never submitted: fail-fast, a timeout, an interrupt or an earlier submit failure came first
 * - `lost`: the daemon forgot the job (hypervisord keeps jobs in memory; a restart forgets them all)
 * - `timeout`: the wait ended at the timeout; the export may go on
 * - `aborted`: an interrupt ended the wait
 * - `unreachable`: the daemon could not be reached until the grace period ended; the job may be on it
 * - `unknown`: the daemon answered but could not tell (an ID it never showed us, an answer we could not read,
 *   a refused key; see `error`); the job may be on it
 */
export const OUTCOME_STATUSES = [
  'pending',
  'running',
  'completed',
  'failed',
  'cancelled',
  'rejected',
  'skipped',
  'lost',
  'timeout',
  'aborted',
  'unreachable',
  'unknown',
] as const
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number]

/**
 * What a row or a count shows for a job held back by `maxConcurrent` and not submitted yet (its outcome
 * still says `pending`, like a job the daemon has not started): the footer's and the log's word too.
 */
export const QUEUED = 'queued'
/** The words a progress row shows: an outcome status, or `queued`. */
export type ShownStatus = OutcomeStatus | typeof QUEUED

const FAILURES: ReadonlySet<OutcomeStatus> = new Set(['failed', 'cancelled', 'rejected', 'lost'])
const SETTLED: ReadonlySet<OutcomeStatus> = new Set([...FAILURES, 'completed', 'skipped'])
const WATCHED: ReadonlySet<OutcomeStatus> = new Set(['pending', 'running'])

/** The job ended badly on the daemon's side (counted `failed` in a batch). */
export function isFailure(status: OutcomeStatus): boolean {
  return FAILURES.has(status)
}

/** The daemon will not change the job any more (nothing to cancel). */
export function isSettled(status: OutcomeStatus): boolean {
  return SETTLED.has(status)
}

/** A run no longer watches the job: everything but `pending` and `running`. */
export function isTerminal(status: OutcomeStatus): boolean {
  return !WATCHED.has(status)
}

/** On the daemon as far as we know: everything but what it refused or never got. */
export function maySitOnDaemon(status: OutcomeStatus): boolean {
  return status !== 'rejected' && status !== 'skipped'
}

/** What counts as success: `completed`, and after a submit without waiting also `pending`/`running`. */
export function isSuccessful(status: OutcomeStatus, waited: boolean): boolean {
  return status === 'completed' || (!waited && WATCHED.has(status))
}
