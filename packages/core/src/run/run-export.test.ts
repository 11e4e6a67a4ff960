import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { drive } from '../../test/support/drive.js'
import { MemoryBackend } from '../../test/support/memory-backend.js'
import {
  DaemonError,
  DaemonUnreachableError,
  HyperctlParseError,
  hintIn,
  JobFailedError,
  JobNotFoundError,
  JobRejectedError,
  type JobTimeoutError,
  NEUTRAL_WORDS,
  OperationAbortedError,
  UsageError,
} from '../errors.js'
import type { JobSpec } from '../types.js'
import type { WaitUpdate } from './run-export.js'
import { exportVm, exportVms, settleJobs, waitForJobs } from './run-export.js'

const vcenter = { server: 'vc.example.test', username: 'u', password: 'pw-secret' }
const specs = (n: number): JobSpec[] =>
  Array.from({ length: n }, (_, i) => ({ vmPath: `/DC/vm/vm-${i}`, outputPath: `/exports/vm-${i}`, vcenter }))

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('exportVms', () => {
  it('publishes the job IDs before the first poll and returns outcomes in input order', async () => {
    const backend = new MemoryBackend()
    const published: string[][] = []
    const run = exportVms(backend, specs(3), {
      onSubmitted: (accepted) => {
        expect(backend.count('query')).toBe(0)
        published.push(accepted.map((o) => o.jobId))
      },
      onProgress: () => {
        const ids = [...backend.jobs.keys()]
        backend.set(ids[2]!, 'completed', { result: { files: ['/exports/vm-2/vm-2.ovf'] } })
        backend.set(ids[0]!, 'completed')
        backend.set(ids[1]!, 'completed')
      },
    })
    const outcomes = await drive(run)
    expect(published).toEqual([[...backend.jobs.keys()]])
    expect(outcomes.map((o) => [o.index, o.vmPath, o.status])).toEqual([
      [0, '/DC/vm/vm-0', 'completed'],
      [1, '/DC/vm/vm-1', 'completed'],
      [2, '/DC/vm/vm-2', 'completed'],
    ])
    expect(outcomes[2]!.result?.files).toEqual(['/exports/vm-2/vm-2.ovf'])
  })

  it('asks the daemon once per poll however many jobs are watched', async () => {
    const backend = new MemoryBackend()
    let polls = 0
    const run = exportVms(backend, specs(500), {
      onProgress: () => {
        polls++
        if (polls === 5) for (const id of backend.jobs.keys()) backend.set(id, 'completed')
      },
    })
    const outcomes = await drive(run)
    expect(outcomes.every((o) => o.status === 'completed')).toBe(true)
    expect(backend.count('submit')).toBe(1)
    // the daemon finished them during the 5th poll's report; the 6th poll sees it
    expect(backend.count('query')).toBe(6)
    expect(backend.calls.filter((c) => c.method === 'query').every((c) => c.ids?.length === 500)).toBe(true)
  })

  it('never has more than maxConcurrent jobs active and keeps input order', async () => {
    const backend = new MemoryBackend()
    const run = exportVms(backend, specs(10), {
      maxConcurrent: 3,
      onProgress: (u: WaitUpdate) => {
        // finish the oldest active job at every poll
        const active = u.outcomes.find((o) => o.status === 'running')
        if (active) backend.set(active.jobId, 'completed')
      },
    })
    const outcomes = await drive(run)
    expect(backend.peakActive).toBeLessThanOrEqual(3)
    expect(backend.peakActive).toBe(3)
    expect(outcomes.map((o) => o.vmPath)).toEqual(specs(10).map((s) => s.vmPath))
    expect(outcomes.every((o) => o.status === 'completed')).toBe(true)
  })

  it('stops submitting after the first failure when failFast is on', async () => {
    const backend = new MemoryBackend()
    const run = exportVms(backend, specs(4), {
      maxConcurrent: 1,
      failFast: true,
      onProgress: (u) => {
        const active = u.outcomes.find((o) => o.status === 'running')
        if (active) backend.set(active.jobId, 'failed', { error: 'export failed: boom' })
      },
    })
    const outcomes = await drive(run)
    expect(backend.count('submit')).toBe(1)
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped'])
    expect(outcomes[0]!.error).toBeInstanceOf(JobFailedError)
    expect(outcomes[0]!.error?.message).toContain('export failed: boom')
  })

  it('goes on with the other jobs after a failure when failFast is off', async () => {
    const backend = new MemoryBackend()
    const run = exportVms(backend, specs(3), {
      maxConcurrent: 1,
      onProgress: (u) => {
        const active = u.outcomes.find((o) => o.status === 'running')
        if (active) backend.set(active.jobId, active.index === 1 ? 'failed' : 'completed')
      },
    })
    const outcomes = await drive(run)
    expect(outcomes.map((o) => o.status)).toEqual(['completed', 'failed', 'completed'])
  })

  it('attaches to the existing jobs when the same idempotency key runs again', async () => {
    const backend = new MemoryBackend()
    const complete = () => {
      for (const id of backend.jobs.keys()) backend.set(id, 'completed')
    }
    const first = await drive(
      exportVms(backend, specs(2), { idempotencyKey: 'run-7/1/export', onProgress: complete }),
    )
    const second = await drive(
      exportVms(backend, specs(2), { idempotencyKey: 'run-7/1/export', onProgress: complete }),
    )
    expect(backend.jobs.size).toBe(2)
    expect(second.map((o) => o.jobId)).toEqual(first.map((o) => o.jobId))
    expect(second.every((o) => o.attached && o.status === 'completed')).toBe(true)
  })

  it('rejects a job whose caller-chosen ID ran on the daemon before, instead of reporting that old export', async () => {
    const backend = new MemoryBackend()
    const [spec] = specs(1)
    const complete = () => {
      for (const id of backend.jobs.keys()) backend.set(id, 'completed')
    }
    await drive(exportVms(backend, [{ ...spec!, id: 'nightly-db' }], { onProgress: complete }))
    const again = await drive(exportVms(backend, [{ ...spec!, id: 'nightly-db' }], { onProgress: complete }))
    expect(again[0]!.status).toBe('rejected')
    expect(again[0]!.error?.message).toContain('ran on the daemon before')
    expect(backend.jobs.size).toBe(1)
  })

  it('attaches a caller-chosen ID when its own submit reply was lost', async () => {
    const backend = new MemoryBackend()
    backend.loseNextSubmitReply = true
    const [spec] = specs(1)
    const outcomes = await drive(
      exportVms(backend, [{ ...spec!, id: 'nightly-db' }], {
        onProgress: () => {
          for (const id of backend.jobs.keys()) backend.set(id, 'completed')
        },
      }),
    )
    expect(outcomes[0]).toMatchObject({ status: 'completed', attached: true })
  })

  it('refuses to attach when the existing job exports another VM', async () => {
    const backend = new MemoryBackend()
    const [spec] = specs(1)
    await drive(exportVms(backend, [{ ...spec!, id: 'fixed-id' }], { wait: false }))
    const outcomes = await drive(
      exportVms(backend, [{ ...spec!, id: 'fixed-id', vmPath: '/DC/vm/other' }], { wait: false }),
    )
    expect(outcomes[0]!.status).toBe('rejected')
    expect(outcomes[0]!.error?.message).toContain('job with ID fixed-id already exists')
  })

  it('ends with exactly one job when the submit reply is lost and the retry attaches', async () => {
    const backend = new MemoryBackend()
    backend.loseNextSubmitReply = true
    const outcomes = await drive(
      exportVms(backend, specs(1), {
        onProgress: () => {
          for (const id of backend.jobs.keys()) backend.set(id, 'completed')
        },
      }),
    )
    expect(backend.jobs.size).toBe(1)
    expect(backend.count('submit')).toBe(2)
    expect(outcomes[0]!).toMatchObject({ status: 'completed', attached: true })
  })

  it('rejects with DaemonUnreachableError and submits nothing when the daemon is down at the start', async () => {
    const backend = new MemoryBackend()
    backend.submitError = () =>
      new DaemonUnreachableError('http://127.0.0.1:9', 'connect ECONNREFUSED', { notSent: true })
    await expect(drive(exportVms(backend, specs(1)))).rejects.toBeInstanceOf(DaemonUnreachableError)
    expect(backend.jobs.size).toBe(0)
    expect(backend.count('query')).toBe(0)
  })

  it('watches the jobs the daemon created when every submit failed in a way it may have acted on', async () => {
    // the daemon stores the jobs, then hyperctl prints something unreadable
    const backend = new (class extends MemoryBackend {
      override async submitJobs(jobs: JobSpec[]): Promise<never> {
        await super.submitJobs(jobs)
        throw new HyperctlParseError('a submit result', 'SUCC')
      }
    })()
    const outcomes = await drive(
      exportVms(backend, specs(2), {
        onProgress: () => {
          for (const id of backend.jobs.keys()) backend.set(id, 'completed')
        },
      }),
    )
    expect(outcomes.map((o) => [o.status, o.attached])).toEqual([
      ['completed', true],
      ['completed', true],
    ])
    expect(backend.count('submit')).toBe(1)
    expect(outcomes[0]!.warnings.join('\n')).toContain('is on the daemon; it is watched')
  })

  it('rejects with the submit error when the jobs, looked up by ID, are not on the daemon', async () => {
    const backend = new MemoryBackend()
    backend.submitError = () => new HyperctlParseError('a submit result', 'SUCC')
    await expect(drive(exportVms(backend, specs(1)))).rejects.toBeInstanceOf(HyperctlParseError)
    expect(backend.count('query')).toBe(1)
  })

  it('returns the IDs as unknown instead of rejecting when the jobs may exist but cannot be looked up', async () => {
    const backend = new MemoryBackend()
    backend.submitError = () => new DaemonUnreachableError('http://127.0.0.1:9', 'EOF')
    backend.queryError = () => new DaemonUnreachableError('http://127.0.0.1:9', 'connect ECONNREFUSED')
    backend.failQueries = 1
    const outcomes = await drive(exportVms(backend, specs(2)))
    expect(outcomes.map((o) => o.status)).toEqual(['unreachable', 'unreachable'])
    const error = outcomes[0]!.error as DaemonUnreachableError
    expect(error).toBeInstanceOf(DaemonUnreachableError)
    expect([...error.jobIds]).toEqual(outcomes.map((o) => o.jobId))
    expect(error.message).toContain('they may be on the daemon')
  })

  it('reports a job the daemon rejected with the daemon reason', async () => {
    const backend = new MemoryBackend()
    backend.rejectVm.set('/DC/vm/vm-1', 'some daemon reason')
    const outcomes = await drive(
      exportVms(backend, specs(2), {
        onProgress: () => {
          for (const id of backend.jobs.keys()) backend.set(id, 'completed')
        },
      }),
    )
    expect(outcomes.map((o) => o.status)).toEqual(['completed', 'rejected'])
    expect(outcomes[1]!.error).toBeInstanceOf(JobRejectedError)
    expect(outcomes[1]!.error?.message).toContain('some daemon reason')
  })

  it('reports a job that vanished as lost, with its ID', async () => {
    const backend = new MemoryBackend()
    const outcomes = await drive(exportVms(backend, specs(1), { onProgress: () => backend.jobs.clear() }))
    expect(outcomes[0]!.status).toBe('lost')
    expect(outcomes[0]!.error).toBeInstanceOf(JobNotFoundError)
    expect(outcomes[0]!.error?.message).toContain(outcomes[0]!.jobId)
  })

  it('does not call a job lost when a single poll comes back without it (hyperctl reads an error body as no jobs)', async () => {
    const backend = new MemoryBackend()
    let polls = 0
    const queryJobs = backend.queryJobs.bind(backend)
    backend.queryJobs = async (filter, options) => (++polls === 2 ? [] : queryJobs(filter, options))
    const outcomes = await drive(
      exportVms(backend, specs(1), {
        onProgress: () => {
          if (polls === 3) for (const id of backend.jobs.keys()) backend.set(id, 'completed')
        },
      }),
    )
    expect(outcomes[0]!.status).toBe('completed')
    expect(backend.count('submit')).toBe(1)
  })

  it('resubmits a vanished job under the same ID when allowed, a bounded number of times', async () => {
    const backend = new MemoryBackend()
    let restarts = 0
    const outcomes = await drive(
      exportVms(backend, specs(1), {
        maxResubmits: 1,
        // a restart whenever the job is on the daemon: after the first, and again after the resubmit
        onProgress: () => {
          if (restarts < 2 && backend.jobs.size > 0) {
            restarts++
            backend.jobs.clear()
          }
        },
      }),
    )
    expect(backend.count('submit')).toBe(2)
    expect(outcomes[0]!.status).toBe('lost')
    expect(outcomes[0]!.warnings.join('\n')).toContain('submitted again under the same ID')
  })

  it('keeps waiting through a short outage and completes the job', async () => {
    const backend = new MemoryBackend()
    backend.queryError = () => new DaemonUnreachableError('http://127.0.0.1:9', 'connect ECONNREFUSED')
    backend.failQueries = 3
    const seen: string[] = []
    const outcomes = await drive(
      exportVms(backend, specs(1), {
        onProgress: (u) => {
          if (u.daemonUnreachable) seen.push('down')
          else for (const id of backend.jobs.keys()) backend.set(id, 'completed')
        },
      }),
    )
    expect(seen).toEqual(['down', 'down', 'down'])
    expect(outcomes[0]!.status).toBe('completed')
    expect(backend.count('submit')).toBe(1)
  })

  it('keeps waiting through replies hyperctl could not read (a proxy 5xx or a 429) and completes the job', async () => {
    const backend = new MemoryBackend()
    backend.queryError = () =>
      new DaemonError(
        "hyperctl could not read the reply (invalid character 'B' looking for beginning of value)",
      )
    backend.failQueries = 3
    const outcomes = await drive(
      exportVms(backend, specs(1), {
        onProgress: (u) => {
          if (!u.daemonUnreachable) for (const id of backend.jobs.keys()) backend.set(id, 'completed')
        },
      }),
    )
    expect(outcomes[0]!.status).toBe('completed')
    // three unreadable replies, the poll that sees the job running, the poll that sees it completed
    expect(backend.count('query')).toBe(5)
  })

  it('fails clearly with the job IDs when the daemon stays down past the grace period', async () => {
    const backend = new MemoryBackend()
    backend.queryError = () => new DaemonUnreachableError('http://127.0.0.1:9', 'connect ECONNREFUSED')
    backend.failQueries = 1_000
    const outcomes = await drive(exportVms(backend, specs(2), { unreachableGraceMs: 30_000 }))
    expect(outcomes.map((o) => o.status)).toEqual(['unreachable', 'unreachable'])
    const error = outcomes[0]!.error as DaemonUnreachableError
    expect(error).toBeInstanceOf(DaemonUnreachableError)
    expect([...error.jobIds]).toEqual(outcomes.map((o) => o.jobId))
    expect(error.message).toContain(outcomes[1]!.jobId)
  })

  it('cancels the unfinished jobs on timeout when asked', async () => {
    const backend = new MemoryBackend()
    const outcomes = await drive(exportVms(backend, specs(2), { timeoutMs: 20_000, cancelOnTimeout: true }))
    expect(outcomes.map((o) => o.status)).toEqual(['timeout', 'timeout'])
    expect((outcomes[0]!.error as JobTimeoutError).cancelled).toBe(true)
    expect([...backend.jobs.values()].map((j) => j.status)).toEqual(['cancelled', 'cancelled'])
  })

  it('leaves the jobs running on timeout when not asked to cancel', async () => {
    const backend = new MemoryBackend()
    const outcomes = await drive(exportVms(backend, specs(1), { timeoutMs: 20_000 }))
    expect(outcomes[0]!.status).toBe('timeout')
    expect(backend.count('cancel')).toBe(0)
    const wait = {
      ...NEUTRAL_WORDS,
      command: (_id: string, ids: readonly string[]) => `wait-for ${ids.join(' ')}`,
    }
    expect(hintIn(outcomes[0]!.error!, wait)).toBe(
      `Raise the timeout setting; the export goes on on the daemon. Follow them with wait-for ${outcomes[0]!.jobId}.`,
    )
    // without a wait command and without a key, the hint warns that a rerun exports again
    expect(outcomes[0]!.error?.hint).toContain('Run again only with the idempotency-key setting set')
  })

  it('stops on abort, cancels the jobs when asked, and says they were only labelled', async () => {
    const backend = new MemoryBackend()
    const stop = new AbortController()
    const run = exportVms(backend, specs(2), {
      signal: stop.signal,
      cancelOnAbort: true,
      onProgress: () => stop.abort(),
    })
    const outcomes = await drive(run)
    expect(outcomes.map((o) => o.status)).toEqual(['aborted', 'aborted'])
    expect(outcomes[0]!.error).toBeInstanceOf(OperationAbortedError)
    expect([...backend.jobs.values()].every((j) => j.status === 'cancelled')).toBe(true)
  })

  it('polls at the floor after a change and backs off to the ceiling while nothing changes', async () => {
    const backend = new MemoryBackend()
    const times: number[] = []
    const start = Date.now()
    const run = exportVms(backend, specs(1), {
      pollIntervalMs: 8_000,
      minPollIntervalMs: 1_000,
      onProgress: (u) => {
        times.push(Date.now() - start)
        if (times.length === 6) backend.set(u.outcomes[0]!.jobId, 'completed')
      },
    })
    await drive(run, 100)
    // first poll right after submit (a change: the job is seen), then 1 s, 2 s, 4 s, 8 s, 8 s (ceiling)
    expect(times).toEqual([0, 1_000, 3_000, 7_000, 15_000, 23_000, 31_000])
  })

  it('rejects empty input before any work', async () => {
    await expect(exportVms(new MemoryBackend(), [])).rejects.toBeInstanceOf(UsageError)
  })
})

