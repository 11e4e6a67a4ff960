import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import {
  type HypervisordSim,
  type HypervisordSimOptions,
  type RecordedRequest,
  startHypervisordSim,
} from '@hyperctl-export/simulator'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createBackend } from '../src/backend/create-backend.js'
import { JobFailedError, JobSkippedError } from '../src/errors.js'
import { exportVms, type WaitUpdate } from '../src/run/run-export.js'
import { nodeExecutor } from '../src/runner/executor.js'
import { HyperctlRunner } from '../src/runner/hyperctl-runner.js'
import type { ExportBackend, JobSpec, Transport } from '../src/types.js'
import type { Clock } from '../src/wait/clock.js'

// why: the simulator's hyperctl stand-in, pointed at the simulator by its documented test knob
const HYPERCTL_SIM = resolve(import.meta.dirname, '../../simulator/dist/bin/hyperctl-sim.js')
const vcenter = { server: 'vcenter.example.test', username: 'exporter@vsphere.local', password: 'Vc-b4tch' }
/** Floor 1 s, ceiling 4 s: after a change the next poll is 1 s away, then 2 s, then 4 s. */
const polling = { minPollIntervalMs: 1000, pollIntervalMs: 4000, timeoutMs: 3_600_000 }
const ACTIVE = new Set(['pending', 'running'])

let sim: HypervisordSim | undefined
let dir: string
/** Jobs pending or running on the simulator when each request had been answered. */
let activeAtRequest: number[]

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hx-batch-'))
  activeAtRequest = []
})
afterEach(async () => {
  await sim?.close()
  sim = undefined
  await rm(dir, { recursive: true, force: true })
})

async function startSim(options: HypervisordSimOptions = {}): Promise<HypervisordSim> {
  sim = await startHypervisordSim({
    autoAdvance: false,
    stableOrder: true,
    writeFiles: false,
    cwd: dir,
    ...options,
    onRequest: () => {
      activeAtRequest.push(sim!.control.jobs().filter((j) => ACTIVE.has(j.status)).length)
    },
  })
  return sim
}

async function backendFor(s: HypervisordSim, transport: Transport): Promise<ExportBackend> {
  const env = { ...process.env, HYPERCTL_SIM_DAEMON_URL: s.url, HYPERVISORD_API_KEY: '' }
  const { backend } = await createBackend({ transport, daemonUrl: s.url, hyperctlPath: HYPERCTL_SIM, env })
  s.control.clearRequests()
  activeAtRequest = []
  return backend
}

/** The session's time is the simulator's: every pause between polls moves the daemon's clock on. */
function simClock(s: HypervisordSim): Clock {
  return {
    now: () => s.control.clock.now(),
    sleep: async (ms) => {
      await s.control.advance(ms)
    },
  }
}

const specs = (n: number): JobSpec[] =>
  Array.from({ length: n }, (_, i) => ({
    vmPath: `/DC/vm/vm-${i}`,
    outputPath: join(dir, `vm-${i}`),
    vcenter,
  }))

/** `/DC/vm/vm-7` → 7 */
const indexOf = (vmPath: string): number => Number(vmPath.slice(vmPath.lastIndexOf('-') + 1))

const submits = (requests: readonly RecordedRequest[]) =>
  requests.filter((r) => r.method === 'POST' && r.path === '/jobs/submit')
const queries = (requests: readonly RecordedRequest[]) =>
  requests.filter((r) => r.method === 'POST' && r.path === '/jobs/query')
const askedIds = (request: RecordedRequest): string[] =>
  (JSON.parse(request.body) as { job_ids: string[] }).job_ids

