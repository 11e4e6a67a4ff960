import { existsSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { type HypervisordSim, startHypervisordSim } from '@hyperctl-export/simulator'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createBackend } from '../src/backend/create-backend.js'
import { JobFailedError, JobNotFoundError } from '../src/errors.js'
import { exportVms, settleJobs } from '../src/run/run-export.js'
import type { ExportBackend, JobSpec, Transport } from '../src/types.js'

// why: the simulator's hyperctl stand-in, pointed at the simulator by its documented test knob
const HYPERCTL_SIM = resolve(import.meta.dirname, '../../simulator/dist/bin/hyperctl-sim.js')
const PASSWORD = 'Vc-pass-6d1f3e'
const vcenter = { server: 'vcenter.example.test', username: 'exporter@vsphere.local', password: PASSWORD }
const fast = { pollIntervalMs: 40, minPollIntervalMs: 10, timeoutMs: 60_000 }

let sim: HypervisordSim
let out: string

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'hx-e2e-'))
  sim = await startHypervisordSim({ autoAdvance: false, jobDurationMs: 60_000, stableOrder: true, cwd: out })
})
afterEach(async () => {
  await sim.close()
  await rm(out, { recursive: true, force: true })
})

async function backendFor(transport: Transport): Promise<ExportBackend> {
  const env = { ...process.env, HYPERCTL_SIM_DAEMON_URL: sim.url, HYPERVISORD_API_KEY: '' }
  const choice = await createBackend({ transport, daemonUrl: sim.url, hyperctlPath: HYPERCTL_SIM, env })
  return choice.backend
}

/** Finishes every running job on the simulator's clock as soon as the IDs are published. */
const finishOnSubmit = () => async () => {
  await sim.control.advance(60_000)
}

describe.each<Transport>(['api', 'cli'])(
  'a full export against the simulator (%s transport)',
  (transport) => {
    it('submits, waits and reports the export with its files on disk', async () => {
      const backend = await backendFor(transport)
      const jobs: JobSpec[] = [
        { vmPath: '/Datacenter/vm/web 01 "quoted" $(x)', outputPath: join(out, 'web-01'), vcenter },
        {
          vmPath: '/Datacenter/vm/db-01',
          outputPath: join(out, 'db-01'),
          vcenter,
          options: { parallelDownloads: 8 },
        },
      ]
      const outcomes = await exportVms(backend, jobs, { ...fast, onSubmitted: finishOnSubmit() })
      expect(outcomes.map((o) => o.status)).toEqual(['completed', 'completed'])
      expect(sim.control.jobs().map((j) => j.definition.vm_path)).toEqual(jobs.map((j) => j.vmPath))
      expect(sim.control.jobs().every((j) => j.definition.export_method === 'web')).toBe(true)
      expect(outcomes[1]!.warnings.join('\n')).toContain('parallel-downloads')
      const ovf = join(out, 'db-01', 'db-01.ovf')
      expect(statSync(ovf).size).toBeGreaterThan(0)
      // the daemon lists only the disk of a web export (the descriptor is written but not listed)
      if (transport === 'api') {
        expect(outcomes[1]!.result?.files).toEqual([join(out, 'db-01', 'db-01-disk-0.vmdk')])
      }
      expect(JSON.stringify(outcomes)).not.toContain(PASSWORD)
    })

    it('reports the daemon failing a job without a vCenter server', async () => {
      const backend = await backendFor(transport)
      const outcomes = await exportVms(
        backend,
        [{ vmPath: '/Datacenter/vm/x', outputPath: join(out, 'x') }],
        {
          ...fast,
          onSubmitted: finishOnSubmit(),
        },
      )
      expect(outcomes[0]!.status).toBe('failed')
      expect(outcomes[0]!.error).toBeInstanceOf(JobFailedError)
      if (transport === 'api') expect(outcomes[0]!.error?.message).toContain('vcenter server is required')
      expect(outcomes[0]!.error?.hint).toContain('the vcenter setting')
    })

    it('attaches instead of exporting twice when the same idempotency key runs again', async () => {
      const backend = await backendFor(transport)
      const jobs: JobSpec[] = [{ vmPath: '/Datacenter/vm/db-01', outputPath: join(out, 'db-01'), vcenter }]
      const first = await exportVms(backend, jobs, {
        ...fast,
        idempotencyKey: 'run-1',
        onSubmitted: finishOnSubmit(),
      })
      const again = await exportVms(backend, jobs, { ...fast, idempotencyKey: 'run-1' })
      expect(sim.control.jobs()).toHaveLength(1)
      expect(again[0]).toMatchObject({ jobId: first[0]!.jobId, status: 'completed', attached: true })
    })

    it('reports a job forgotten by a daemon restart as lost, with its ID', async () => {
      const backend = await backendFor(transport)
      const outcomes = await exportVms(
        backend,
        [{ vmPath: '/Datacenter/vm/a', outputPath: join(out, 'a'), vcenter }],
        {
          ...fast,
          onSubmitted: () => sim.control.restart(),
        },
      )
      expect(outcomes[0]!.status).toBe('lost')
      expect(outcomes[0]!.error).toBeInstanceOf(JobNotFoundError)
    })

    it('cancels on the daemon and reports cancelled jobs as only labelled', async () => {
      const backend = await backendFor(transport)
      const submitted = await exportVms(
        backend,
        [{ vmPath: '/Datacenter/vm/a', outputPath: join(out, 'a'), vcenter }],
        { ...fast, wait: false },
      )
      await sim.control.advance(0)
      const cancel = await backend.cancelJobs([submitted[0]!.jobId])
      expect(cancel.cancelled).toEqual([submitted[0]!.jobId])
      const outcomes = await settleJobs(backend, [submitted[0]!.jobId], fast)
      expect(outcomes[0]!.status).toBe('cancelled')
      expect(outcomes[0]!.error?.message).toContain('only labels a job cancelled')
    })
  },
)

describe('a submit whose reply is lost (api transport)', () => {
  it('retries under the same ID and the daemon ends up with exactly one job', async () => {
    const backend = await backendFor('api')
    sim.control.dropNextSubmitReply()
    const outcomes = await exportVms(
      backend,
      [{ vmPath: '/Datacenter/vm/a', outputPath: join(out, 'a'), vcenter }],
      {
        ...fast,
        onSubmitted: finishOnSubmit(),
      },
    )
    expect(sim.control.jobs()).toHaveLength(1)
    expect(outcomes[0]).toMatchObject({ status: 'completed', attached: true })
    expect(existsSync(join(out, 'a', 'a.ovf'))).toBe(true)
  })
})
