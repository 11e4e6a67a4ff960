import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { JobCancelledError, JobFailedError, JobNotFoundError, JobTimeoutError } from '../src/errors.js'
import { exportVms, settleJobs } from '../src/run/run-export.js'
import type { Transport } from '../src/types.js'
import { backendFor, type FaultSim, jobSpecs, startFaultSim } from './support/fault-sim.js'

const polling = { minPollIntervalMs: 1_000, pollIntervalMs: 10_000, timeoutMs: 3_600_000 }

let f: FaultSim

beforeEach(async () => {
  f = await startFaultSim()
})
afterEach(async () => {
  await f.close()
})

/** Someone else cancels the job through the daemon's API (another client, the dashboard). */
async function cancelFromOutside(id: string): Promise<void> {
  const reply = await fetch(`${f.sim.url}/jobs/cancel`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ job_ids: [id] }),
  })
  expect(await reply.json()).toMatchObject({ cancelled: [id] })
}

// why: the cli transport starts a real hyperctl process per poll, submit and lookup; on a loaded 2-core
// machine a run of many polls takes several seconds, which says nothing about the code
describe.each<Transport>(['api', 'cli'])(
  "exportVms reports each job's fate as what it is (%s transport)",
  { timeout: 20_000 },
  (transport) => {
    it("reports a job the daemon fails as failed, with the daemon's error text where the transport shows it", async () => {
      const daemonText = 'export failed: export ovf: lease timed out on datastore2'
      const outcomes = await exportVms(backendFor(f, transport), jobSpecs(f, 2), {
        ...polling,
        clock: f.clock,
        onSubmitted: (accepted) => {
          f.sim.control.failJob(accepted[1]!.jobId, daemonText)
        },
      })

      expect(outcomes.map((o) => o.status)).toEqual(['completed', 'failed'])
      const error = outcomes[1]!.error as JobFailedError
      expect(error).toBeInstanceOf(JobFailedError)
      expect(error.message).toContain(outcomes[1]!.jobId)
      if (transport === 'api') {
        expect(error.daemonMessage).toBe(daemonText)
        expect(error.message).toContain(daemonText)
      } else {
        // why: hyperctl's table has no error column; the hint says how to read the text
        expect(error.message).toContain("hyperctl does not show the daemon's error text")
        expect(error.hint).toContain("Set the transport setting to api to see the daemon's error text")
      }
    })

    it('reports a job someone else cancels as cancelled, and says the export may go on', async () => {
      const outcomes = await exportVms(backendFor(f, transport), jobSpecs(f, 1), {
        ...polling,
        clock: f.clock,
        onSubmitted: (accepted) => cancelFromOutside(accepted[0]!.jobId),
      })

      const o = outcomes[0]!
      expect(o.status).toBe('cancelled')
      expect(o.error).toBeInstanceOf(JobCancelledError)
      expect(o.error?.message).toContain('cannot stop an export that is already running')
      // the daemon's export did go on: its end overwrites the label (docs/hyperctl.md#cancel-is-a-label)
      await f.sim.control.advance(60_000)
      expect(f.sim.control.job(o.jobId)?.status).toBe('completed')
    })

    it('reports completed, with the files, when the cancelled label was overwritten by the finished export before it looked', async () => {
      const outcomes = await exportVms(backendFor(f, transport), jobSpecs(f, 1), {
        ...polling,
        clock: f.clock,
        onSubmitted: async (accepted) => {
          await cancelFromOutside(accepted[0]!.jobId)
          f.sim.control.completeJob(accepted[0]!.jobId)
        },
      })

      expect(outcomes[0]!.status).toBe('completed')
      expect(existsSync(join(f.out, 'vm-0', 'vm-0.ovf'))).toBe(true)
    })

    it('reports cancelled once it saw the label, and a later settle reports the completed export', async () => {
      const backend = backendFor(f, transport)
      const [first] = await exportVms(backend, jobSpecs(f, 1), {
        ...polling,
        clock: f.clock,
        onSubmitted: (accepted) => cancelFromOutside(accepted[0]!.jobId),
      })
      expect(first!.status).toBe('cancelled')

      await f.sim.control.advance(60_000)
      const [later] = await settleJobs(backend, [first!.jobId], { ...polling, clock: f.clock })
      expect(later!.status).toBe('completed')
    })

    it('reports failed when the cancelled label was overwritten by a failed export', async () => {
      const daemonText = 'export failed: vm powered off during export'
      const outcomes = await exportVms(backendFor(f, transport), jobSpecs(f, 1), {
        ...polling,
        clock: f.clock,
        onSubmitted: async (accepted) => {
          await cancelFromOutside(accepted[0]!.jobId)
          f.sim.control.failJob(accepted[0]!.jobId, daemonText)
        },
      })

      expect(outcomes[0]!.status).toBe('failed')
      if (transport === 'api') expect(outcomes[0]!.error?.message).toContain(daemonText)
    })

    it('reports a job that disappears from the daemon as lost, with its ID', async () => {
      const outcomes = await exportVms(backendFor(f, transport), jobSpecs(f, 1), {
        ...polling,
        clock: f.clock,
        onProgress: (u) => {
          if (u.outcomes[0]!.status === 'running') f.sim.control.restart()
        },
      })

      expect(outcomes[0]!.status).toBe('lost')
      expect(outcomes[0]!.error).toBeInstanceOf(JobNotFoundError)
      expect(outcomes[0]!.error?.message).toContain(outcomes[0]!.jobId)
    })

    it('reports a job that never finishes as timeout, leaves it running, and cancels it when asked', async () => {
      const hang = (accepted: readonly { jobId: string }[]) => {
        for (const o of accepted) f.sim.control.hangJob(o.jobId)
      }
      const left = await exportVms(backendFor(f, transport), jobSpecs(f, 1, 'left'), {
        ...polling,
        timeoutMs: 40_000,
        clock: f.clock,
        onSubmitted: hang,
      })
      const cancelled = await exportVms(backendFor(f, transport), jobSpecs(f, 1, 'cancelled'), {
        ...polling,
        timeoutMs: 40_000,
        cancelOnTimeout: true,
        clock: f.clock,
        onSubmitted: hang,
      })

      for (const [o, cancel] of [
        [left[0]!, false],
        [cancelled[0]!, true],
      ] as const) {
        expect(o.status).toBe('timeout')
        const error = o.error as JobTimeoutError
        expect(error).toBeInstanceOf(JobTimeoutError)
        expect(error.jobIds).toEqual([o.jobId])
        expect(error.cancelled).toBe(cancel)
        expect(f.sim.control.job(o.jobId)?.status).toBe(cancel ? 'cancelled' : 'running')
      }
      expect(left[0]!.error?.hint).toContain('the export goes on on the daemon')
    })
  },
)
