import { describe, expect, it } from 'vitest'
import { UsageError } from '../errors.js'
import type { ExportBackend, JobFilter, JobInfo, Transport } from '../types.js'
import { resolveJobIds } from './resolve-job-ids.js'

/** A backend that answers queries from a fixed list and counts them. */
function listing(
  transport: Transport,
  jobs: Array<Pick<JobInfo, 'id' | 'name' | 'status'> & { idTruncated?: boolean }>,
) {
  const filters: JobFilter[] = []
  const backend = {
    transport,
    queryJobs: async (filter: JobFilter) => {
      filters.push(filter)
      return jobs.map((job) => ({ vmPath: '/DC/vm/x', source: transport, ...job }))
    },
  } as unknown as ExportBackend
  return { backend, filters }
}

const A = '5f0c2a9e-7d41-4c3b-9a8e-2b6d1f0e4c7a'
const B = '5f0c9999-0000-4000-8000-000000000000'

describe('resolveJobIds', () => {
  it('turns unique prefixes into full IDs with one query of all jobs', async () => {
    const { backend, filters } = listing('api', [
      { id: A, name: 'a', status: 'running' },
      { id: B, name: 'b', status: 'pending' },
    ])
    expect(await resolveJobIds(backend, ['5f0c2a9e', '5f0c9', A])).toEqual([A, B, A])
    expect(filters).toEqual([{ all: true }])
  })

  it('keeps IDs that match nothing as typed, and asks nothing for IDs under 4 characters', async () => {
    const { backend, filters } = listing('api', [{ id: A, name: 'a', status: 'running' }])
    expect(await resolveJobIds(backend, ['abc'])).toEqual(['abc'])
    expect(filters).toEqual([])
    expect(await resolveJobIds(backend, ['never-seen'])).toEqual(['never-seen'])
  })

  it('names every candidate of an ambiguous prefix', async () => {
    const { backend } = listing('api', [
      { id: A, name: 'a', status: 'running' },
      { id: B, name: 'b', status: 'cancelled' },
    ])
    const error = await resolveJobIds(backend, ['5f0c']).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toBe(
      `job ID 5f0c is the start of 2 jobs' IDs: ${A} (a, running); ${B} (b, cancelled)`,
    )
  })

  it('on hyperctl rows (IDs cut to 8 bytes) a longer ID passes, a prefix that only a cut cell shows fails', async () => {
    const { backend } = listing('cli', [{ id: '5f0c2a9e', idTruncated: true, name: 'a', status: 'running' }])
    expect(await resolveJobIds(backend, [A])).toEqual([A])
    const error = await resolveJobIds(backend, ['5f0c2a']).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).hint).toContain('Set the transport setting to api')
  })

  it('a whole ID of 8 characters or fewer resolves on hyperctl too', async () => {
    const { backend } = listing('cli', [{ id: 'build-42', idTruncated: false, name: 'b', status: 'pending' }])
    expect(await resolveJobIds(backend, ['buil'])).toEqual(['build-42'])
  })
})
