import { chmod, copyFile, mkdir, symlink } from 'node:fs/promises'
import { delimiter, dirname, join, relative } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { detectHyperctl } from '../src/runner/detect-hyperctl.js'
import { FAKE_HYPERCTL, type FakeResponse, fakeSetup } from './fake-hyperctl/harness.js'

// why: the fake's `#!/usr/bin/env node` needs node on the PATH we hand it
const NODE_DIR = dirname(process.execPath)

describe('detectHyperctl', () => {
  let fake: Awaited<ReturnType<typeof fakeSetup>>
  beforeEach(async () => {
    fake = await fakeSetup()
  })
  afterEach(async () => {
    await fake.dispose()
  })

  const envWith = async (
    path: string[],
    script: Record<string, FakeResponse> = { '-version': { fixture: 'version' } },
  ) => ({
    ...(await fake.env(script)),
    PATH: [...path, NODE_DIR].join(delimiter),
  })

  it('reports the version of an absolute path', async () => {
    const result = await detectHyperctl({ hyperctlPath: FAKE_HYPERCTL, env: await envWith([]) })
    expect(result).toEqual({ installed: true, path: FAKE_HYPERCTL, version: '0.0.1' })
    expect(fake.records().map((r) => r.argv)).toEqual([['-version']])
  })

  it('resolves a relative path against the working directory', async () => {
    const path = relative(process.cwd(), FAKE_HYPERCTL)
    const result = await detectHyperctl({
      hyperctlPath: path.includes('/') ? path : `./${path}`,
      env: await envWith([]),
    })
    expect(result).toEqual({ installed: true, path: FAKE_HYPERCTL, version: '0.0.1' })
  })

  it('finds hyperctl on PATH, passing over a directory and a non-executable file of that name', async () => {
    const [withDirectory, withPlainFile, withProgram] = ['bin-a', 'bin-b', 'bin-c'].map((d) =>
      join(fake.dir, d),
    )
    await mkdir(join(withDirectory!, 'hyperctl'), { recursive: true })
    await mkdir(withPlainFile!)
    await copyFile(FAKE_HYPERCTL, join(withPlainFile!, 'hyperctl'))
    await chmod(join(withPlainFile!, 'hyperctl'), 0o644)
    await mkdir(withProgram!)
    await symlink(FAKE_HYPERCTL, join(withProgram!, 'hyperctl'))
    const result = await detectHyperctl({
      env: await envWith([withDirectory!, withPlainFile!, withProgram!]),
    })
    expect(result).toEqual({ installed: true, path: join(withProgram!, 'hyperctl'), version: '0.0.1' })
  })

  it('uses HYPERCTL_PATH from the environment', async () => {
    const env = { ...(await envWith([])), HYPERCTL_PATH: FAKE_HYPERCTL }
    expect(await detectHyperctl({ env })).toMatchObject({ installed: true, path: FAKE_HYPERCTL })
  })

  it('reports not installed with the reason when hyperctl is on no PATH directory', async () => {
    const result = await detectHyperctl({ env: await envWith([fake.dir]) })
    expect(result.installed).toBe(false)
    expect(result.path).toBeUndefined()
    expect(result.error).toMatch(/hyperctl was not found on PATH/)
  })

  it('reports not installed, with the path, when the given file is not executable or missing', async () => {
    const plain = join(fake.dir, 'hyperctl')
    await copyFile(FAKE_HYPERCTL, plain)
    await chmod(plain, 0o644)
    expect(await detectHyperctl({ hyperctlPath: plain, env: await envWith([]) })).toEqual({
      installed: false,
      path: plain,
      error: `${plain} is not executable`,
    })
    const missing = join(fake.dir, 'missing')
    expect(await detectHyperctl({ hyperctlPath: missing, env: await envWith([]) })).toEqual({
      installed: false,
      path: missing,
      error: `${missing} does not exist`,
    })
    expect(fake.records()).toEqual([])
  })

  it('reports not installed, with the path, when the program answers -version with something else', async () => {
    const env = await envWith([], { '-version': { stdout: 'Usage: something else\n', exitCode: 0 } })
    const result = await detectHyperctl({ hyperctlPath: FAKE_HYPERCTL, env })
    expect(result.installed).toBe(false)
    expect(result.path).toBe(FAKE_HYPERCTL)
    expect(result.error).toMatch(/cannot read as/)
  })

  it('reports not installed when -version does not answer within the timeout', async () => {
    const env = await envWith([], { '-version': { hangMs: 60_000 } })
    const result = await detectHyperctl({ hyperctlPath: FAKE_HYPERCTL, env, timeoutMs: 300 })
    expect(result).toMatchObject({ installed: false, path: FAKE_HYPERCTL })
    expect(result.error).toContain('killed after 300 ms')
  })
})
