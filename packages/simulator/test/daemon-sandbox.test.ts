import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type HypervisordSim,
  type HypervisordSimOptions,
  startHypervisordSim,
  type WireJob,
} from '../src/index.js'

const VC = { server: 'vcenter.example.com', username: 'exporter@vsphere.local', password: 'pw' }

let top: string
let sim: HypervisordSim | undefined
const savedTmpdir = process.env.TMPDIR

beforeEach(() => {
  top = mkdtempSync(join(tmpdir(), 'hvsim-sandbox-'))
})

afterEach(async () => {
  await sim?.close()
  sim = undefined
  if (savedTmpdir === undefined) delete process.env.TMPDIR
  else process.env.TMPDIR = savedTmpdir
  rmSync(top, { recursive: true, force: true })
})

/** Runs one web job writing to `outputPath` to its end and returns it as GET /jobs/{id} shows it. */
async function exportTo(options: HypervisordSimOptions, outputPath: string): Promise<WireJob> {
  sim = await startHypervisordSim({ autoAdvance: false, stableOrder: true, ...options })
  const res = await fetch(`${sim.url}/jobs/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'j', vm_path: '/DC/vm/web-01', output_path: outputPath, vcenter: VC }),
  })
  expect(res.status).toBe(200)
  await sim.control.advance(0)
  await sim.control.advance(3000)
  return (await (await fetch(`${sim.url}/jobs/j`)).json()) as WireJob
}

const PREFIX = 'export failed: export ovf: prepare output directory: '

describe('startHypervisordSim with a root', () => {
  it('writes an absolute output path under the root and lists the files where they are', async () => {
    const root = join(top, 'root')
    const done = await exportTo({ root }, '/srv/exports/web-01')
    expect(done.status).toBe('completed')
    const disk = join(root, 'srv', 'exports', 'web-01', 'web-01-disk-0.vmdk')
    expect(done.result?.output_files).toEqual([disk])
    expect(existsSync(disk)).toBe(true)
    expect(existsSync(join(root, 'srv', 'exports', 'web-01', 'web-01.ovf'))).toBe(true)
    expect(done.definition.output_dir).toBe('/srv/exports/web-01')
  })

  it('writes a relative output path under the root, not under cwd', async () => {
    const root = join(top, 'root')
    const cwd = join(top, 'cwd')
    mkdirSync(cwd)
    const done = await exportTo({ root, cwd }, 'exports/web-01')
    expect(done.status).toBe('completed')
    expect(existsSync(join(root, 'exports', 'web-01', 'web-01-disk-0.vmdk'))).toBe(true)
    expect(readdirSync(cwd)).toEqual([])
  })

  it.each([
    ['../outside', 'a relative path'],
    ['/a/../../outside', 'an absolute path'],
  ])('fails the job and writes nothing when %s (%s) climbs out of the root', async (path) => {
    const root = join(top, 'root')
    const done = await exportTo({ root }, path)
    expect(done.status).toBe('failed')
    expect(done.error).toBe(`${PREFIX}output path ${JSON.stringify(path)} escapes the simulator root ${root}`)
    expect(existsSync(join(top, 'outside'))).toBe(false)
  })

  it('fails the job when a symbolic link inside the root leads out of it', async () => {
    const root = join(top, 'root')
    const elsewhere = join(top, 'elsewhere')
    mkdirSync(root)
    mkdirSync(elsewhere)
    symlinkSync(elsewhere, join(root, 'link'))
    const done = await exportTo({ root }, '/link/web-01')
    expect(done.status).toBe('failed')
    expect(done.error).toMatch(
      new RegExp(`^${PREFIX}output path "/link/web-01" leaves the simulator root .* through a symbolic link`),
    )
    expect(readdirSync(elsewhere)).toEqual([])
  })

  it('fails the job rather than write through a link planted where a disk file goes', async () => {
    const root = join(top, 'root')
    const victim = join(top, 'victim.txt')
    writeFileSync(victim, 'keep me')
    mkdirSync(join(root, 'out'), { recursive: true })
    symlinkSync(victim, join(root, 'out', 'web-01-disk-0.vmdk'))
    const done = await exportTo({ root }, '/out')
    expect(done.status).toBe('failed')
    expect(done.error).toMatch(/^export failed: export ovf: download files: open .*web-01-disk-0\.vmdk: /)
    expect(readFileSync(victim, 'utf8')).toBe('keep me')
  })
})

describe('startHypervisordSim without a root', () => {
  /** A fake system temp directory inside the test's own, so "outside it" is still a scratch place. */
  function fakeTmp(): { tmp: string; outside: string } {
    const tmp = join(top, 'tmp')
    const outside = join(top, 'not-tmp')
    mkdirSync(tmp)
    mkdirSync(outside)
    process.env.TMPDIR = tmp
    expect(tmpdir()).toBe(tmp)
    return { tmp, outside }
  }

  it('fails a job whose absolute output path lies outside the system temp directory', async () => {
    const { tmp, outside } = fakeTmp()
    const target = join(outside, 'web-01')
    const done = await exportTo({}, target)
    expect(done.status).toBe('failed')
    expect(done.error).toBe(
      `${PREFIX}output path ${JSON.stringify(target)} is outside the system temp directory ${tmp}: start the ` +
        'simulator with a root (--root DIR, option root) or allow any path (--allow-any-path, option allowAnyPath)',
    )
    expect(readdirSync(outside)).toEqual([])
  })

  it('writes an absolute output path inside the system temp directory', async () => {
    const { tmp } = fakeTmp()
    const done = await exportTo({}, join(tmp, 'web-01'))
    expect(done.status).toBe('completed')
    expect(done.result?.output_files).toEqual([join(tmp, 'web-01', 'web-01-disk-0.vmdk')])
  })

  it('fails a job whose temp path leads out of the temp directory through a symbolic link', async () => {
    const { tmp, outside } = fakeTmp()
    symlinkSync(outside, join(tmp, 'link'))
    const done = await exportTo({}, join(tmp, 'link', 'web-01'))
    expect(done.status).toBe('failed')
    expect(done.error).toContain('leaves the system temp directory')
    expect(readdirSync(outside)).toEqual([])
  })

  it('writes anywhere with allowAnyPath, and relative paths under cwd', async () => {
    const { outside } = fakeTmp()
    const anywhere = await exportTo({ allowAnyPath: true }, join(outside, 'web-01'))
    expect(anywhere.status).toBe('completed')
    expect(existsSync(join(outside, 'web-01', 'web-01-disk-0.vmdk'))).toBe(true)
    await sim?.close()
    const relative = await exportTo({ cwd: outside }, 'rel')
    expect(relative.status).toBe('completed')
    expect(existsSync(join(outside, 'rel', 'web-01-disk-0.vmdk'))).toBe(true)
  })
})
