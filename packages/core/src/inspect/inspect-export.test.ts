import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, mkdtemp, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { snapshotDirectory } from './export-files.js'
import { inspectExport } from './inspect-export.js'

let root: string
let dir: string

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'hx-inspect-'))
  dir = join(root, 'out')
  await mkdir(dir)
})
afterEach(async () => {
  await chmod(dir, 0o755).catch(() => {})
  await rm(root, { recursive: true, force: true })
})

const sha256sum = (path: string) => execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0]
const sha1sum = (path: string) => execFileSync('sha1sum', [path], { encoding: 'utf8' }).split(' ')[0]

function descriptor(disks: readonly { name: string; size: number }[]): string {
  const files = disks.map((d, i) => `<File ovf:href="${d.name}" ovf:id="file${i}" ovf:size="${d.size}"/>`)
  const section = disks.map((_, i) => `<Disk ovf:diskId="d${i}" ovf:fileRef="file${i}" ovf:capacity="1"/>`)
  return `<?xml version="1.0"?>\n<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><References>${files.join('')}</References><DiskSection><Info>d</Info>${section.join('')}</DiskSection></Envelope>\n`
}

/** A whole export of `web-01` with two disks of random bytes, as the web exporter lays it out. */
async function writeExport(sizes = [70_000, 3_000]) {
  const disks = sizes.map((size, i) => ({ name: `web-01-disk-${i}.vmdk`, size }))
  for (const d of disks) await writeFile(join(dir, d.name), randomBytes(d.size))
  await writeFile(join(dir, 'web-01.ovf'), descriptor(disks))
  return { ovf: join(dir, 'web-01.ovf'), disks: disks.map((d) => join(dir, d.name)) }
}

const request = (more: Partial<Parameters<typeof inspectExport>[0]> = {}) => ({
  directory: dir,
  vmPath: '/DC/vm/web-01',
  daemonFiles: [join(dir, 'web-01-disk-0.vmdk'), join(dir, 'web-01-disk-1.vmdk')],
  ...more,
})

