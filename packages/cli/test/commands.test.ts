import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closedPort, ESCAPE, runCli, startCli } from './support/cli-process.js'
import { startDaemon, type TestDaemon, VC_PASSWORD, vcenterArgs } from './support/sim.js'

let daemon: TestDaemon
const env = { HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD }

beforeEach(async () => {
  daemon = await startDaemon()
})
afterEach(async () => {
  await daemon.stop()
})

async function submit(...vms: string[]): Promise<string[]> {
  const result = await runCli(
    ['submit', ...vms, '--output', daemon.out, '--daemon-url', daemon.url, ...vcenterArgs()],
    env,
  )
  expect(result.code).toBe(0)
  return result.stdout.trim().split('\n')
}

describe('hyperctl-export submit', () => {
  it('prints one job ID per line on stdout and does not wait', async () => {
    const ids = await submit('/DC/vm/a', '/DC/vm/b')
    expect(ids).toHaveLength(2)
    expect(daemon.sim.control.jobs().map((j) => j.definition.id)).toEqual(ids)
    expect(daemon.sim.control.jobs().every((j) => j.status === 'pending')).toBe(true)
  })

  it('prints the jobs as JSON with --json', async () => {
    const result = await runCli(
      ['submit', '/DC/vm/a', '-o', daemon.out, '--daemon-url', daemon.url, ...vcenterArgs(), '--json'],
      env,
    )
    expect(result.code).toBe(0)
    const { jobs } = JSON.parse(result.stdout)
    expect(jobs).toEqual([expect.objectContaining({ vmPath: '/DC/vm/a', status: 'pending' })])
    expect(daemon.sim.control.job(jobs[0].jobId)).toBeDefined()
  })

  it('reads a YAML job file and fills the output path from --output, {name} included', async () => {
    const yaml = 'jobs:\n  - vm_path: /DC/vm/y1\n    id: y-one\n  - vm_path: /DC/vm/y2\n    id: y-two\n'
    const result = await runCli(
      [
        'submit',
        '--job-file',
        '-',
        '-o',
        join(daemon.out, '{name}'),
        '--daemon-url',
        daemon.url,
        ...vcenterArgs(),
      ],
      env,
      yaml,
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('y-one\ny-two\n')
    expect(daemon.sim.control.job('y-two')!.definition).toMatchObject({
      vm_path: '/DC/vm/y2',
      output_path: join(daemon.out, 'y2'),
    })
  })
})

describe('hyperctl-export status', () => {
  it('shows the version and the job counts', async () => {
    await submit('/DC/vm/a')
    const result = await runCli(['status', '--daemon-url', daemon.url])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('hypervisord 0.0.1')
    expect(result.stdout).toContain('1 total')
  })

  it('prints the daemon status as JSON', async () => {
    const result = await runCli(['status', '--daemon-url', daemon.url, '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ version: '0.0.1', totalJobs: 0, transport: 'api' })
  })

  it('exits 3 when the daemon is unreachable', async () => {
    const result = await runCli([
      'status',
      '--daemon-url',
      `http://127.0.0.1:${await closedPort()}`,
      '--timeout',
      '2s',
    ])
    expect(result.code).toBe(3)
    expect(result.stderr).toContain('could not be reached')
  })
})

describe('hyperctl-export jobs', () => {
  it('lists every job, or only those with the given statuses', async () => {
    const [a, b] = await submit('/DC/vm/a', '/DC/vm/b')
    daemon.sim.control.completeJob(a!)
    const all = await runCli(['jobs', '--daemon-url', daemon.url])
    expect(all.code).toBe(0)
    expect(all.stdout.split('\n')[0]).toMatch(/^ID +STATUS +PHASE +STARTED +NAME +VM$/)
    expect(all.stdout).toContain(a!)
    expect(all.stdout).toContain(b!)
    const done = await runCli(['jobs', '--status', 'completed', '--daemon-url', daemon.url, '--json'])
    expect(JSON.parse(done.stdout).jobs.map((j: { id: string }) => j.id)).toEqual([a])
  })
})

describe('hyperctl-export job', () => {
  it('shows one job in full, with its files, and exits 1 for an unknown ID', async () => {
    const [id] = await submit('/DC/vm/a')
    daemon.sim.control.completeJob(id!)
    const result = await runCli(['job', id!, '--daemon-url', daemon.url])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`^job +${id}$`, 'm'))
    expect(result.stdout).toMatch(/^status +completed$/m)
    expect(result.stdout).toContain('definition (secrets redacted)')
    expect(result.stdout).toContain('"password": "[redacted]"')
    const missing = await runCli(['job', 'no-such-job', '--daemon-url', daemon.url])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(`no job with ID no-such-job on ${daemon.url}`)
    expect(missing.stderr).not.toMatch(/restart/i)
  })

  it('prints the job as JSON with the definition redacted', async () => {
    const [id] = await submit('/DC/vm/a')
    daemon.sim.control.failJob(id!, 'export failed: boom')
    const result = await runCli(['job', id!, '--daemon-url', daemon.url, '--json'])
    const { job } = JSON.parse(result.stdout)
    expect(job).toMatchObject({ id, status: 'failed', error: 'export failed: boom' })
    expect(job.definition.vcenter.password).toBe('[redacted]')
  })
})

describe('hyperctl-export wait', () => {
  it('waits for jobs by ID and exits 0 when all complete, 1 when one fails', async () => {
    const [a, b] = await submit('/DC/vm/a', '/DC/vm/b')
    const run = startCli(['wait', a!, b!, '--daemon-url', daemon.url, '--poll-interval', '20ms', '--json'])
    await run.waitForStderr(new RegExp(`\\(${b}\\): pending`))
    daemon.sim.control.completeJob(a!)
    daemon.sim.control.failJob(b!, 'export failed: no space left')
    const result = await run.done
    expect(result.code).toBe(1)
    const { jobs } = JSON.parse(result.stdout)
    expect(jobs.map((j: { jobId: string; status: string }) => [j.jobId, j.status])).toEqual([
      [a, 'completed'],
      [b, 'failed'],
    ])
    expect(jobs[0].result.files.length).toBeGreaterThan(0)
  })

  it('exits 4 on --timeout and 130 with the jobs cancelled on SIGINT with --cancel-on-interrupt', async () => {
    const [id] = await submit('/DC/vm/a')
    const timedOut = await runCli([
      'wait',
      id!,
      '--daemon-url',
      daemon.url,
      '--poll-interval',
      '20ms',
      '--timeout',
      '200ms',
    ])
    expect(timedOut.code).toBe(4)
    const run = startCli([
      'wait',
      id!,
      '--daemon-url',
      daemon.url,
      '--poll-interval',
      '20ms',
      '--cancel-on-interrupt',
    ])
    await run.waitForStderr(/: pending/)
    run.child.kill('SIGINT')
    expect((await run.done).code).toBe(130)
    expect(daemon.sim.control.job(id!)!.status).toBe('cancelled')
  })
})

describe('hyperctl-export cancel', () => {
  it('cancels jobs, says that hypervisord only labels them, and exits 1 when one cannot be cancelled', async () => {
    const [a] = await submit('/DC/vm/a')
    const result = await runCli(['cancel', a!, '--daemon-url', daemon.url])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`cancelled ${a}\n`)
    expect(result.stderr).toContain('only labels a job cancelled')
    expect(daemon.sim.control.job(a!)!.status).toBe('cancelled')
    const again = await runCli(['cancel', a!, 'ghost', '--daemon-url', daemon.url, '--json'])
    expect(again.code).toBe(1)
    expect(JSON.parse(again.stdout)).toEqual({
      cancelled: [],
      failed: [
        { id: a, error: `job ${a} cannot be cancelled (status: cancelled)` },
        { id: 'ghost', error: 'job not found: ghost' },
      ],
    })
  })
})

describe('every command', () => {
  it('prints help with examples and the exit codes, and exits 0', async () => {
    for (const command of ['export', 'submit', 'status', 'jobs', 'job', 'wait', 'cancel', 'doctor']) {
      const result = await runCli([command, '--help'])
      expect(result.code, command).toBe(0)
      expect(result.stdout).toContain(`  hyperctl-export ${command}`)
      expect(result.stdout).toContain('Examples:')
      expect(result.stdout).toContain('Exit codes:')
      expect(result.stdout).toContain('4    timeout')
    }
    const version = await runCli(['--version'])
    expect(version.stdout).toMatch(/^hyperctl-export\/\d+\.\d+\.\d+/)
  })

  it('prints no escape code into a pipe, and no colour on a pipe even without NO_COLOR', async () => {
    const [id] = await submit('/DC/vm/\x1b[31mred')
    for (const args of [['status'], ['jobs'], ['job', id!], ['doctor']]) {
      const result = await runCli([...args, '--daemon-url', daemon.url])
      expect(`${result.stdout}${result.stderr}`, args.join(' ')).not.toMatch(ESCAPE)
    }
  })
})
