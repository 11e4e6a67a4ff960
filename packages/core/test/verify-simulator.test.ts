import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, rmSync, statSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { type HypervisordSim, startHypervisordSim } from '@hyperctl-export/simulator'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createBackend } from '../src/backend/create-backend.js'
import { IncompleteExportError } from '../src/errors.js'
import { UNREADABLE_NOTICE } from '../src/inspect/verify-outcomes.js'
import { exportVms } from '../src/run/run-export.js'
import type { ExportBackend, JobSpec, Transport } from '../src/types.js'

const HYPERCTL_SIM = resolve(import.meta.dirname, '../../simulator/dist/bin/hyperctl-sim.js')
const vcenter = { server: 'vcenter.example.test', username: 'exporter@vsphere.local', password: 'Vc-pw-91' }
const fast = { pollIntervalMs: 40, minPollIntervalMs: 10, timeoutMs: 60_000 }

let sim: HypervisordSim
let out: string

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'hx-verify-'))
  sim = await startHypervisordSim({
    autoAdvance: false,
    jobDurationMs: 60_000,
    stableOrder: true,
    cwd: out,
    diskSizeBytes: 1024 * 1024,
  })
})
afterEach(async () => {
  await sim.close()
  await rm(out, { recursive: true, force: true })
})

async function backendFor(transport: Transport): Promise<ExportBackend> {
  const env = { ...process.env, HYPERCTL_SIM_DAEMON_URL: sim.url, HYPERVISORD_API_KEY: '' }
  return (await createBackend({ transport, daemonUrl: sim.url, hyperctlPath: HYPERCTL_SIM, env })).backend
}

const sha256sum = (path: string) => execFileSync('sha256sum', [path], { encoding: 'utf8' }).slice(0, 64)
const dir = () => join(out, 'web-01')
const ovf = () => join(dir(), 'web-01.ovf')
const vmdk = () => join(dir(), 'web-01-disk1.vmdk')
const job: () => JobSpec = () => ({ vmPath: '/DC/vm/web-01', outputPath: dir(), vcenter })

/**
 * Runs one export whose files are damaged right after the simulator writes them: the clock moves in
 * onSubmitted, and the damage is done before the next poll can see the job completed.
 */
async function exportWith(transport: Transport, damage: () => void = () => {}, options = {}) {
  const backend = await backendFor(transport)
  return exportVms(backend, [job()], {
    ...fast,
    ...options,
    onSubmitted: async () => {
      await sim.control.advance(60_000)
      damage()
    },
  })
}

function flipByte(path: string, at: number): void {
  const data = readFileSync(path)
  data[at] = data[at]! ^ 0xff
  writeFileSync(path, data)
}

function writeManifest(digestOf: (path: string) => string = sha256sum): void {
  const line = (p: string) => `SHA256(${p.slice(dir().length + 1)})= ${digestOf(p)}\n`
  writeFileSync(join(dir(), 'web-01.mf'), line(ovf()) + line(vmdk()))
}

describe.each<Transport>(['api', 'cli'])(
  'verified exports against the simulator (%s transport)',
  (transport) => {
    it('reports the descriptor and the disk with the size and SHA-256 sha256sum gives', async () => {
      const [outcome] = await exportWith(transport)
      expect(outcome!.status).toBe('completed')
      expect(outcome!.verified).toBe(true)
      expect(outcome!.files).toEqual([
        { path: ovf(), role: 'descriptor', size: statSync(ovf()).size, sha256: sha256sum(ovf()) },
        { path: vmdk(), role: 'disk', size: statSync(vmdk()).size, sha256: sha256sum(vmdk()) },
      ])
    })

    it.each<[string, () => void, () => string, RegExp]>([
      [
        'a disk cut short',
        () => truncateSync(vmdk(), 4096),
        vmdk,
        /is 4096 bytes, the descriptor states \d+/,
      ],
      ['a missing disk', () => unlinkSync(vmdk()), vmdk, /is missing/],
      ['a missing descriptor', () => unlinkSync(ovf()), ovf, /the OVF descriptor is missing/],
      [
        'a corrupt byte under a manifest',
        () => {
          writeManifest()
          flipByte(vmdk(), 100_000)
        },
        vmdk,
        /its SHA256 is [0-9a-f]{64}, the manifest states [0-9a-f]{64}/,
      ],
      [
        'a manifest that does not match',
        () => writeManifest((p) => createHash('sha256').update(p).digest('hex')),
        ovf,
        /the manifest states/,
      ],
      [
        'a disk that is a link out of the directory',
        () => {
          writeFileSync(join(out, 'elsewhere.vmdk'), readFileSync(vmdk()))
          unlinkSync(vmdk())
          symlinkSync(join(out, 'elsewhere.vmdk'), vmdk())
        },
        vmdk,
        /resolves outside the output directory/,
      ],
    ])('gives failed/incomplete-export naming the file for %s', async (_, damage, file, problem) => {
      const [outcome] = await exportWith(transport, damage)
      expect(outcome!.status).toBe('failed')
      expect(outcome!.verified).toBe(false)
      const error = outcome!.error as IncompleteExportError
      expect(error).toBeInstanceOf(IncompleteExportError)
      expect(error.kind).toBe('incomplete-export')
      expect(error.problems.find((p) => p.path === file())?.problem).toMatch(problem)
      expect(error.message).toContain(file())
    })

    it('reports the daemon list unverified where the directory is not readable, and fails only when required', async () => {
      const gone = () => rmSync(dir(), { recursive: true })
      const [auto] = await exportWith(transport, gone)
      expect(auto).toMatchObject({ status: 'completed', verified: false })
      expect(auto!.warnings).toContain(UNREADABLE_NOTICE)
      // why: the API transport carries the daemon's list; hyperctl shows none
      expect(auto!.files!.map((f) => f.path)).toEqual(transport === 'api' ? [ovf(), vmdk()] : [])

      const [required] = await exportWith(transport, gone, { verify: 'required', idempotencyKey: 'again' })
      expect(required!.status).toBe('failed')
      expect(required!.error).toBeInstanceOf(IncompleteExportError)
      expect(required!.error!.message).toContain('could not be verified as required')
    })

    it('writes a SHA256SUMS that sha256sum -c accepts', async () => {
      const [outcome] = await exportWith(transport, () => {}, { checksumsFile: true })
      expect(outcome!.checksumsFile).toBe(join(dir(), 'SHA256SUMS'))
      const check = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir(), encoding: 'utf8' })
      expect(check).toBe('web-01.ovf: OK\nweb-01-disk1.vmdk: OK\n')
    })
  },
)
