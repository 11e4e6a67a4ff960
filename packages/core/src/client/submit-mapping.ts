import type { PreparedJob } from '../jobs/job-definition.js'
import { ignoredOptionWarnings } from '../jobs/job-definition.js'
import type { SubmitResult, SubmittedJob } from '../types.js'
import { asRecord, ReplyShapeError, readStringList } from './json-shape.js'

const DUPLICATE = /^job with ID (.+) already exists$/

/**
 * POST /jobs/submit's reply (docs/hyperctl.md#post-jobs-submit) matched to the jobs we sent, in input order.
 *
 * Every job carries our ID, so `job_ids` names the accepted ones. A rejection is matched to its job
 * by the daemon's one rejection text, `job with ID <id> already exists`. Any other message (this
 * daemon has none) cannot name its job for sure: when the unmatched messages and the unmatched jobs
 * are equally many they are paired in order (the daemon handles a batch in order and appends one
 * message per rejection); otherwise every unmatched job gets all unmatched messages.
 */
export function toSubmitResult(value: unknown, jobs: readonly PreparedJob[]): SubmitResult {
  const path = 'submit reply'
  const reply = asRecord(value, path)
  if (!Array.isArray(reply.job_ids))
    throw new ReplyShapeError(`${path}.job_ids`, 'a list of job IDs', reply.job_ids)
  const acceptedIds = new Set(readStringList(reply, 'job_ids', path))
  const messages = readStringList(reply, 'errors', path)
  const sent = new Set(jobs.map((j) => j.id))
  const foreign = [...acceptedIds].filter((id) => !sent.has(id))
  if (foreign.length > 0) {
    // why: the jobs exist under IDs we did not choose, so nothing above could find them again
    throw new ReplyShapeError(`${path}.job_ids`, 'the IDs we sent', foreign)
  }

  const errorFor = new Map<string, string>()
  const unmatched: string[] = []
  for (const message of messages) {
    const id = DUPLICATE.exec(message)?.[1]
    if (id !== undefined && sent.has(id) && !acceptedIds.has(id) && !errorFor.has(id))
      errorFor.set(id, message)
    else unmatched.push(message)
  }
  const unexplained = jobs.filter((j) => !acceptedIds.has(j.id) && !errorFor.has(j.id))
  unexplained.forEach((job, i) => {
    const paired = unmatched.length === unexplained.length ? unmatched[i] : undefined
    const all = unmatched.length > 0 ? `: ${unmatched.join('; ')}` : ''
    errorFor.set(job.id, paired ?? `hypervisord did not accept this job${all}`)
  })

  const result: SubmittedJob[] = jobs.map((job, index) => {
    const accepted = acceptedIds.has(job.id)
    const entry: SubmittedJob = {
      index,
      id: job.id,
      vmPath: job.vmPath,
      name: job.name,
      accepted,
      exportMethod: job.exportMethod,
    }
    if (!accepted) entry.error = errorFor.get(job.id)
    return entry
  })
  const warnings = jobs.flatMap((job) =>
    ignoredOptionWarnings(job).map((w) => (jobs.length > 1 ? `job ${job.id}: ${w}` : w)),
  )
  return { jobs: result, warnings }
}
