import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  AuthFailedError,
  DaemonUnreachableError,
  HyperctlNotInstalledError,
  JobNotFoundError,
} from '../src/errors.js'
import { exportVms, settleJobs, type WaitUpdate } from '../src/run/run-export.js'
import { type ExecResult, nodeExecutor } from '../src/runner/executor.js'
import { HyperctlRunner } from '../src/runner/hyperctl-runner.js'
import type { Transport } from '../src/types.js'
import { isAlive } from './fake-hyperctl/harness.js'
import {
  API_KEY,
  backendFor,
  type FaultSim,
  filesUnder,
  jobSpecs,
  startFaultSim,
  submitRequests,
  submittedIds,
} from './support/fault-sim.js'

// why: one poll per 10 s of simulated time at most keeps the hyperctl runs (a node process each) few
const polling = { minPollIntervalMs: 1_000, pollIntervalMs: 10_000, timeoutMs: 3_600_000 }
const queries = (f: FaultSim) =>
  f.sim.control.requests.filter((r) => r.method === 'POST' && r.path === '/jobs/query')

let f: FaultSim

beforeEach(async () => {
  f = await startFaultSim()
})
afterEach(async () => {
  await f.close()
})

// why: the cli transport starts a real hyperctl process per poll, submit and lookup; on a loaded 2-core
// machine a run of many polls takes several seconds, which says nothing about the code
describe.each<Transport>(['api', 'cli'])(
  'exportVms when the daemon fails (%s transport)',
  { timeout: 20_000 },
  (transport) => {
    it('rejects with DaemonUnreachableError and submits nothing when the daemon is down at the start', async () => {
      await f.sim.control.goDown({ keepJobs: true })
      const error = await exportVms(backendFor(f, transport), jobSpecs(f, 2), {
        ...polling,
        clock: f.clock,
      }).catch((e: unknown) => e)
      await f.sim.control.comeBack()

      expect(error).toBeInstanceOf(DaemonUnreachableError)
      expect((error as DaemonUnreachableError).hint).toContain('daemon-url')
      expect((error as DaemonUnreachableError).jobIds).toEqual([])
      expect(f.sim.control.jobs()).toEqual([])
      expect(f.sim.control.requests).toEqual([])
    })

    it('keeps waiting through an outage and completes the job without a second submit when the daemon comes back with its jobs', async () => {
      const updates: WaitUpdate[] = []
      const outcomes = await exportVms(backendFor(f, transport), jobSpecs(f, 1), {
        ...polling,
        clock: f.clock,
        onSubmitted: () => f.sim.control.goDown({ forMs: 15_000, keepJobs: true }),
        onProgress: (u) => updates.push(u),
      })

      expect(outcomes[0]).toMatchObject({ status: 'completed', attached: false })
      expect(updates.some((u) => u.daemonUnreachable !== undefined)).toBe(true)
      expect(submitRequests(f.sim.control.requests)).toHaveLength(1)
      expect(f.sim.control.jobs().map((j) => [j.definition.id, j.status])).toEqual([
        [outcomes[0]!.jobId, 'completed'],
      ])
    })

    it('reports the jobs as lost, with their IDs, when the daemon comes back without them', async () => {
      const outcomes = await exportVms(backendFor(f, transport), jobSpecs(f, 2), {
        ...polling,
        clock: f.clock,
        onSubmitted: () => f.sim.control.goDown({ forMs: 10_000 }),
      })

      expect(outcomes.map((o) => o.status)).toEqual(['lost', 'lost'])
      for (const o of outcomes) {
        expect(o.error).toBeInstanceOf(JobNotFoundError)
        expect((o.error as JobNotFoundError).lost).toBe(true)
        expect(o.error?.message).toContain(o.jobId)
        // how we know: the daemon's uptime is shorter than the time since it accepted the job
        expect(o.error?.message).toMatch(
          /the daemon restarted: it has been up for \S+, less than the \S+ since/,
        )
      }
      expect(submitRequests(f.sim.control.requests)).toHaveLength(1)
    })

    it('resubmits a lost job under the same ID when allowed and completes it', async () => {
      let restarts = 0
      const outcomes = await exportVms(backendFor(f, transport), jobSpecs(f, 1), {
        ...polling,
        clock: f.clock,
        maxResubmits: 2,
        onSubmitted: () => {
          if (restarts++ === 0) f.sim.control.restart()
        },
      })

      const id = outcomes[0]!.jobId
      expect(outcomes[0]!.status).toBe('completed')
      expect(outcomes[0]!.warnings.join('\n')).toContain('submitted again under the same ID')
      expect(submittedIds(f.sim.control.requests)).toEqual([id, id])
      expect(f.sim.control.jobs().map((j) => j.definition.id)).toEqual([id])
    })

    it('stops resubmitting after maxResubmits and reports the job as lost', async () => {
      const outcomes = await exportVms(backendFor(f, transport), jobSpecs(f, 1), {
        ...polling,
        clock: f.clock,
        maxResubmits: 1,
        // why: every (re)submit is followed by a restart, so the job can never be seen again
        onSubmitted: () => f.sim.control.restart(),
      })

      expect(outcomes[0]!.status).toBe('lost')
      expect(submittedIds(f.sim.control.requests)).toEqual([outcomes[0]!.jobId, outcomes[0]!.jobId])
    })

    it('fails after the grace period with the job IDs in the error, and settleJobs resumes once the daemon is back', async () => {
      const backend = backendFor(f, transport)
      const outcomes = await exportVms(backend, jobSpecs(f, 2), {
        ...polling,
        clock: f.clock,
        unreachableGraceMs: 30_000,
        onSubmitted: () => f.sim.control.goDown({ keepJobs: true }),
      })

      const ids = outcomes.map((o) => o.jobId)
      expect(outcomes.map((o) => o.status)).toEqual(['unreachable', 'unreachable'])
      const error = outcomes[0]!.error as DaemonUnreachableError
      expect(error).toBeInstanceOf(DaemonUnreachableError)
      expect([...error.jobIds]).toEqual(ids)
      for (const id of ids) expect(error.message).toContain(id)
      expect(error.hint).toContain('the jobs were submitted and go on')

      await f.sim.control.comeBack()
      const resumed = await settleJobs(backend, ids, { ...polling, clock: f.clock })
      expect(resumed.map((o) => [o.jobId, o.status])).toEqual(ids.map((id) => [id, 'completed']))
      expect(submitRequests(f.sim.control.requests)).toHaveLength(1)
    })

    it('attaches to the job the daemon created when the submit reply is lost, and the daemon ends up with one job', async () => {
      f.sim.control.dropNextSubmitReply()
      const outcomes = await exportVms(backendFor(f, transport), jobSpecs(f, 1), {
        ...polling,
        clock: f.clock,
      })

      const id = outcomes[0]!.jobId
      expect(outcomes[0]).toMatchObject({ status: 'completed', attached: true })
      expect(submittedIds(f.sim.control.requests)).toEqual([id, id])
      expect(f.sim.control.jobs().map((j) => j.definition.id)).toEqual([id])
    })

    it('keeps waiting through a burst of 5xx replies to its reads and completes the job', async () => {
      let burst = false
      const updates: WaitUpdate[] = []
      const outcomes = await exportVms(backendFor(f, transport), jobSpecs(f, 1), {
        ...polling,
        clock: f.clock,
        onProgress: (u) => {
          updates.push(u)
          if (burst) return
          burst = true
          f.sim.control.failNext(10, 503, { match: { path: '/jobs/query' } })
        },
      })

      expect(outcomes[0]!.status).toBe('completed')
      expect(queries(f).filter((r) => r.status === 503)).toHaveLength(10)
      expect(submitRequests(f.sim.control.requests)).toHaveLength(1)
    })

    it('keeps waiting through a 5xx reply with a JSON body (which hyperctl reads as no jobs) and completes the job', async () => {
      let burst = false
      const outcomes = await exportVms(backendFor(f, transport), jobSpecs(f, 2), {
        ...polling,
        clock: f.clock,
        onProgress: () => {
          if (burst) return
          burst = true
          const body = '{"error":"upstream unavailable","timestamp":"2026-01-01T00:00:00Z"}'
          f.sim.control.failNext(1, 502, {
            body,
            contentType: 'application/json',
            match: { path: '/jobs/query' },
          })
        },
      })

      expect(outcomes.map((o) => o.status)).toEqual(['completed', 'completed'])
      expect(queries(f).filter((r) => r.status === 502)).toHaveLength(1)
      expect(submitRequests(f.sim.control.requests)).toHaveLength(1)
    })

    it('keeps waiting through 429 replies to its reads and completes the job', async () => {
      let throttled = false
      const outcomes = await exportVms(backendFor(f, transport), jobSpecs(f, 1), {
        ...polling,
        clock: f.clock,
        onProgress: () => {
          if (throttled) return
          throttled = true
          f.sim.control.throttleNext(6, 1, { path: '/jobs/query' })
        },
      })

      expect(outcomes[0]!.status).toBe('completed')
      expect(queries(f).filter((r) => r.status === 429)).toHaveLength(6)
    })

    it('rejects with AuthFailedError, sends the submit once and creates nothing when the daemon refuses the key', async () => {
      f.sim.control.requireApiKey(API_KEY)
      const error = await exportVms(backendFor(f, transport), jobSpecs(f, 1), {
        ...polling,
        clock: f.clock,
      }).catch((e: unknown) => e)

      expect(error).toBeInstanceOf(AuthFailedError)
      expect((error as AuthFailedError).hint).toContain('api-key')
      expect(submitRequests(f.sim.control.requests)).toHaveLength(1)
      expect(f.sim.control.jobs()).toEqual([])
    })

    it('ends the wait at once with the IDs when the daemon starts refusing the key mid-wait', async () => {
      const outcomes = await exportVms(backendFor(f, transport), jobSpecs(f, 1), {
        ...polling,
        clock: f.clock,
        onSubmitted: () => f.sim.control.requireApiKey(API_KEY),
      })

      expect(outcomes[0]!.status).toBe('unknown')
      expect(outcomes[0]!.error).toBeInstanceOf(AuthFailedError)
      expect(outcomes[0]!.jobId).toBe(f.sim.control.jobs()[0]!.definition.id)
      // why: a refused key is not retried; one query found it out
      expect(queries(f)).toHaveLength(1)
    })
  },
)

