import { HyperctlParseError } from '../errors.js'
import type { PreparedJob } from '../jobs/job-definition.js'
import type { SubmittedJob } from '../types.js'

/** What hyperctl prints after a submit, as parseSubmitOutput reads it. */
export interface PrintedSubmit {
  accepted: number
  rejected: number
  jobIds: string[]
  errors: string[]
}

// why: the daemon's only rejection (docs/hyperctl.md#post-jobs-submit); the ID is all text between the fixed words
const DUPLICATE_ID = /^job with ID (.+) already exists$/

/**
 * Puts hyperctl's submit output back in input order. Every accepted ID must be one of ours; a
 * `job with ID <id> already exists` message goes to that job (which must be ours and not accepted). Any
 * other rejection message names no job:
 * if one job is left unaccounted for it gets the message(s); if several are, each of them is marked
 * rejected with every such message, since hyperctl does not say which message belongs to which job.
 * Counts that do not add up throw HyperctlParseError carrying `raw` (the redacted output).
 */
export function matchSubmitResult(
  jobs: readonly PreparedJob[],
  printed: PrintedSubmit,
  raw: string,
): SubmittedJob[] {
  const fail = (why: string) =>
    new HyperctlParseError(`a submit result for ${jobs.length} job(s) (${why})`, raw)
  if (printed.accepted + printed.rejected !== jobs.length) {
    throw fail(`${printed.accepted} accepted + ${printed.rejected} rejected`)
  }
  if (printed.jobIds.length !== printed.accepted) {
    throw fail(`${printed.accepted} accepted but ${printed.jobIds.length} job ID(s) listed`)
  }
  const indexById = new Map(jobs.map((job, index) => [job.id, index]))
  const outcome = new Map<number, { accepted: true } | { accepted: false; error: string }>()
  for (const id of printed.jobIds) {
    const index = indexById.get(id)
    if (index === undefined) throw fail(`accepted ID ${id} is not one we submitted`)
    if (outcome.has(index)) throw fail(`ID ${id} listed twice`)
    outcome.set(index, { accepted: true })
  }
  const unattributed: string[] = []
  for (const message of printed.errors) {
    const named = DUPLICATE_ID.exec(message)?.[1]
    if (named === undefined) {
      unattributed.push(message)
      continue
    }
    const index = indexById.get(named)
    if (index === undefined) throw fail(`rejected ID ${named} is not one we submitted`)
    if (outcome.has(index)) throw fail(`ID ${named} both accepted and rejected, or rejected twice`)
    outcome.set(index, { accepted: false, error: message })
  }
  const open = jobs.map((_, index) => index).filter((index) => !outcome.has(index))
  if (open.length === 0 && unattributed.length > 0) {
    throw fail(`rejection(s) for no job left: ${unattributed.join('; ')}`)
  }
  const shared =
    unattributed.length > 0 ? unattributed.join('; ') : 'rejected by hypervisord without a reason'
  for (const index of open) outcome.set(index, { accepted: false, error: shared })

  return jobs.map((job, index) => {
    const result = outcome.get(index)!
    const submitted: SubmittedJob = {
      index,
      id: job.id,
      vmPath: job.vmPath,
      name: job.name,
      accepted: result.accepted,
      exportMethod: job.exportMethod,
    }
    if (!result.accepted) submitted.error = result.error
    return submitted
  })
}
