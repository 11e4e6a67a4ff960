import { UsageError } from '../errors.js'
import type { CallOptions, ExportBackend, JobInfo } from '../types.js'

/** Fewer characters than this are taken as a whole ID, never as a prefix: too many jobs would share them. */
export const MIN_ID_PREFIX = 4

/**
 * The full job IDs behind what a user typed: an ID the daemon has is kept; otherwise a unique prefix of at
 * least 4 characters (what hyperctl's tables show: the first 8) becomes the full ID it starts. One query of
 * all jobs answers every ID given. An ID that matches nothing is returned as typed, so the caller reports
 * it as unknown to the daemon. Throws UsageError (exit 2) for a prefix several jobs share, listing them,
 * and for a prefix that only a cut hyperctl ID cell matches (hyperctl never prints the rest of it).
 */
export async function resolveJobIds(
  backend: ExportBackend,
  typed: readonly string[],
  options?: CallOptions,
): Promise<string[]> {
  if (!typed.some((id) => id.length >= MIN_ID_PREFIX)) return [...typed]
  const jobs = await backend.queryJobs({ all: true }, options)
  return typed.map((id) => resolveOne(id, jobs, backend.transport))
}

/** One job by its ID or a unique prefix of it (see resolveJobIds); the resolved full ID is the job's `id`. */
export async function getJobByIdOrPrefix(
  backend: ExportBackend,
  typed: string,
  options?: CallOptions,
): Promise<JobInfo> {
  const [id] = await resolveJobIds(backend, [typed], options)
  return backend.getJob(id!, options)
}

function resolveOne(typed: string, jobs: readonly JobInfo[], transport: ExportBackend['transport']): string {
  if (jobs.some((job) => !job.idTruncated && job.id === typed)) return typed
  if (typed.length < MIN_ID_PREFIX) return typed
  const candidates = jobs.filter((job) =>
    job.idTruncated ? job.id.startsWith(typed) || typed.startsWith(job.id) : job.id.startsWith(typed),
  )
  if (candidates.length === 0) return typed
  if (candidates.length > 1) {
    const list = candidates.map(
      (job) => `${job.id}${job.idTruncated ? '…' : ''} (${job.name || 'no name'}, ${job.status})`,
    )
    throw new UsageError(
      `job ID ${typed} is the start of ${candidates.length} jobs' IDs: ${list.join('; ')}`,
      'Give more characters of the ID, or the whole ID.',
    )
  }
  const [job] = candidates
  if (!job!.idTruncated) return job!.id
  // why: hyperctl prints only the first 8 bytes of a longer ID; an ID typed longer than that may be whole
  if (Buffer.byteLength(typed, 'utf8') > Buffer.byteLength(job!.id, 'utf8')) return typed
  throw new UsageError(
    `job ID ${typed} matches job ${job!.id}… (${job!.name || 'no name'}, ${job!.status}), but hyperctl shows only the first 8 characters of a job ID, so its full ID cannot be read${transport === 'cli' ? ' on the cli transport' : ''}`,
    {
      fact: 'set',
      setting: 'transport',
      to: 'to api, whose replies carry every full job ID, or give the whole job ID',
    },
  )
}