describe('exportVms when replies are slow', () => {
  it('gives up on a reply after the per-request timeout and keeps polling until the daemon answers (api)', async () => {
    let slowPolls = 0
    const outcomes = await exportVms(
      backendFor(f, 'api', { client: { requestTimeoutMs: 150, retries: 0 } }),
      jobSpecs(f, 1),
      {
        ...polling,
        clock: f.clock,
        onSubmitted: () => f.sim.control.delayReplies(120_000),
        onProgress: (u) => {
          if (u.daemonUnreachable && ++slowPolls === 2) f.sim.control.delayReplies(0)
        },
      },
    )

    expect(outcomes[0]!.status).toBe('completed')
    // why: at least the two slow polls; a loaded machine may add one more late answer, never a wrong one
    expect(slowPolls).toBeGreaterThanOrEqual(2)
  })

  it("gives up on a reply at hyperctl's own timeout and keeps polling (cli)", async () => {
    let slowPolls = 0
    const outcomes = await exportVms(
      backendFor(f, 'cli', { hyperctlEnv: { HYPERCTL_SIM_TIMEOUT_MS: '150' } }),
      jobSpecs(f, 1),
      {
        ...polling,
        clock: f.clock,
        onSubmitted: () => f.sim.control.delayReplies(120_000),
        onProgress: (u) => {
          if (u.daemonUnreachable && ++slowPolls === 2) f.sim.control.delayReplies(0)
        },
      },
    )

    expect(outcomes[0]!.status).toBe('completed')
    // why: at least the two slow polls; a loaded machine may add one more late answer, never a wrong one
    expect(slowPolls).toBeGreaterThanOrEqual(2)
  })
})

