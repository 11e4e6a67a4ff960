import { afterEach, describe, expect, it } from 'vitest'
import { JobFailedError, JobTimeoutError } from '../src/errors.js'
import { idempotentJobIds } from '../src/plan/idempotent-ids.js'
import { exportVms } from '../src/run/run-export.js'
import type { Clock } from '../src/wait/clock.js'
import {
  backendFor,
  type FaultSim,
  jobSpecs,
  startFaultSim,
  submitRequests,
  submittedIds,
} from './support/fault-sim.js'

const MINUTE = 60_000
const JOBS = 500
const indexOf = (vmPath: string) => Number(vmPath.slice(vmPath.lastIndexOf('-') + 1))

let f: FaultSim | undefined
afterEach(async () => {
  await f?.close()
  f = undefined
})

// why: about 120 polls of 500 jobs and a few hundred resubmits, real HTTP each: seconds, not milliseconds
describe('exportVms under load with faults (api transport)', { timeout: 90_000 }, () => {
  it('accounts for every one of 500 jobs through a 30-minute run with an outage, 5xx and 429 bursts, slow replies, failures, outside cancels, a crash and hung jobs', async () => {
    /** How often the daemon started an export of each job ID: an export done twice shows here. */
    const starts = new Map<string, number>()
    f = await startFaultSim({
      writeFiles: false,
      // why: exports of 3 to 22 minutes, so jobs finish all through the run; a resubmitted one takes 2
      jobDurationMs: (definition) => {
        const before = starts.get(definition.id) ?? 0
        starts.set(definition.id, before + 1)
        return before > 0 ? 2 * MINUTE : (3 + (indexOf(definition.vm_path) % 20)) * MINUTE
      },
    })
    const sim = f.sim
    const jobs = jobSpecs(f, JOBS)
    const ids = idempotentJobIds('load-run', jobs)
    const failed = new Map<string, string>()
    const cancelled: string[] = []
    const hung: string[] = []
    let lostAtCrash: string[] = []
    let slowPolls = 0
    const running = () =>
      sim.control
        .jobs()
        .filter((j) => j.status === 'running')
        .map((j) => j.definition.id)

    // The fault schedule, by simulated minutes since the start. It runs at the start of each pause, that
    // is right after a poll: what the session last saw is what the daemon holds at that instant.
    const schedule: Array<[minute: number, apply: () => Promise<void> | void]> = [
      [2, () => sim.control.goDown({ forMs: 90_000, keepJobs: true })],
      [5, () => sim.control.failNext(12, 503, { match: { path: '/jobs/query' } })],
      [7, () => sim.control.throttleNext(8, 2, { path: '/jobs/query' })],
      [8, () => sim.control.delayReplies(10 * MINUTE)],
      [8.5, () => sim.control.delayReplies(0)],
      [
        10,
        () => {
          for (const id of running().slice(0, 20)) {
            const text = `export failed: datastore unavailable for ${id}`
            sim.control.failJob(id, text)
            failed.set(id, text)
          }
        },
      ],
      [
        11,
        async () => {
          // someone else cancels ten jobs through the daemon's API
          const some = running().slice(0, 10)
          const reply = await fetch(`${sim.url}/jobs/cancel`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ job_ids: some }),
          })
          expect(((await reply.json()) as { cancelled: string[] }).cancelled).toEqual(some)
          cancelled.push(...some)
        },
      ],
      [
        15,
        () => {
          lostAtCrash = sim.control
            .jobs()
            .filter((j) => j.status === 'pending' || j.status === 'running')
            .map((j) => j.definition.id)
          // a crash: every job forgotten, back after 30 s
          return sim.control.goDown({ forMs: 30_000 })
        },
      ],
    ]
    const start = sim.control.clock.now()
    const clock: Clock = {
      now: () => sim.control.clock.now(),
      sleep: async (ms) => {
        while (schedule.length > 0 && sim.control.clock.now() - start >= schedule[0]![0] * MINUTE) {
          await schedule.shift()![1]()
        }
        await sim.control.advance(ms)
      },
    }

    const outcomes = await exportVms(
      backendFor(f, 'api', { client: { requestTimeoutMs: 1_000, retries: 3 } }),
      jobs,
      {
        idempotencyKey: 'load-run',
        clock,
        // why: a poll every 15 s of simulated time keeps the run to about 120 polls of 500 IDs each
        pollIntervalMs: 15_000,
        minPollIntervalMs: 15_000,
        timeoutMs: 30 * MINUTE,
        maxResubmits: 1,
        onSubmitted: (accepted) => {
          // five of the jobs resubmitted after the crash hang: they never finish
          if (lostAtCrash.length === 0) return
          for (const o of accepted) {
            if (hung.length < 5) {
              sim.control.hangJob(o.jobId)
              hung.push(o.jobId)
            }
          }
        },
        onProgress: (u) => {
          if (u.daemonUnreachable?.includes('no answer')) slowPolls++
        },
      },
    )

    // every fault happened
    expect(schedule).toEqual([])
    expect([failed.size, cancelled.length, hung.length]).toEqual([20, 10, 5])
    expect(lostAtCrash.length).toBeGreaterThan(100)
    expect(slowPolls).toBeGreaterThan(0)
    expect(sim.control.clock.now() - start).toBeGreaterThanOrEqual(30 * MINUTE)

    // every job comes back, in input order, under its own ID, as what became of it
    expect(outcomes.map((o) => o.jobId)).toEqual(ids)
    expect(new Set(ids).size).toBe(JOBS)
    for (const o of outcomes) {
      if (failed.has(o.jobId)) {
        expect(o.status, o.jobId).toBe('failed')
        expect(o.error).toBeInstanceOf(JobFailedError)
        expect(o.error?.message).toContain(failed.get(o.jobId))
      } else if (cancelled.includes(o.jobId)) {
        expect(o.status, o.jobId).toBe('cancelled')
      } else if (hung.includes(o.jobId)) {
        expect(o.status, o.jobId).toBe('timeout')
        expect(o.error).toBeInstanceOf(JobTimeoutError)
      } else {
        expect(o.status, o.jobId).toBe('completed')
      }
    }
    const counts = Object.fromEntries(['completed', 'failed', 'cancelled', 'timeout'].map((s) => [s, 0]))
    for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1
    expect(counts).toEqual({ completed: JOBS - 35, failed: 20, cancelled: 10, timeout: 5 })

    // no export done twice: the daemon started each job once, and once more only after the crash made it
    // forget the job (a submit the client gave up on and sent again attaches to its jobs: same IDs)
    const lost = new Set(lostAtCrash)
    for (const id of ids) expect(starts.get(id), id).toBe(lost.has(id) ? 2 : 1)
    const sent = new Set(submittedIds(sim.control.requests))
    expect(ids.every((id) => sent.has(id))).toBe(true)
    const afterCrash = submitRequests(sim.control.requests).filter((r) => r.at - start >= 15 * MINUTE)
    expect(submittedIds(afterCrash).sort()).toEqual([...lost].sort())
    for (const o of outcomes.filter((o) => lost.has(o.jobId))) {
      expect(o.warnings.join('\n')).toContain('submitted again under the same ID')
    }
    // after the crash the daemon holds exactly the resubmitted jobs
    expect(
      sim.control
        .jobs()
        .map((j) => j.definition.id)
        .sort(),
    ).toEqual([...lost].sort())

    // one waiter: one query per poll, never more than the 500 IDs
    const queries = sim.control.requests.filter((r) => r.path === '/jobs/query')
    for (const q of queries)
      expect((JSON.parse(q.body) as { job_ids: string[] }).job_ids.length).toBeLessThanOrEqual(JOBS)
    expect(queries.length).toBeLessThan(250)
  })
})
