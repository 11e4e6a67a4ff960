import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  type HypervisordSimOptions,
  type SimExportDamage,
  startHypervisordSim,
  type WireJob,
} from '../src/index.js'
import { scratch, VC } from './daemon-scratch.js'

const t = scratch('hvsim-damage-')

/** Exports /DC/vm/app into `<dir>/<id>` and returns the job, with `damage` queued first if given. */
async function exportApp(
  options: HypervisordSimOptions,
  id: string,
  damage?: SimExportDamage,
): Promise<WireJob> {
  if (!t.sim) t.sim = await startHypervisordSim({ autoAdvance: false, cwd: t.dir, ...options })
  const sim = t.sim
  if (damage) sim.control.damageNextExport(damage)
  await fetch(`${sim.url}/jobs/submit`, {
    method: 'POST',
    body: JSON.stringify({ id, vm_path: '/DC/vm/app', output_path: id, vcenter: VC }),
  })
  await sim.control.advance(0)
  await sim.control.advance(3000)
  return sim.control.job(id) as WireJob
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')
const references = (ovf: string) =>
  [...readFileSync(ovf, 'utf8').matchAll(/<File ovf:href="([^"]*)" ovf:id="[^"]*" ovf:size="(\d+)"\/>/g)].map(
    (m) => ({ href: m[1]!, size: Number(m[2]) }),
  )

describe('the export the simulator writes', () => {
  it('names every disk in the descriptor with its real byte size, and writes the manifest on request', async () => {
    const job = await exportApp({ disks: 3, writeManifest: true }, 'ok')
    expect(job.status).toBe('completed')
    const out = join(t.dir, 'ok')
    const disks = [0, 1, 2].map((i) => join(out, `app-disk-${i}.vmdk`))
    expect(job.result?.output_files).toEqual(disks)
    expect(references(join(out, 'app.ovf'))).toEqual(
      disks.map((d, i) => ({ href: `app-disk-${i}.vmdk`, size: statSync(d).size })),
    )
    expect(job.result?.total_size).toBe(disks.reduce((n, d) => n + statSync(d).size, 0))
    expect(readFileSync(join(out, 'app.mf'), 'utf8')).toBe(
      ['app.ovf', ...disks.map((_, i) => `app-disk-${i}.vmdk`)]
        .map((f) => `SHA256(${f})= ${sha256(join(out, f))}\n`)
        .join(''),
    )
  })

  it('writes no manifest unless asked', async () => {
    await exportApp({}, 'plain')
    expect(existsSync(join(t.dir, 'plain', 'app.mf'))).toBe(false)
  })
})

describe('control.damageNextExport', () => {
  it('short-disk: disk 0 shorter than the descriptor says, the job still completed', async () => {
    const job = await exportApp({}, 'short', 'short-disk')
    expect(job.status).toBe('completed')
    const [ref] = references(join(t.dir, 'short', 'app.ovf'))
    expect(statSync(join(t.dir, 'short', 'app-disk-0.vmdk')).size).toBeLessThan(ref!.size)
  })

  it('missing-disk: disk 0 gone, still listed', async () => {
    const job = await exportApp({}, 'nodisk', 'missing-disk')
    expect(job.status).toBe('completed')
    expect(job.result?.output_files).toEqual([join(t.dir, 'nodisk', 'app-disk-0.vmdk')])
    expect(existsSync(join(t.dir, 'nodisk', 'app-disk-0.vmdk'))).toBe(false)
    expect(existsSync(join(t.dir, 'nodisk', 'app.ovf'))).toBe(true)
  })

  it('missing-descriptor: the .ovf gone, the disk there', async () => {
    const job = await exportApp({}, 'noovf', 'missing-descriptor')
    expect(job.status).toBe('completed')
    expect(existsSync(join(t.dir, 'noovf', 'app.ovf'))).toBe(false)
    expect(existsSync(join(t.dir, 'noovf', 'app-disk-0.vmdk'))).toBe(true)
  })

  it('corrupt-byte: disk 0 keeps its size, and only the manifest (written for it) tells', async () => {
    const clean = await exportApp({}, 'clean')
    const corrupt = await exportApp({}, 'corrupt', 'corrupt-byte')
    expect([clean.status, corrupt.status]).toEqual(['completed', 'completed'])
    const disk = (id: string) => join(t.dir, id, 'app-disk-0.vmdk')
    expect(statSync(disk('corrupt')).size).toBe(statSync(disk('clean')).size)
    expect(references(join(t.dir, 'corrupt', 'app.ovf'))[0]!.size).toBe(statSync(disk('corrupt')).size)
    expect(sha256(disk('corrupt'))).not.toBe(sha256(disk('clean')))
    const manifest = readFileSync(join(t.dir, 'corrupt', 'app.mf'), 'utf8')
    expect(manifest).toContain(`SHA256(app-disk-0.vmdk)= ${sha256(disk('clean'))}\n`)
    expect(manifest).toContain(`SHA256(app.ovf)= ${sha256(join(t.dir, 'corrupt', 'app.ovf'))}\n`)
  })

  it('manifest-mismatch: a wrong digest for disk 0, the files themselves intact', async () => {
    const job = await exportApp({}, 'mism', 'manifest-mismatch')
    expect(job.status).toBe('completed')
    const out = join(t.dir, 'mism')
    const line = /^SHA256\(app-disk-0\.vmdk\)= ([0-9a-f]{64})$/m.exec(
      readFileSync(join(out, 'app.mf'), 'utf8'),
    )
    expect(line?.[1]).toBeDefined()
    expect(line?.[1]).not.toBe(sha256(join(out, 'app-disk-0.vmdk')))
    expect(references(join(out, 'app.ovf'))[0]!.size).toBe(statSync(join(out, 'app-disk-0.vmdk')).size)
  })

  it('reference-outside: the descriptor names ../outside.vmdk, which is not created', async () => {
    const job = await exportApp({}, 'out', 'reference-outside')
    expect(job.status).toBe('completed')
    expect(references(join(t.dir, 'out', 'app.ovf'))[0]!.href).toBe('../outside.vmdk')
    expect(existsSync(join(t.dir, 'outside.vmdk'))).toBe(false)
  })

  it('damages one export per call, in order, and refuses an unknown damage', async () => {
    const first = await exportApp({}, 'first', 'missing-disk')
    expect((await exportApp({}, 'second')).status).toBe('completed')
    expect(first.status).toBe('completed')
    expect(existsSync(join(t.dir, 'first', 'app-disk-0.vmdk'))).toBe(false)
    expect(existsSync(join(t.dir, 'second', 'app-disk-0.vmdk'))).toBe(true)
    expect(() => t.sim?.control.damageNextExport('torn' as SimExportDamage)).toThrow(
      /unknown export damage "torn"/,
    )
  })
})
