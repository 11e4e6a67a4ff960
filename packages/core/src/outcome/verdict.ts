import type { JobOutcome } from './job-outcome.js'
import { isSuccessful } from './status.js'

/**
 * One word for a whole run, from its outcomes. The CLI maps it to an exit code, the action to its
 * `status` output (docs/outcome.md has both tables).
 * - `completed`: every job completed; `submitted`: not waited for, every job accepted
 * - `interrupted`: a signal ended the run
 * - `unreachable`: the daemon could not be asked (down past the grace period, or refused the key)
 * - `failed`: a job failed, was rejected or cancelled by us, vanished, or ended unknown
 * - `timeout`: the timeout ended the wait while exports went on
 * - `cancelled`: a job was cancelled on the daemon (by someone else)
 */
export const VERDICTS = [
  'completed',
  'submitted',
  'interrupted',
  'unreachable',
  'failed',
  'timeout',
  'cancelled',
] as const
export type Verdict = (typeof VERDICTS)[number]

export interface VerdictContext {
  /** The run waited for the jobs (false: submit only). */
  waited: boolean
  /** A signal ended the run, whatever the outcomes say. */
  interrupted?: boolean
}

// why: when jobs end differently, the verdict names the most urgent thing: the daemon could not be asked
// (nothing else is known for sure), then a job's own failure, then a timeout (the exports may still end well)
const PRIORITY = ['unreachable', 'failed', 'timeout', 'cancelled'] as const

export function runVerdict(outcomes: readonly JobOutcome[], context: VerdictContext): Verdict {
  if (context.interrupted || outcomes.some((o) => o.status === 'aborted')) return 'interrupted'
  const unsuccessful = outcomes.filter((o) => !isSuccessful(o.status, context.waited))
  if (unsuccessful.length === 0) return context.waited ? 'completed' : 'submitted'
  // why: a skipped job is a consequence (fail-fast, a timeout, a failed submit); its cause decides
  const causes = unsuccessful.filter((o) => o.status !== 'skipped')
  const classes = new Set((causes.length > 0 ? causes : unsuccessful).map(classOf))
  return PRIORITY.find((v) => classes.has(v)) ?? 'failed'
}

function classOf(o: JobOutcome): (typeof PRIORITY)[number] {
  if (o.error?.kind === 'daemon-unreachable' || o.error?.kind === 'auth-failed') return 'unreachable'
  if (o.status === 'timeout') return 'timeout'
  if (o.status === 'cancelled') return 'cancelled'
  return 'failed'
}
