import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { HyperctlParseError } from '../src/errors.js'
import { exportVms } from '../src/run/run-export.js'
import type { Transport } from '../src/types.js'
import { backendFor, type FaultSim, startFaultSim, vcenter } from './support/fault-sim.js'

const polling = { minPollIntervalMs: 1_000, pollIntervalMs: 5_000, timeoutMs: 600_000 }

// names hyperctl cannot print on one table line: line breaks, escape sequences (CSI without a reset, OSC,
// a lone ESC), a carriage return, bidi and zero-width characters, and " | " between two columns' texts
const HOSTILE_PATHS = [
  '/DC/vm/multi\nline\nname',
  '/DC/vm/\x1b[31mred-no-reset',
  '/DC/vm/osc\x1b]0;owned\x07title',
  '/DC/vm/cr\rreturn',
  '/DC/vm/bidi\u202eevil\u2066x\u200b',
  '/DC/vm/pipe | inside',
  '/DC/vm/plain-neighbour',
]

let f: FaultSim | undefined
afterEach(async () => {
  await f?.close()
  f = undefined
})

describe.each<Transport>(['cli', 'api'])('exportVms with hostile VM names (%s transport)', (transport) => {
  it('reports every completed job completed, matched by its ID row', async () => {
    f = await startFaultSim({ jobDurationMs: 2_000 })
    const backend = backendFor(f, transport)
    // why: since the verified-export step a file name with a CR fails inspection on both transports
    // (a question for the inspect step, not for reading tables), so that name is left to the query test
    const paths = HOSTILE_PATHS.filter((p) => !p.includes('\r'))
    const outcomes = await exportVms(
      backend,
      paths.map((vmPath) => ({ vmPath, outputPath: join(f!.out, 'exports'), vcenter })),
      { ...polling, clock: f.clock },
    )
    expect(outcomes.map((o) => [o.vmPath, o.status])).toEqual(paths.map((p) => [p, 'completed']))
  }, 60_000)
})

describe('HyperctlRunner.queryJobs with hostile VM names', () => {
  it('reads each row back whole: a multi-line name joined, escape codes kept for the faces to show', async () => {
    f = await startFaultSim({ jobDurationMs: 3_600_000 })
    const backend = backendFor(f, 'cli')
    const submitted = await backend.submitJobs(HOSTILE_PATHS.map((vmPath) => ({ vmPath, outputPath: '/e' })))
    const ids = submitted.jobs.map((j) => j.id)
    const jobs = await backend.queryJobs({ ids })
    expect(jobs.map((j) => j.id)).toEqual(ids)
    const byId = new Map(jobs.map((j) => [j.id, j]))
    expect(byId.get(ids[0]!)?.name).toBe('multi\nline\nname')
    expect(byId.get(ids[2]!)?.name).toBe('osc\x1b]0;owned\x07title')
    expect(byId.get(ids[4]!)?.name).toBe('bidi\u202eevil\u2066x\u200b')
    expect(byId.get(ids[5]!)).toMatchObject({ name: '', vmPath: '', vmPathUnreadable: true })
    expect(byId.get(ids[6]!)).toMatchObject({ name: 'plain-neighbour', vmPath: '/DC/vm/plain-neighbour' })
  }, 60_000)

  it('says why a row it cannot read is unreadable and points to the API transport', async () => {
    f = await startFaultSim({ jobDurationMs: 3_600_000 })
    const backend = backendFor(f, 'cli')
    // a phase is the daemon's own text; one holding " | " shifts the status column, so the row is unreadable
    const id = '5eed0000-0000-4000-8000-000000000001'
    f.sim.control.seedJobs([
      {
        definition: {
          id,
          name: 'a',
          vm_path: '/DC/vm/a',
          output_path: '/e',
          created_at: '2026-01-01T00:00:00Z',
        },
        status: 'running',
        progress: { phase: 'copying | disk 1', percent_complete: 5 },
        started_at: '2026-01-01T00:00:00Z',
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z',
      },
    ])
    const error = await backend.queryJobs({ ids: [id] }).catch((e: unknown) => e)
    if (!(error instanceof HyperctlParseError)) return void expect.fail(`no parse error: ${String(error)}`)
    expect(error.message).toContain(`job ${id.slice(0, 8)}`)
    expect(error.hint).toContain('set the transport setting to api')
  }, 60_000)
})
