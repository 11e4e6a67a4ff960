import { HypervisordClient } from '@hyperctl-export/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HYPERCTL_SIM, runCli, startCli } from './support/cli-process.js'
import { startDaemon, type TestDaemon, VC_PASSWORD } from './support/sim.js'

let daemon: TestDaemon
let api: string[]

beforeEach(async () => {
  daemon = await startDaemon()
  api = ['--transport', 'api', '--daemon-url', daemon.url]
})
afterEach(async () => {
  await daemon.stop()
})

const vcenter = { server: 'vcenter.test.invalid', username: 'exporter@vsphere.local', password: VC_PASSWORD }

/** Puts jobs with these IDs on the simulator through the REST API. */
async function seed(...ids: string[]): Promise<void> {
  const client = new HypervisordClient({ daemonUrl: daemon.url, env: {} })
  const result = await client.submitJobs(
    ids.map((id, i) => ({ id, name: `vm-${i}`, vmPath: `/DC/vm/vm-${i}`, outputPath: daemon.out, vcenter })),
  )
  expect(result.jobs.every((j) => j.accepted)).toBe(true)
}

describe('short job IDs', () => {
  const full = '5f0c2a9e-7d41-4c3b-9a8e-2b6d1f0e4c7a'
  const other = '5f0c9999-0000-4000-8000-000000000000'

  it('job, wait and cancel take the 8-character prefix hyperctl shows and print the full ID', async () => {
    await seed(full, other)
    const prefix = full.slice(0, 8)

    const job = await runCli(['job', prefix, '--json', ...api], {})
    expect(job.code).toBe(0)
    expect(JSON.parse(job.stdout).job.id).toBe(full)

    daemon.sim.control.completeJob(full)
    const wait = await runCli(['wait', prefix, '--json', '--poll-interval', '20ms', ...api], {})
    expect(wait.code).toBe(0)
    expect(JSON.parse(wait.stdout).jobs[0]).toMatchObject({ jobId: full, status: 'completed' })

    const cancel = await runCli(['cancel', other.slice(0, 8), ...api], {})
    expect(cancel.code).toBe(0)
    expect(cancel.stdout).toBe(`cancelled ${other}\n`)
    expect(daemon.sim.control.job(other)?.status).toBe('cancelled')
    expect(daemon.sim.control.job(full)?.status).toBe('completed')
  })

  it('an ambiguous 4-character prefix lists every candidate and exits 2, touching no job', async () => {
    await seed(full, other)
    for (const command of ['job', 'wait', 'cancel']) {
      const result = await runCli([command, '5f0c', ...api], {})
      expect(result.code).toBe(2)
      expect(result.stderr).toContain(`${full} (vm-0, pending)`)
      expect(result.stderr).toContain(`${other} (vm-1, pending)`)
    }
    expect(daemon.sim.control.jobs().map((j) => j.status)).toEqual(['pending', 'pending'])
  })

  it('cli transport: an ambiguous 4-character prefix lists the candidates and exits 2; an 8-character one that only a cut hyperctl cell matches says to use the api transport', async () => {
    await seed(full, other)
    const cli = ['--transport', 'cli', '--hyperctl-path', HYPERCTL_SIM, '--daemon-url', daemon.url]
    const env = { HYPERCTL_SIM_DAEMON_URL: daemon.url }
    for (const command of ['job', 'wait', 'cancel']) {
      const ambiguous = await runCli([command, '5f0c', ...cli], env)
      expect(ambiguous.code).toBe(2)
      expect(ambiguous.stderr).toContain('5f0c2a9e… (vm-0, pending)')
      expect(ambiguous.stderr).toContain('5f0c9999… (vm-1, pending)')
      const cut = await runCli([command, full.slice(0, 8), ...cli], env)
      expect(cut.code).toBe(2)
      expect(cut.stderr).toContain('hyperctl shows only the first 8 characters of a job ID')
      expect(cut.stderr).toMatch(/hint: Set --transport \(HYPERCTL_EXPORT_TRANSPORT\) to api/)
    }
    expect(daemon.sim.control.jobs().map((j) => j.status)).toEqual(['pending', 'pending'])
  })

  it('a whole ID wins over being the start of a longer one', async () => {
    await seed('build-1234', 'build-12345')
    const result = await runCli(['job', 'build-1234', '--json', ...api], {})
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout).job.id).toBe('build-1234')
  })
})

describe('unknown vs lost', () => {
  it('wait <an ID the daemon never had> reports unknown (exit 1) and never speaks of a restart', async () => {
    const result = await runCli(['wait', 'never-seen-id', '--poll-interval', '20ms', ...api], {})
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('unknown')
    expect(result.stdout).toContain(`no job with ID never-seen-id on ${daemon.url}`)
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/restart/i)
  })

  it('a job seen and then forgotten by a daemon restart is lost', async () => {
    await seed('lost-job-1')
    const run = startCli(['wait', 'lost-job-1', '--poll-interval', '20ms', ...api], {})
    await run.waitForStderr(/lost-job-1.*pending/)
    daemon.sim.control.restart()
    const result = await run.done
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('lost')
    expect(result.stdout).toMatch(/the daemon (restarted: it has been up for|dropped jobs: it holds 0 job)/)
  })
})
