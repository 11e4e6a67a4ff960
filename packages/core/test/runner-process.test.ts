import { existsSync, readFileSync } from 'node:fs'
import { chmod, copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CommandFailedError, HyperctlNotInstalledError, OperationAbortedError } from '../src/errors.js'
import { createNodeExecutor, type ExecResult, nodeExecutor } from '../src/runner/executor.js'
import { HyperctlRunner } from '../src/runner/hyperctl-runner.js'
import { FAKE_HYPERCTL, FIXTURE_DIR, fakeSetup, goneWithin, isAlive } from './fake-hyperctl/harness.js'

describe('nodeExecutor', () => {
  let fake: Awaited<ReturnType<typeof fakeSetup>>
  beforeEach(async () => {
    fake = await fakeSetup()
  })
  afterEach(async () => {
    await fake.dispose()
  })

  it('returns the exact bytes of both streams and the exit code', async () => {
    const env = await fake.env({ status: { fixture: 'status-unauthorized' } })
    const result = await nodeExecutor.run(FAKE_HYPERCTL, ['status'], { env })
    expect(result.stdout.equals(readFileSync(join(FIXTURE_DIR, 'status-unauthorized.stdout')))).toBe(true)
    expect(result.stderr.equals(readFileSync(join(FIXTURE_DIR, 'status-unauthorized.stderr')))).toBe(true)
    expect(result).toMatchObject({
      exitCode: 1,
      signal: null,
      timedOut: false,
      aborted: false,
      truncated: false,
    })
  })

  it('passes every argument as one argv element and never runs a shell', async () => {
    const marker = join(fake.dir, 'marker')
    const args = [
      'status',
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `; touch ${marker}`,
      'a b',
      "'q'",
      '\n',
      '-x',
      'ü😀',
    ]
    const env = await fake.env({ status: { stdout: 'ok' } })
    const result = await nodeExecutor.run(FAKE_HYPERCTL, args, { env })
    expect(result.exitCode).toBe(0)
    expect(fake.records()[0]!.argv).toEqual(args)
    expect(existsSync(marker)).toBe(false)
  })

  it('ends a hanging child at the timeout and resolves only after it is gone', async () => {
    const env = await fake.env({ status: { hangMs: 60_000 } })
    const started = Date.now()
    const result = await nodeExecutor.run(FAKE_HYPERCTL, ['status'], { env, timeoutMs: 300 })
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(result).toMatchObject({ timedOut: true, aborted: false, exitCode: null })
    expect(isAlive(result.pid!)).toBe(false)
  })

  it('sends SIGKILL after the grace when the child ignores SIGTERM', async () => {
    const env = await fake.env({ status: { hangMs: 60_000, ignoreSigterm: true } })
    const controller = new AbortController()
    const running = createNodeExecutor({ killGraceMs: 200 }).run(FAKE_HYPERCTL, ['status'], {
      env,
      signal: controller.signal,
    })
    // the fake records itself only after it has installed its SIGTERM handler
    const [record] = await fake.started()
    controller.abort()
    const result = await running
    expect(result).toMatchObject({ aborted: true, signal: 'SIGKILL', exitCode: null })
    expect(isAlive(record!.pid)).toBe(false)
  })

  it('also ends a grandchild that holds the output pipes', async () => {
    const env = await fake.env({ status: { hangMs: 60_000, grandchild: true } })
    const controller = new AbortController()
    const running = nodeExecutor.run(FAKE_HYPERCTL, ['status'], { env, signal: controller.signal })
    const [record] = await fake.started()
    expect(isAlive(record!.grandchildPid!)).toBe(true)
    controller.abort()
    const result = await running
    expect(result.aborted).toBe(true)
    expect(isAlive(record!.pid)).toBe(false)
    expect(await goneWithin(record!.grandchildPid!)).toBe(true)
  })

  it('resolves at once as aborted without starting anything when the signal is already aborted', async () => {
    const env = await fake.env({ status: { stdout: 'ok' } })
    const result = await nodeExecutor.run(FAKE_HYPERCTL, ['status'], { env, signal: AbortSignal.abort() })
    expect(result).toMatchObject({ aborted: true, exitCode: null })
    expect(result.pid).toBeUndefined()
    expect(fake.records()).toEqual([])
  })

  it('keeps at most maxOutputBytes of a stream and says it cut the output', async () => {
    const env = await fake.env({ status: { stdout: 'x'.repeat(100_000) } })
    const result = await createNodeExecutor({ maxOutputBytes: 1000 }).run(FAKE_HYPERCTL, ['status'], { env })
    expect(result.truncated).toBe(true)
    expect(result.stdout.length).toBe(1000)
  })

  it('throws HyperctlNotInstalledError naming the path when the program does not exist', async () => {
    const missing = join(fake.dir, 'no-such-dir', 'hyperctl')
    const error = await nodeExecutor.run(missing, ['-version'], {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HyperctlNotInstalledError)
    expect((error as HyperctlNotInstalledError).path).toBe(missing)
    expect((error as Error).message).toContain(missing)
  })

  it('throws HyperctlNotInstalledError when a bare name is not on PATH', async () => {
    const error = await nodeExecutor
      .run('hyperctl-not-installed-anywhere', ['-version'], { env: { PATH: fake.dir } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HyperctlNotInstalledError)
  })

  it('throws HyperctlNotInstalledError for a file without execute permission and for a directory', async () => {
    const plain = join(fake.dir, 'hyperctl')
    await copyFile(FAKE_HYPERCTL, plain)
    await chmod(plain, 0o644)
    const directory = join(fake.dir, 'a-directory')
    await mkdir(directory)
    for (const path of [plain, directory]) {
      const error = await nodeExecutor.run(path, ['-version'], {}).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(HyperctlNotInstalledError)
      expect((error as HyperctlNotInstalledError).path).toBe(path)
    }
  })
})

describe('HyperctlRunner', () => {
  let fake: Awaited<ReturnType<typeof fakeSetup>>
  beforeEach(async () => {
    fake = await fakeSetup()
  })
  afterEach(async () => {
    await fake.dispose()
  })

  it('kills hyperctl and throws OperationAbortedError when the signal aborts', async () => {
    const runner = new HyperctlRunner({
      hyperctlPath: FAKE_HYPERCTL,
      env: await fake.env({ status: { hangMs: 60_000 } }),
    })
    const controller = new AbortController()
    const running = runner.checkDaemonStatus({ signal: controller.signal })
    const [record] = await fake.started()
    controller.abort()
    await expect(running).rejects.toBeInstanceOf(OperationAbortedError)
    expect(isAlive(record!.pid)).toBe(false)
  })

  it('uses the per-call timeout over the default one', async () => {
    const runner = new HyperctlRunner({
      hyperctlPath: FAKE_HYPERCTL,
      env: await fake.env({ query: { hangMs: 60_000 } }),
      commandTimeoutMs: 60_000,
    })
    const error = await runner.queryJobs({ all: true }, { timeoutMs: 300 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CommandFailedError)
    expect((error as Error).message).toBe('hyperctl query was killed after 300 ms without finishing')
  })

  it('throws HyperctlNotInstalledError naming the configured path', async () => {
    const missing = join(fake.dir, 'hyperctl')
    const runner = new HyperctlRunner({ hyperctlPath: missing })
    const error = await runner.version().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HyperctlNotInstalledError)
    expect((error as HyperctlNotInstalledError).path).toBe(missing)
  })

  it('runs HYPERCTL_PATH from its env when no path is given, and names it in target', async () => {
    const env = { ...(await fake.env({ '-version': { fixture: 'version' } })), HYPERCTL_PATH: FAKE_HYPERCTL }
    const runner = new HyperctlRunner({ env })
    expect(runner.target).toBe(`hyperctl (${FAKE_HYPERCTL}) → http://localhost:8080`)
    expect(runner.transport).toBe('cli')
    expect(await runner.version()).toEqual({ hyperctl: '0.0.1' })
  })

  it('throws CommandFailedError when hyperctl is ended by a signal it did not get from us', async () => {
    const result: ExecResult = {
      stdout: Buffer.alloc(0),
      stderr: Buffer.alloc(0),
      exitCode: null,
      signal: 'SIGSEGV',
      timedOut: false,
      aborted: false,
    }
    const runner = new HyperctlRunner({ hyperctlPath: 'hyperctl', executor: { run: async () => result } })
    await expect(runner.checkDaemonStatus()).rejects.toThrow('hyperctl status was ended by signal SIGSEGV')
  })
})
