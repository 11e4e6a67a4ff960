import { existsSync } from 'node:fs'
import { mkdir, readdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  AuthFailedError,
  CommandFailedError,
  DaemonError,
  HyperctlParseError,
  OperationAbortedError,
  UsageError,
} from '../src/errors.js'
import { prepareJobs, toJobDefinition } from '../src/jobs/job-definition.js'
import { nodeExecutor } from '../src/runner/executor.js'
import { HyperctlRunner } from '../src/runner/hyperctl-runner.js'
import type { JobSpec } from '../src/types.js'
import { FAKE_HYPERCTL, type FakeInvocation, fakeSetup, isAlive } from './fake-hyperctl/harness.js'

const PASSWORD = 'S3cr3t-$(pw)"quoted" pass'
const vcenter = { server: 'vcenter.example.com', username: 'exporter@vsphere.local', password: PASSWORD }

function spinnerFailure(message: string): string {
  return `\r▀  Submitting job(s)... (0s)\r${' '.repeat(80)}\r  ERROR   ${message}\n`
}

/** Every string an error carries, its own fields included. */
function everything(value: unknown): string {
  if (value instanceof Error) {
    return (
      JSON.stringify(value, [...Object.getOwnPropertyNames(value), 'cause']) +
      String(value) +
      everything(value.cause)
    )
  }
  return JSON.stringify(value) ?? ''
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error,
  )
}