/** A seeded source for the simulator's Go-like random map order, so the shuffles repeat. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
}

describe.each<Transport>(['api', 'cli'])('exportVms against the simulator (%s transport)', (transport) => {
  it('never has more than maxConcurrent jobs active on the daemon when durations differ', async () => {
    // durations 1 s to 7 s in a scrambled order, so jobs finish out of submission order
    const s = await startSim({ jobDurationMs: (d) => 1000 + ((indexOf(d.vm_path) * 3) % 7) * 1000 })
    const backend = await backendFor(s, transport)
    const outcomes = await exportVms(backend, specs(10), {
      ...polling,
      maxConcurrent: 3,
      clock: simClock(s),
    })
    expect(outcomes.map((o) => o.status)).toEqual(Array(10).fill('completed'))
    expect(s.control.jobs()).toHaveLength(10)
    expect(Math.max(...activeAtRequest)).toBe(3)
    for (const query of queries(s.control.requests)) {
      expect(askedIds(query).length).toBeLessThanOrEqual(3)
    }
    expect(submits(s.control.requests).length).toBeGreaterThan(1)
  }, 60_000)

  it('returns the outcomes in input order when the daemon lists jobs in random order and they finish out of order', async () => {
    const s = await startSim({
      stableOrder: false,
      random: seeded(7),
      jobDurationMs: (d) => 8000 - indexOf(d.vm_path) * 1000,
    })
    const backend = await backendFor(s, transport)
    const jobs = specs(6)
    const outcomes = await exportVms(backend, jobs, { ...polling, clock: simClock(s) })
    expect(outcomes.map((o) => [o.index, o.vmPath, o.status])).toEqual(
      jobs.map((j, i) => [i, j.vmPath, 'completed']),
    )
    const byId = new Map(s.control.jobs().map((j) => [j.definition.id, j.definition.vm_path]))
    for (const o of outcomes) expect(byId.get(o.jobId)).toBe(o.vmPath)
  }, 60_000)

  it('submits no more after a job fails when failFast is on, and lets the running ones finish', async () => {
    // vm-0 ends at 1 s (its slot goes to vm-2); vm-1 fails at 2.5 s; vm-2 is still running then
    const durations = [1000, 2500, 5000, 1000, 1000, 1000]
    const s = await startSim({
      jobDurationMs: (d) => durations[indexOf(d.vm_path)]!,
      failVmPaths: { '/DC/vm/vm-1': 'export failed: datastore gone' },
    })
    const backend = await backendFor(s, transport)
    const outcomes = await exportVms(backend, specs(6), {
      ...polling,
      maxConcurrent: 2,
      failFast: true,
      clock: simClock(s),
    })
    expect(outcomes.map((o) => o.status)).toEqual([
      'completed',
      'failed',
      'completed',
      'skipped',
      'skipped',
      'skipped',
    ])
    expect(submits(s.control.requests)).toHaveLength(2)
    expect(s.control.jobs().map((j) => j.definition.vm_path)).toEqual([
      '/DC/vm/vm-0',
      '/DC/vm/vm-1',
      '/DC/vm/vm-2',
    ])
    expect(outcomes[1]!.error).toBeInstanceOf(JobFailedError)
    if (transport === 'api') expect(outcomes[1]!.error?.message).toContain('datastore gone')
    expect(outcomes[3]!.error).toBeInstanceOf(JobSkippedError)
  }, 60_000)

  it('goes on with the other jobs after a failure when failFast is off', async () => {
    const s = await startSim({
      jobDurationMs: 2000,
      failVmPaths: { '/DC/vm/vm-0': 'export failed: datastore gone' },
    })
    const backend = await backendFor(s, transport)
    const outcomes = await exportVms(backend, specs(4), { ...polling, maxConcurrent: 1, clock: simClock(s) })
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'completed', 'completed', 'completed'])
    expect(submits(s.control.requests)).toHaveLength(4)
  }, 60_000)

  it('watches a 500-job batch with one submit and one query of all 500 IDs per poll', async () => {
    const s = await startSim({ jobDurationMs: 3000 })
    const backend = await backendFor(s, transport)
    const updates: WaitUpdate[] = []
    const outcomes = await exportVms(backend, specs(500), {
      ...polling,
      clock: simClock(s),
      onProgress: (u) => updates.push(u),
    })
    expect(outcomes.every((o) => o.status === 'completed')).toBe(true)
    const ids = outcomes.map((o) => o.jobId).sort()
    // t=0 submit; poll at 0 (pending: new) → 1 s; poll at 1 s (running, connecting: changed) → 1 s;
    // poll at 2 s (no change) → 2 s; poll at 4 s sees every job completed (they ended at 3 s)
    expect(s.control.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /jobs/submit',
      'POST /jobs/query',
      'POST /jobs/query',
      'POST /jobs/query',
      'POST /jobs/query',
    ])
    for (const query of queries(s.control.requests)) expect(askedIds(query).sort()).toEqual(ids)
    expect(updates.map((u) => u.elapsedMs)).toEqual([0, 1000, 2000, 4000])
    expect(updates.map((u) => u.counts.active)).toEqual([500, 500, 500, 0])
  }, 60_000)
})

describe('exportVms with maxConcurrent against the simulator (api transport)', () => {
  it('runs 500 jobs in waves of 100 with one query of exactly the active IDs per poll', async () => {
    const s = await startSim({ jobDurationMs: 3000 })
    const backend = await backendFor(s, 'api')
    const outcomes = await exportVms(backend, specs(500), {
      ...polling,
      maxConcurrent: 100,
      clock: simClock(s),
    })
    expect(outcomes.every((o) => o.status === 'completed')).toBe(true)
    expect(Math.max(...activeAtRequest)).toBe(100)
    const requests = s.control.requests
    // each wave: a submit of 100, then the four polls of a 3 s export (0, 1, 2 and 4 s after it)
    expect(submits(requests)).toHaveLength(5)
    expect(queries(requests)).toHaveLength(20)
    expect(requests).toHaveLength(25)
    const wave = (n: number) =>
      outcomes
        .slice(n * 100, n * 100 + 100)
        .map((o) => o.jobId)
        .sort()
    queries(requests).forEach((query, i) => {
      expect(askedIds(query).sort()).toEqual(wave(Math.floor(i / 4)))
    })
  }, 60_000)
})

describe('HyperctlRunner.queryJobs against the simulator', () => {
  /** Submits n jobs with UUID IDs straight to the simulator; returns the IDs. */
  async function seedJobs(s: HypervisordSim, n: number): Promise<string[]> {
    const backend = await backendFor(s, 'api')
    const jobs = specs(n).map((j) => ({ ...j, id: crypto.randomUUID() }))
    await backend.submitJobs(jobs)
    await s.control.advance(0)
    s.control.clearRequests()
    return jobs.map((j) => j.id)
  }

  function recordingRunner(s: HypervisordSim, idArgumentMaxBytes?: number) {
    const runs: string[][] = []
    const runner = new HyperctlRunner({
      hyperctlPath: HYPERCTL_SIM,
      env: { ...process.env, HYPERCTL_SIM_DAEMON_URL: s.url },
      ...(idArgumentMaxBytes ? { idArgumentMaxBytes } : {}),
      executor: {
        run: (file, args, options) => {
          runs.push([...args])
          return nodeExecutor.run(file, args, options)
        },
      },
    })
    return { runner, runs }
  }

  it('asks for 500 UUIDs in one hyperctl run with one request to the daemon', async () => {
    const s = await startSim({ jobDurationMs: 60_000 })
    const ids = await seedJobs(s, 500)
    const { runner, runs } = recordingRunner(s)
    const jobs = await runner.queryJobs({ ids })
    expect(jobs.map((j) => j.id)).toEqual(ids)
    expect(jobs.every((j) => j.status === 'running')).toBe(true)
    expect(runs).toHaveLength(1)
    expect(runs[0]!.slice(0, 2)).toEqual(['query', '-id'])
    // 500 × 36 characters and 499 commas: far below Linux's 128 KiB per argument and Windows' 32,767 per line
    expect(Buffer.byteLength(runs[0]![2]!)).toBe(18_499)
    expect(queries(s.control.requests)).toHaveLength(1)
    expect(askedIds(s.control.requests[0]!)).toEqual(ids)
  }, 30_000)

  it('spreads the IDs over several runs when they outgrow the argument budget', async () => {
    const s = await startSim({ jobDurationMs: 60_000 })
    const ids = await seedJobs(s, 500)
    const { runner, runs } = recordingRunner(s, 5000)
    const jobs = await runner.queryJobs({ ids })
    expect(jobs.map((j) => j.id)).toEqual(ids)
    // 5000 bytes hold 135 UUIDs with their commas
    expect(runs.map((r) => r[2]!.split(',').length)).toEqual([135, 135, 135, 95])
    for (const run of runs) expect(Buffer.byteLength(run[2]!)).toBeLessThanOrEqual(5000)
    const cancelled = await runner.cancelJobs(ids)
    expect(cancelled.cancelled).toEqual(ids)
    expect(runs.slice(4).map((r) => r[0])).toEqual(['cancel', 'cancel', 'cancel', 'cancel'])
  }, 30_000)
})