describe('inspectExport', () => {
  it('lists the descriptor first, then every disk, each with the size and SHA-256 sha256sum gives', async () => {
    const { ovf, disks } = await writeExport()
    const inspection = await inspectExport(request())
    expect(inspection.problems).toEqual([])
    expect(inspection.verified).toBe(true)
    expect(inspection.files).toEqual(
      [
        { path: ovf, role: 'descriptor' },
        { path: disks[0]!, role: 'disk' },
        { path: disks[1]!, role: 'disk' },
      ].map((f) => ({
        ...f,
        size: Number(execFileSync('stat', ['-c', '%s', f.path], { encoding: 'utf8' })),
        sha256: sha256sum(f.path),
      })),
    )
  })

  it('finds the descriptor the daemon does not list, and other files carrying the VM name', async () => {
    await writeExport()
    await writeFile(join(dir, 'web-01.nvram'), 'nv')
    await writeFile(join(dir, 'unrelated.txt'), 'not ours')
    const inspection = await inspectExport(request())
    expect(inspection.files.map((f) => [f.path.slice(dir.length + 1), f.role])).toEqual([
      ['web-01.ovf', 'descriptor'],
      ['web-01-disk-0.vmdk', 'disk'],
      ['web-01-disk-1.vmdk', 'disk'],
      ['web-01.nvram', 'other'],
    ])
  })

  it('leaves out files that were there unchanged before the job was submitted', async () => {
    await writeFile(join(dir, 'web-01.log'), 'yesterday')
    const before = await snapshotDirectory(dir)
    await writeExport()
    const inspection = await inspectExport(request({ before }))
    expect(inspection.files.map((f) => f.role)).toEqual(['descriptor', 'disk', 'disk'])
  })

  it('names a disk cut short and the size the descriptor states', async () => {
    const { disks } = await writeExport()
    await truncate(disks[0]!, 1000)
    const inspection = await inspectExport(request())
    expect(inspection.verified).toBe(false)
    expect(inspection.problems).toEqual([
      { path: disks[0], problem: 'is 1000 bytes, the descriptor states 70000' },
    ])
  })

  it('names a missing disk, once, though both the descriptor and the daemon name it', async () => {
    const { disks } = await writeExport()
    await unlink(disks[1]!)
    const inspection = await inspectExport(request())
    expect(inspection.problems).toEqual([{ path: disks[1], problem: 'is missing' }])
    expect(inspection.files.map((f) => f.role)).toEqual(['descriptor', 'disk'])
  })

  it('names a missing descriptor', async () => {
    const { ovf } = await writeExport()
    await unlink(ovf)
    const inspection = await inspectExport(request())
    expect(inspection.verified).toBe(false)
    expect(inspection.problems).toEqual([{ path: ovf, problem: 'the OVF descriptor is missing' }])
  })

  it('names a descriptor that does not parse', async () => {
    const { ovf } = await writeExport()
    await writeFile(ovf, '<Envelope><References><File ovf:href="x"')
    const inspection = await inspectExport(request())
    expect(inspection.problems.map((p) => p.path)).toEqual([ovf])
    expect(inspection.problems[0]!.problem).toMatch(/^the OVF descriptor cannot be read \(not XML/)
  })

  it('names a file the daemon listed that is not there', async () => {
    await writeExport()
    const extra = join(dir, 'web-01-disk-2.vmdk')
    const inspection = await inspectExport(request({ daemonFiles: [extra, '/elsewhere/web-01-disk-3.vmdk'] }))
    expect(inspection.problems).toEqual([
      { path: extra, problem: 'listed by the daemon, but is missing' },
      { path: '/elsewhere/web-01-disk-3.vmdk', problem: 'listed by the daemon outside the output directory' },
    ])
  })

  it('refuses a reference that climbs out of the directory or is absolute', async () => {
    await writeFile(join(root, 'outside.vmdk'), 'x')
    await writeFile(
      join(dir, 'web-01.ovf'),
      descriptor([
        { name: '../outside.vmdk', size: 1 },
        { name: join(root, 'outside.vmdk'), size: 1 },
      ]),
    )
    const inspection = await inspectExport(request({ daemonFiles: [] }))
    expect(inspection.problems).toEqual([
      { path: join(dir, '../outside.vmdk'), problem: 'climbs out of the output directory (..)' },
      { path: join(dir, root, 'outside.vmdk'), problem: 'is an absolute path, outside the output directory' },
    ])
  })

  it('refuses a disk that is a symbolic link out of the directory, and one that is not a file', async () => {
    const { disks } = await writeExport([4, 4])
    await writeFile(join(root, 'elsewhere.vmdk'), 'abcd')
    await unlink(disks[0]!)
    await symlink(join(root, 'elsewhere.vmdk'), disks[0]!)
    await unlink(disks[1]!)
    await mkdir(disks[1]!)
    const inspection = await inspectExport(request({ daemonFiles: [] }))
    expect(inspection.problems).toEqual([
      {
        path: disks[0],
        problem: `resolves outside the output directory (to ${join(root, 'elsewhere.vmdk')})`,
      },
      { path: disks[1], problem: 'is not a regular file' },
    ])
  })

  it('accepts a symbolic link that stays inside the directory', async () => {
    const { disks } = await writeExport([4, 4])
    await writeFile(join(dir, 'real.bin'), 'abcd')
    await unlink(disks[0]!)
    await symlink('real.bin', disks[0]!)
    expect((await inspectExport(request())).problems).toEqual([])
  })

  it('checks the digests of a manifest as ovftool writes it, and names the file that differs', async () => {
    const { ovf, disks } = await writeExport()
    const mf = join(dir, 'web-01.mf')
    await writeFile(
      mf,
      `SHA1(web-01.ovf)= ${sha1sum(ovf)}\nSHA256(web-01-disk-0.vmdk)= ${sha256sum(disks[0]!)}\nSHA256(web-01-disk-1.vmdk)= ${sha256sum(disks[1]!)}\n`,
    )
    const whole = await inspectExport(request())
    expect(whole.problems).toEqual([])
    expect(whole.files.map((f) => f.role)).toEqual(['descriptor', 'disk', 'disk', 'manifest'])

    await writeFile(disks[1]!, randomBytes(3_000))
    const damaged = await inspectExport(request())
    expect(damaged.problems).toEqual([
      {
        path: disks[1],
        problem: `its SHA256 is ${sha256sum(disks[1]!)}, the manifest states ${whole.files[2]!.sha256}`,
      },
    ])
  })

  it('names a manifest that cannot be read and a file it names that is missing', async () => {
    await writeExport()
    await writeFile(join(dir, 'web-01.mf'), `SHA256(gone.vmdk)= ${'0'.repeat(64)}\n`)
    const missing = await inspectExport(request())
    expect(missing.problems).toEqual([
      { path: join(dir, 'gone.vmdk'), problem: 'named in the manifest, but is missing' },
    ])
    await writeFile(join(dir, 'web-01.mf'), 'garbage\n')
    const garbled = await inspectExport(request())
    expect(garbled.problems.map((p) => p.path)).toEqual([join(dir, 'web-01.mf')])
  })

  it('reports the daemon list unverified when the directory is not here, and checks nothing with verify off', async () => {
    const away = await inspectExport(request({ directory: join(root, 'not-here') }))
    expect(away).toMatchObject({ verified: false, problems: [] })
    expect(away.unverifiedReason).toContain('cannot be read here (ENOENT)')
    expect(away.files.map((f) => f.role)).toEqual(['disk', 'disk'])
    expect(away.files[0]).not.toHaveProperty('sha256')

    await writeExport()
    const off = await inspectExport(request({ verify: 'off' }))
    expect(off).toMatchObject({ verified: false, unverifiedReason: 'verification is off' })
  })

  it('lists an OVA export unverified instead of failing it for the descriptor inside the archive', async () => {
    await writeFile(join(dir, 'web-01.ova'), randomBytes(2048))
    const inspection = await inspectExport(request({ daemonFiles: [] }))
    expect(inspection).toMatchObject({ verified: false, problems: [] })
    expect(inspection.unverifiedReason).toBe('web-01.ova is an OVA archive; its contents are not checked')
    expect(inspection.files).toEqual([
      {
        path: join(dir, 'web-01.ova'),
        role: 'other',
        size: 2048,
        sha256: sha256sum(join(dir, 'web-01.ova')),
      },
    ])
  })

  it('counts a relative output directory as not readable here (it is relative to the daemon)', async () => {
    const inspection = await inspectExport(request({ directory: 'exports/web-01' }))
    expect(inspection.unverifiedReason).toBe("exports/web-01 is relative to the daemon's working directory")
  })

  it('stops hashing when the signal aborts', async () => {
    await writeExport()
    await expect(inspectExport(request({ signal: AbortSignal.abort() }))).rejects.toThrow('interrupted')
  })
})
