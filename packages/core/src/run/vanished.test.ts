import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { drive } from '../../test/support/drive.js'
import { MemoryBackend } from '../../test/support/memory-backend.js'
import { settleJobs } from './run-export.js'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A daemon holding `ids`, watched by settleJobs; `afterFirstPoll` changes it once the jobs were seen. */
async function watchThenChange(backend: MemoryBackend, ids: string[], afterFirstPoll: () => void) {
  await backend.submitJobs(ids.map((id, i) => ({ id, vmPath: `/DC/vm/${i}`, outputPath: `/out/${i}` })))
  let polls = 0
  return drive(
    settleJobs(backend, ids, {
      pollIntervalMs: 1_000,
      onProgress: () => {
        if (++polls === 1) afterFirstPoll()
      },
    }),
  )
}

describe('a job the polls no longer list', () => {
  it('is lost when the daemon holds fewer jobs than it showed us, and the message says so', async () => {
    const backend = new MemoryBackend()
    backend.uptime = '300h0m1.5s'
    const outcomes = await watchThenChange(backend, ['a-1', 'a-2'], () => {
      backend.jobs.delete('a-1')
      backend.set('a-2', 'completed')
    })
    expect(outcomes[0]!.status).toBe('lost')
    expect(outcomes[0]!.error!.message).toBe(
      'job a-1 disappeared from the daemon: the daemon dropped jobs: it holds 1 job(s), fewer than the 2 of ours it showed us (a restart forgets them all)',
    )
    expect(outcomes[0]!.error!.hint).toContain(
      'the daemon no longer has the job, so nothing is exported twice',
    )
  })

  it('is lost, saying the daemon shows no sign of a restart, when only the job is gone', async () => {
    const backend = new MemoryBackend()
    backend.uptime = '300h0m1.5s'
    const outcomes = await watchThenChange(backend, ['b-1'], () => {
      backend.jobs.delete('b-1')
      // why: another job keeps the count where it was, so only the lookups speak
      backend.jobs.set('someone-else', {
        ...backend.jobs.get('b-1')!,
        id: 'someone-else',
        vmPath: '/x',
        name: 'x',
        status: 'running',
        source: 'api',
      })
    })
    expect(outcomes[0]!.status).toBe('lost')
    expect(outcomes[0]!.error!.message).toContain('neither the poll nor a lookup by its ID finds it')
    expect(outcomes[0]!.error!.message).toContain(
      'shows no sign of a restart (up for 12d12h, holding 1 job(s))',
    )
    expect(outcomes[0]!.error!.message).not.toMatch(/restarted:/)
  })

  it('is looked up by ID before being called lost: a job the query left out is still watched to its end', async () => {
    const backend = new MemoryBackend()
    const outcomes = await watchThenChange(backend, ['c-1'], () => {
      backend.hiddenFromQueries.add('c-1')
      backend.set('c-1', 'completed')
    })
    expect(outcomes[0]!.status).toBe('completed')
    expect(backend.calls.filter((c) => c.method === 'get').map((c) => c.ids)).toEqual([['c-1']])
  })

  it('is unknown, never lost and never a restart, when the daemon never showed it; no status is asked', async () => {
    const backend = new MemoryBackend()
    const outcomes = await drive(settleJobs(backend, ['never-there'], { pollIntervalMs: 1_000 }))
    expect(outcomes[0]!.status).toBe('unknown')
    expect(outcomes[0]!.error!.message).toBe('no job with ID never-there on memory')
    expect(`${outcomes[0]!.error!.message} ${outcomes[0]!.error!.hint}`).not.toMatch(/restart/i)
    expect(backend.calls.filter((c) => c.method === 'get').map((c) => c.ids)).toEqual([['never-there']])
  })
})
