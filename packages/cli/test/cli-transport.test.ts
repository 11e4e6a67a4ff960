import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ESCAPE, HYPERCTL_SIM, runCli, startCli } from './support/cli-process.js'
import { startDaemon, type TestDaemon, VC_PASSWORD, vcenterArgs } from './support/sim.js'

let daemon: TestDaemon
let env: NodeJS.ProcessEnv
let cli: string[]

// why: hyperctl-sim plays the real hyperctl (which only ever talks to localhost:8080); this documented
// test knob points it at the simulator, and createBackend then accepts the cli transport for that URL
beforeEach(async () => {
  daemon = await startDaemon()
  env = { HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD, HYPERCTL_SIM_DAEMON_URL: daemon.url }
  cli = ['--transport', 'cli', '--hyperctl-path', HYPERCTL_SIM, '--daemon-url', daemon.url]
})
afterEach(async () => {
  await daemon.stop()
})

describe('the cli transport (hyperctl)', () => {
  it('exports through hyperctl submit -file and reports the completed job', async () => {
    const run = startCli(
      [
        'export',
        '/DC/vm/web-01',
        '-o',
        daemon.out,
        ...vcenterArgs(),
        '--poll-interval',
        '20ms',
        '--json',
        ...cli,
      ],
      env,
    )
    const [, jobId] = await run.waitForStderr(/submitted as job (\S+)/)
    expect(daemon.sim.control.requests.some((r) => r.path === '/jobs/submit')).toBe(true)
    daemon.sim.control.completeJob(jobId!)
    const result = await run.done
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout).jobs[0]).toMatchObject({
      jobId,
      vmPath: '/DC/vm/web-01',
      status: 'completed',
    })
    expect(result.stderr).not.toMatch(ESCAPE)
  })

  it('exits 1 when the job fails, though hyperctl cannot show the error text', async () => {
    const run = startCli(
      ['export', '/DC/vm/a', '-o', daemon.out, ...vcenterArgs(), '--poll-interval', '20ms', ...cli],
      env,
    )
    const [, jobId] = await run.waitForStderr(/submitted as job (\S+)/)
    daemon.sim.control.failJob(jobId!, 'export failed: boom')
    const result = await run.done
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`job ${jobId} failed`)
  })

  it('runs submit, status, jobs, job, wait and cancel through hyperctl', async () => {
    const submitted = await runCli(
      ['submit', '/DC/vm/a', '/DC/vm/b', '-o', daemon.out, ...vcenterArgs(), ...cli],
      env,
    )
    expect(submitted.code).toBe(0)
    const [a, b] = submitted.stdout.trim().split('\n')
    expect(daemon.sim.control.jobs().map((j) => j.definition.id)).toEqual([a, b])

    const status = await runCli(['status', '--json', ...cli], env)
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout)).toMatchObject({ totalJobs: 2, transport: 'cli' })

    const jobs = await runCli(['jobs', '--json', ...cli], env)
    expect(jobs.code).toBe(0)
    expect(JSON.parse(jobs.stdout).jobs).toHaveLength(2)

    const job = await runCli(['job', a!, ...cli], env)
    expect(job.code).toBe(0)
    expect(job.stdout).toMatch(/^status +pending$/m)
    expect(job.stdout).toContain('hyperctl does not print it')

    const cancelled = await runCli(['cancel', b!, ...cli], env)
    expect(cancelled.code).toBe(0)
    expect(daemon.sim.control.job(b!)!.status).toBe('cancelled')

    const run = startCli(['wait', a!, '--poll-interval', '20ms', ...cli], env)
    await run.waitForStderr(/: pending/)
    daemon.sim.control.completeJob(a!)
    expect((await run.done).code).toBe(0)
  })

  it('exits 2 when the cli transport is asked for with an API key (hyperctl cannot send one)', async () => {
    const result = await runCli(['status', ...cli], { ...env, HYPERVISORD_API_KEY: 'key-0000-1111' })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('cannot be used with an API key')
  })
})