describe('exportVms when hyperctl hangs or is missing', () => {
  it('kills a hanging hyperctl at the command timeout, leaves no process and no job file, and attaches to the job it submitted', async () => {
    const runs: ExecResult[] = []
    // why: replies wait for the simulator's clock, which stands still while hyperctl runs: it hangs
    f.sim.control.delayReplies(3_600_000)
    const backend = backendFor(f, 'cli', {
      commandTimeoutMs: 30_000,
      executor: {
        run: async (file, args, options) => {
          // why: only the first run is meant to hang; the later ones must not race a short timeout
          // against node's start-up on a loaded machine (that made the attach look failed)
          const first = runs.length === 0
          const result = await nodeExecutor.run(file, args, first ? { ...options, timeoutMs: 400 } : options)
          runs.push(result)
          if (runs.length === 1) f.sim.control.delayReplies(0)
          return result
        },
      },
    })
    const outcomes = await exportVms(backend, jobSpecs(f, 1), { ...polling, clock: f.clock })

    expect(runs[0]).toMatchObject({ timedOut: true, exitCode: null })
    for (const run of runs) expect(isAlive(run.pid!)).toBe(false)
    expect(await filesUnder(f.jobTemp)).toEqual([])
    expect(outcomes[0]!.status).toBe('completed')
    expect(f.sim.control.jobs()).toHaveLength(1)
  })

  it('rejects with HyperctlNotInstalledError naming the path and hyperctl-path, before any request', async () => {
    const missing = `${f.jobTemp}/no-such-hyperctl`
    const backend = new HyperctlRunner({ hyperctlPath: missing, env: { PATH: process.env.PATH } })
    const error = await exportVms(backend, jobSpecs(f, 1), { ...polling, clock: f.clock }).catch(
      (e: unknown) => e,
    )

    expect(error).toBeInstanceOf(HyperctlNotInstalledError)
    expect((error as Error).message).toContain(missing)
    expect((error as HyperctlNotInstalledError).hint).toContain('hyperctl-path')
    expect(f.sim.control.requests).toEqual([])
  })

  it('rejects with HyperctlNotInstalledError when hyperctl-path is not executable', async () => {
    const backend = new HyperctlRunner({ hyperctlPath: f.jobTemp, env: { PATH: process.env.PATH } })
    const error = await exportVms(backend, jobSpecs(f, 1), { ...polling, clock: f.clock }).catch(
      (e: unknown) => e,
    )

    expect(error).toBeInstanceOf(HyperctlNotInstalledError)
    expect((error as Error).message).toContain('permission denied')
    expect(f.sim.control.requests).toEqual([])
  })
})
