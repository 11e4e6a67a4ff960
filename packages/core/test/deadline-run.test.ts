import { afterEach, describe, expect, it } from 'vitest'
import { HypervisordClient } from '../src/client/hypervisord-client.js'
import { JobTimeoutError } from '../src/errors.js'
import { exportVm, exportVms, settleJobs } from '../src/run/run-export.js'
import { HyperctlRunner } from '../src/runner/hyperctl-runner.js'
import type { ExportBackend, Transport } from '../src/types.js'
import {
  backendFor,
  type FaultSim,
  HYPERCTL_SIM,
  jobSpecs,
  startFaultSim,
  submitRequests,
  vcenter,
} from './support/fault-sim.js'
import { type StallServer, startStallServer } from './support/stall-server.js'

let server: StallServer | undefined
let fault: FaultSim | undefined
afterEach(async () => {
  await server?.close()
  await fault?.close()
  server = undefined
  fault = undefined
})

/** A backend at the stalled daemon, with its defaults (30 s per request, retries, 60 s per hyperctl run). */
function stalledBackend(transport: Transport, url: string): ExportBackend {
  if (transport === 'api') return new HypervisordClient({ daemonUrl: url, env: {} })
  return new HyperctlRunner({
    hyperctlPath: HYPERCTL_SIM,
    env: { PATH: process.env.PATH, HYPERCTL_SIM_DAEMON_URL: url },
  })
}

const job = { vmPath: '/DC/vm/stalled', outputPath: '/tmp/hx-never-written', vcenter }

describe('exportVms keeps its timeout, whatever the daemon does', () => {
  for (const transport of ['api', 'cli'] as const) {
    for (const mode of ['silent', 'drip'] as const) {
      it(`${transport}: a ${mode} daemon: timeoutMs 1000 ends in under 1.5 s as a timeout`, async () => {
        server = await startStallServer(mode)
        const backend = stalledBackend(transport, server.url)
        const started = performance.now()
        const error = await exportVm(backend, job, { timeoutMs: 1_000 }).catch((e: unknown) => e)
        const ms = performance.now() - started
        expect(error).toBeInstanceOf(JobTimeoutError)
        expect(ms).toBeLessThan(1_500)
        // why: a hyperctl child may not even have connected within the second on a busy machine
        if (transport === 'api') expect(server.connections()).toBeGreaterThan(0)
        const [outcome] = (error as JobTimeoutError).outcomes!
        expect(outcome!.status).toBe('timeout')
        expect(outcome!.warnings.join('\n')).toContain('may be on the daemon')
      })
    }
  }
})

describe('a timeout counted from an earlier start (a face passes its process start)', () => {
  it('ends that much sooner, and still names the whole timeout', async () => {
    server = await startStallServer('silent')
    const backend = stalledBackend('api', server.url)
    const started = performance.now()
    const error = await exportVm(backend, job, { timeoutMs: 1_000, startedAt: Date.now() - 600 }).catch(
      (e: unknown) => e,
    )
    const ms = performance.now() - started
    expect(error).toBeInstanceOf(JobTimeoutError)
    expect((error as Error).message).toContain('within 1s')
    expect(ms).toBeGreaterThanOrEqual(350)
    expect(ms).toBeLessThan(900)
  })
})

describe('settleJobs keeps its timeout while it looks the IDs up', () => {
  for (const transport of ['api', 'cli'] as const) {
    it(`${transport}: a silent daemon: the IDs come back as timeout (not unreachable) at the deadline`, async () => {
      server = await startStallServer('silent')
      const started = performance.now()
      const outcomes = await settleJobs(stalledBackend(transport, server.url), ['abcd1234', 'efgh'], {
        timeoutMs: 800,
      })
      expect(performance.now() - started).toBeLessThan(1_500)
      expect(outcomes.map((o) => [o.jobId, o.status])).toEqual([
        ['abcd1234', 'timeout'],
        ['efgh', 'timeout'],
      ])
      expect(outcomes[0]!.error).toBeInstanceOf(JobTimeoutError)
      expect(outcomes[0]!.error!.message).toContain('did not finish within 800ms')
    })
  }
})

describe('submit retries follow the daemon', { timeout: 60_000 }, () => {
  for (const transport of ['api', 'cli'] as const) {
    it(`${transport}: 3 × 429 with Retry-After: 1 on the submit, then success: one job on the daemon`, async () => {
      fault = await startFaultSim()
      fault.sim.control.throttleNext(3, 1, { method: 'POST', path: '/jobs/submit' })
      const f = fault
      const outcomes = await exportVms(backendFor(f, transport), jobSpecs(f, 1), {
        clock: f.clock,
        onSubmitted: (accepted) => {
          for (const o of accepted) f.sim.control.completeJob(o.jobId)
        },
      })
      expect(outcomes.map((o) => o.status)).toEqual(['completed'])
      expect(submitRequests(f.sim.control.requests)).toHaveLength(4)
      expect(f.sim.control.jobs()).toHaveLength(1)
    })
  }

  it('stops resubmitting at the deadline rather than after a count', async () => {
    fault = await startFaultSim()
    fault.sim.control.throttleNext(1_000, 2, { method: 'POST', path: '/jobs/submit' })
    const f = fault
    const started = f.clock.now()
    const error = await exportVms(backendFor(f, 'api'), jobSpecs(f, 1), {
      clock: f.clock,
      timeoutMs: 15_000,
    }).catch((e: unknown) => e)
    // why: 429 means the daemon refused to read it, so nothing is on the daemon and the run rejects
    expect((error as Error).message).toContain('HTTP 429')
    const sent = submitRequests(f.sim.control.requests).length
    expect(sent).toBeGreaterThan(3)
    expect(sent).toBeLessThanOrEqual(8)
    expect(f.clock.now() - started).toBeLessThanOrEqual(15_000)
    expect(f.sim.control.jobs()).toHaveLength(0)
  })
})