describe('waitForJobs', () => {
  it('rejects with the failure and carries every outcome', async () => {
    const backend = new MemoryBackend()
    const submitted = await drive(exportVms(backend, specs(2), { wait: false }))
    backend.set(submitted[0]!.jobId, 'completed')
    backend.set(submitted[1]!.jobId, 'failed', {
      error: 'validate job definition: vcenter server is required',
    })
    const error = await drive(
      waitForJobs(
        backend,
        submitted.map((o) => o.jobId),
      ),
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(JobFailedError)
    expect((error as JobFailedError).hint).toContain('the vcenter setting')
    expect((error as JobFailedError).outcomes?.map((o) => o.status)).toEqual(['completed', 'failed'])
  })
})

describe('settleJobs', () => {
  it('reports an ID the daemon never showed as unknown (never lost, never a restart), without waiting forever', async () => {
    const outcomes = await drive(settleJobs(new MemoryBackend(), ['nope']))
    expect(outcomes[0]!.status).toBe('unknown')
    expect(outcomes[0]!.error).toBeInstanceOf(JobNotFoundError)
    expect(outcomes[0]!.error!.message).toBe('no job with ID nope on memory')
    expect(`${outcomes[0]!.error!.message} ${outcomes[0]!.error!.hint}`).not.toMatch(/restart/i)
  })

  it('reports a job it saw and that is then gone as lost, with the hint that exporting again is safe', async () => {
    const backend = new MemoryBackend()
    await backend.submitJobs([{ id: 'seen-1', vmPath: '/DC/vm/a', outputPath: '/out' }])
    let polls = 0
    const outcomes = await drive(
      settleJobs(backend, ['seen-1'], {
        onProgress: () => {
          if (++polls === 1) backend.jobs.delete('seen-1')
        },
      }),
    )
    expect(outcomes[0]!.status).toBe('lost')
    // why: the memory daemon says it has been up for 1 s, and it showed the job longer ago than that
    expect(outcomes[0]!.error!.message).toMatch(
      /^job seen-1 disappeared from the daemon: the daemon restarted: it has been up for 1s, less than the \d+s since it last showed us the job/,
    )
    expect(outcomes[0]!.error!.hint).toContain('the daemon no longer has the job')
  })
})

describe('exportVm', () => {
  it('resolves with the outcome of a completed export', async () => {
    const backend = new MemoryBackend()
    const [spec] = specs(1)
    const outcome = await drive(
      exportVm(backend, spec!, { onProgress: (u) => backend.set(u.outcomes[0]!.jobId, 'completed') }),
    )
    expect(outcome.status).toBe('completed')
    expect(JSON.stringify(outcome)).not.toContain('pw-secret')
  })
})
