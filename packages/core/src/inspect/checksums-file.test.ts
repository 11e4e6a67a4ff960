import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeChecksumsFile } from './checksums-file.js'
import { digestFile } from './file-digest.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hx-sums-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('writeChecksumsFile', () => {
  it('writes a SHA256SUMS that sha256sum -c accepts, odd names included', async () => {
    const names = ['web-01.ovf', 'disk with space.vmdk', 'back\\slash.vmdk', 'new\nline.vmdk', 'sub/d.vmdk']
    await mkdir(join(dir, 'sub'))
    const files = []
    for (const [i, name] of names.entries()) {
      await writeFile(join(dir, name), `content ${i}`)
      files.push({ path: join(dir, name), sha256: (await digestFile(join(dir, name))).digests.sha256 })
    }
    files.push({ path: '/elsewhere/x.vmdk', sha256: '0'.repeat(64) })
    const written = await writeChecksumsFile(dir, files)
    expect(written).toBe(join(dir, 'SHA256SUMS'))
    const out = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })
    expect(out.trim().split('\n')).toHaveLength(names.length)
    expect(out).not.toContain('FAILED')
  })

  it('writes lines sha256sum -c rejects when a file changed afterwards', async () => {
    await writeFile(join(dir, 'a.vmdk'), 'one')
    await writeChecksumsFile(dir, [
      { path: join(dir, 'a.vmdk'), sha256: (await digestFile(join(dir, 'a.vmdk'))).digests.sha256 },
    ])
    await writeFile(join(dir, 'a.vmdk'), 'two')
    expect(() => execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, stdio: 'pipe' })).toThrow()
    expect(await readFile(join(dir, 'SHA256SUMS'), 'utf8')).toMatch(/^[0-9a-f]{64} {2}a\.vmdk\n$/)
  })
})

describe('digestFile', () => {
  it('gives the SHA-256 and SHA-1 sha256sum and sha1sum give, over several read chunks', async () => {
    const path = join(dir, 'big.bin')
    const data = Buffer.alloc(3 * 1024 * 1024 + 17)
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff
    await writeFile(path, data)
    const result = await digestFile(path, { algorithms: ['sha1'] })
    expect(result.size).toBe(data.length)
    expect(result.digests.sha256).toBe(execFileSync('sha256sum', [path], { encoding: 'utf8' }).slice(0, 64))
    expect(result.digests.sha1).toBe(execFileSync('sha1sum', [path], { encoding: 'utf8' }).slice(0, 40))
  })
})