describe('HyperctlRunner.submitJobs', () => {
  let fake: Awaited<ReturnType<typeof fakeSetup>>
  beforeEach(async () => {
    fake = await fakeSetup()
  })
  afterEach(async () => {
    await fake.dispose()
  })

  const runnerFor = async (
    script: Parameters<typeof fake.env>[0],
    options: { commandTimeoutMs?: number } = {},
  ) => new HyperctlRunner({ hyperctlPath: FAKE_HYPERCTL, env: await fake.env(script), ...options })

  function jobFileOf(record: FakeInvocation | undefined) {
    expect(record?.file?.error).toBeUndefined()
    return record!.file! as { path: string; content: string; mode: string; dirMode: string }
  }

  it('passes hostile VM paths and names to hyperctl unchanged in a job file and runs no shell', async () => {
    const markers = ['backtick', 'dollar', 'semicolon', 'name'].map((m) => join(fake.dir, `marker-${m}`))
    const jobs: JobSpec[] = [
      {
        id: 'hostile-1',
        vmPath: `/DC/vm/a b "c" 'd' \`touch ${markers[0]}\` $(touch ${markers[1]}); touch ${markers[2]}`,
        outputPath: '/exports/with space/$HOME',
        name: `-name --with-dashes\nsecond line $(touch ${markers[3]})`,
        vcenter,
      },
      {
        id: 'hostile-2',
        vmPath: '-vm /DC/vm/ünïcødé 日本語 😀 \\ | & > <',
        outputPath: '/exports/-output',
        name: '--help',
        vcenter,
      },
    ]
    const runner = await runnerFor({ submit: { submitEcho: {} } })
    const result = await runner.submitJobs(jobs)

    expect(result.jobs.map((j) => [j.id, j.accepted])).toEqual([
      ['hostile-1', true],
      ['hostile-2', true],
    ])
    const [record] = fake.records()
    const file = jobFileOf(record)
    expect(record!.argv).toEqual(['submit', '-file', file.path])
    expect(JSON.parse(file.content)).toEqual({ jobs: prepareJobs(jobs).map(toJobDefinition) })
    const written = JSON.parse(file.content).jobs as Array<{ vm_path: string; name: string }>
    expect(written.map((j) => j.vm_path)).toEqual(jobs.map((j) => j.vmPath))
    expect(written.map((j) => j.name)).toEqual(jobs.map((j) => j.name))
    for (const marker of markers) expect(existsSync(marker)).toBe(false)
    expect(record!.argv.join(' ')).not.toContain(PASSWORD)
    expect(everything(result)).not.toContain(PASSWORD)
  })

  it('writes the job file with mode 0600 in a 0700 directory and removes both afterwards', async () => {
    const runner = await runnerFor({ submit: { submitEcho: {} } })
    await runner.submitJobs([
      { id: 'job-1', vmPath: '/DC/vm/web-01', outputPath: '/exports/web-01', vcenter },
    ])
    const file = jobFileOf(fake.records()[0])
    expect(file.path).toMatch(/\.json$/)
    expect(file.mode).toBe('600')
    expect(file.dirMode).toBe('700')
    expect(JSON.parse(file.content).jobs[0].vcenter.password).toBe(PASSWORD)
    expect(existsSync(file.path)).toBe(false)
    expect(existsSync(dirname(file.path))).toBe(false)
  })

  it('runs hyperctl with colour off and a fixed locale', async () => {
    const runner = await runnerFor({ submit: { submitEcho: {} } })
    await runner.submitJobs([{ id: 'job-1', vmPath: '/DC/vm/web-01', outputPath: '/exports/web-01' }])
    expect(fake.records()[0]!.env).toEqual({
      NO_COLOR: '1',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      RUNEWIDTH_EASTASIAN: '0',
    })
  })

  it('makes the job directory under tempDir when one is given', async () => {
    const tempDir = join(fake.dir, 'own-temp')
    await mkdir(tempDir)
    const runner = new HyperctlRunner({
      hyperctlPath: FAKE_HYPERCTL,
      env: await fake.env({ submit: { submitEcho: {} } }),
      tempDir,
    })
    await runner.submitJobs([{ id: 'job-1', vmPath: '/DC/vm/web-01', outputPath: '/exports/web-01' }])
    expect(dirname(dirname(jobFileOf(fake.records()[0]).path))).toBe(tempDir)
  })

  it('throws UsageError naming the directory when tempDir cannot hold the job file', async () => {
    const tempDir = join(fake.dir, 'missing-dir')
    const runner = new HyperctlRunner({
      hyperctlPath: FAKE_HYPERCTL,
      env: await fake.env({ submit: { submitEcho: {} } }),
      tempDir,
    })
    const error = await rejection(
      runner.submitJobs([{ id: 'job-1', vmPath: '/DC/vm/a', outputPath: '/e/a' }]),
    )
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toContain(tempDir)
    expect(fake.records()).toEqual([])
  })

  it('removes the job file when hyperctl fails', async () => {
    const runner = await runnerFor({ submit: { fixture: 'submit-http-400' } })
    const error = await rejection(
      runner.submitJobs([{ id: 'job-1', vmPath: '/DC/vm/web-01', outputPath: '/exports/web-01', vcenter }]),
    )
    expect(error).toBeInstanceOf(DaemonError)
    const file = jobFileOf(fake.records()[0])
    expect(existsSync(dirname(file.path))).toBe(false)
  })

  it('kills hyperctl at the command timeout, rejects, and removes the job file', async () => {
    const tempDir = join(fake.dir, 'own-temp')
    await mkdir(tempDir)
    const pids: Array<number | undefined> = []
    const runner = new HyperctlRunner({
      hyperctlPath: FAKE_HYPERCTL,
      env: await fake.env({ submit: { hangMs: 60_000 } }),
      commandTimeoutMs: 300,
      tempDir,
      // why: the pid straight from the executor, since the fake may be killed before it records itself
      executor: {
        run: async (file, args, options) => {
          const result = await nodeExecutor.run(file, args, options)
          pids.push(result.pid)
          return result
        },
      },
    })
    const started = Date.now()
    const error = await rejection(
      runner.submitJobs([{ id: 'job-1', vmPath: '/DC/vm/web-01', outputPath: '/exports/web-01', vcenter }]),
    )
    const elapsed = Date.now() - started
    expect(error).toBeInstanceOf(CommandFailedError)
    expect((error as Error).message).toContain('killed after 300 ms')
    expect(everything(error)).not.toContain(PASSWORD)
    // the fake would hang for 60 s; SIGTERM ends it at once (well inside the 2 s SIGKILL grace)
    expect(elapsed).toBeLessThan(2_000)
    expect(pids).toHaveLength(1)
    expect(isAlive(pids[0]!)).toBe(false)
    expect(await readdir(tempDir)).toEqual([])
  })

  it('throws OperationAbortedError without writing a job file when the signal is already aborted', async () => {
    const runner = await runnerFor({ submit: { submitEcho: {} } })
    const controller = new AbortController()
    controller.abort()
    const error = await rejection(
      runner.submitJobs([{ id: 'job-1', vmPath: '/DC/vm/web-01', outputPath: '/exports/web-01' }], {
        signal: controller.signal,
      }),
    )
    expect(error).toBeInstanceOf(OperationAbortedError)
    expect(fake.records()).toEqual([])
  })

  it('gives a duplicate-ID rejection to the job it names, in input order', async () => {
    const runner = await runnerFor({ submit: { submitEcho: { reject: ['db-1'] } } })
    const result = await runner.submitJobs([
      { id: 'web-1', vmPath: '/DC/vm/web-01', outputPath: '/exports/web-01' },
      { id: 'db-1', vmPath: '/DC/vm/db-01', outputPath: '/exports/db-01' },
      { id: 'cache-1', vmPath: '/DC/vm/cache-01', outputPath: '/exports/cache-01' },
    ])
    expect(result.jobs).toEqual([
      { index: 0, id: 'web-1', vmPath: '/DC/vm/web-01', name: 'web-01', accepted: true, exportMethod: 'web' },
      {
        index: 1,
        id: 'db-1',
        vmPath: '/DC/vm/db-01',
        name: 'db-01',
        accepted: false,
        error: 'job with ID db-1 already exists',
        exportMethod: 'web',
      },
      {
        index: 2,
        id: 'cache-1',
        vmPath: '/DC/vm/cache-01',
        name: 'cache-01',
        accepted: true,
        exportMethod: 'web',
      },
    ])
  })

  it('warns about options the daemon ignores, naming the VM when there are several jobs', async () => {
    const runner = await runnerFor({ submit: { submitEcho: {} } })
    const one = await runner.submitJobs([
      { id: 'a', vmPath: '/DC/vm/a', outputPath: '/e/a', options: { parallelDownloads: 8 } },
    ])
    expect(one.warnings).toEqual([
      'parallel-downloads was passed to hypervisord, but this hypervisord stores it without using it',
    ])
    const several = await runner.submitJobs([
      { id: 'b', vmPath: '/DC/vm/b', outputPath: '/e/b', options: { removeCdrom: true } },
      { id: 'c', vmPath: '/DC/vm/c', outputPath: '/e/c' },
    ])
    expect(several.warnings).toEqual([
      '/DC/vm/b: remove-cdrom was passed to hypervisord, but this hypervisord stores it without using it',
    ])
  })

  it('throws HyperctlParseError when hyperctl lists an accepted ID that was not submitted', async () => {
    const stdout = ' SUCCESS  Accepted Jobs: 1\n INFO    - Job ID: 2545e058-b89e-4692-8e5d-47214a8ea293\n'
    const runner = await runnerFor({ submit: { stdout } })
    const error = await rejection(runner.submitJobs([{ id: 'ours', vmPath: '/DC/vm/a', outputPath: '/e/a' }]))
    expect(error).toBeInstanceOf(HyperctlParseError)
  })

  it('throws HyperctlParseError when hyperctl exits 0 with counts that do not cover the jobs', async () => {
    const stdout = ' SUCCESS  Accepted Jobs: 1\n INFO    - Job ID: a\n'
    const runner = await runnerFor({ submit: { stdout } })
    const error = await rejection(
      runner.submitJobs([
        { id: 'a', vmPath: '/DC/vm/a', outputPath: '/e/a' },
        { id: 'b', vmPath: '/DC/vm/b', outputPath: '/e/b' },
      ]),
    )
    expect(error).toBeInstanceOf(HyperctlParseError)
  })

  it('throws AuthFailedError when the daemon answers unauthorized', async () => {
    const runner = await runnerFor({
      submit: { stderr: spinnerFailure('Server error: unauthorized\n'), exitCode: 1 },
    })
    const error = await rejection(runner.submitJobs([{ id: 'a', vmPath: '/DC/vm/a', outputPath: '/e/a' }]))
    expect(error).toBeInstanceOf(AuthFailedError)
  })

  it('keeps the vCenter password out of every error when hyperctl prints it', async () => {
    const cases = [
      { stderr: spinnerFailure(`Server error: {"error":"login failed for ${PASSWORD}"}\n`), exitCode: 1 },
      // the daemon's JSON body quotes the password escaped (\"), and the error text is decoded from it
      {
        stderr: spinnerFailure(
          `Server error: ${JSON.stringify({ error: `login failed for ${PASSWORD}` })}\n`,
        ),
        exitCode: 1,
      },
      { stderr: spinnerFailure(`Something new: ${PASSWORD}`), exitCode: 1 },
      { stdout: `garbage ${PASSWORD}\n`, exitCode: 0 },
      { stdout: ` SUCCESS  Accepted Jobs: 1\n INFO    - Job ID: ${PASSWORD}\n`, exitCode: 0 },
      { stderr: `panic: ${PASSWORD}\n\ngoroutine 1 [running]:\n`, exitCode: 2 },
    ]
    for (const response of cases) {
      const runner = await runnerFor({ submit: response })
      const error = await rejection(
        runner.submitJobs([{ id: 'a', vmPath: '/DC/vm/a', outputPath: '/e/a', vcenter }]),
      )
      expect(error).toBeInstanceOf(Error)
      expect(everything(error)).not.toContain(PASSWORD)
      expect(everything(error)).toContain('***')
    }
  })

  it('throws UsageError before running hyperctl when a job is invalid', async () => {
    const runner = await runnerFor({ submit: { submitEcho: {} } })
    const error = await rejection(runner.submitJobs([{ id: 'a,b', vmPath: '/DC/vm/a', outputPath: '/e/a' }]))
    expect(error).toBeInstanceOf(UsageError)
    expect(fake.records()).toEqual([])
  })
})
