import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HYPERCTL_SIM, runCli, startCli } from './support/cli-process.js'
import { processesWithEnv, waitFor } from './support/processes.js'
import { startDaemon, type TestDaemon, VC_PASSWORD, vcenterArgs } from './support/sim.js'

let daemon: TestDaemon
/** The CLI's TMPDIR: hyperctl job files are made here and must be gone when it exits. */
let temp: string

beforeEach(async () => {
  daemon = await startDaemon()
  temp = await mkdtemp(join(tmpdir(), 'cli-rel-tmp-'))
})
afterEach(async () => {
  await daemon.stop()
  await rm(temp, { recursive: true, force: true })
})

type Transport = 'api' | 'cli'
const env = (extra: Record<string, string> = {}) => ({
  HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD,
  TMPDIR: temp,
  HYPERCTL_SIM_DAEMON_URL: daemon.url,
  ...extra,
})
const via = (transport: Transport) =>
  transport === 'api'
    ? ['--daemon-url', daemon.url, '--transport', 'api']
    : ['--daemon-url', daemon.url, '--transport', 'cli', '--hyperctl-path', HYPERCTL_SIM]

function exportArgs(transport: Transport, ...extra: string[]): string[] {
  return [
    'export',
    '/DC/vm/web-01',
    '--output',
    join(daemon.out, 'web-01'),
    ...via(transport),
    ...vcenterArgs(),
    '--poll-interval',
    '50ms',
    ...extra,
  ]
}

const submits = () =>
  daemon.sim.control.requests.filter((r) => r.method === 'POST' && r.path === '/jobs/submit')

describe('hyperctl-export export when the daemon fails', () => {
  it('waits through an outage in which the daemon keeps its jobs, submits once and exits 0', async () => {
    const run = startCli(exportArgs('api'), env())
    const [, id] = await run.waitForStderr(/submitted as job (\S+)/)
    await daemon.sim.control.goDown({ keepJobs: true })
    await run.waitForStderr(/daemon unreachable, retrying: .*could not be reached/)
    await daemon.sim.control.comeBack()
    daemon.sim.control.completeJob(id!)
    const result = await run.done

    expect(result.code).toBe(0)
    expect(result.stderr).toContain('daemon reachable again')
    expect(submits()).toHaveLength(1)
    expect(daemon.sim.control.jobs()).toHaveLength(1)
  })

  it.each<Transport>(['api', 'cli'])(
    'exits 1 naming the job as lost when the daemon restarts and forgets it (%s)',
    async (transport) => {
      const run = startCli(exportArgs(transport, '--json'), env())
      const [, id] = await run.waitForStderr(/submitted as job (\S+)/)
      daemon.sim.control.restart()
      const result = await run.done

      expect(result.code).toBe(1)
      const [job] = JSON.parse(result.stdout).jobs
      expect(job).toMatchObject({ jobId: id, status: 'lost', error: { kind: 'job-not-found' } })
      expect(job.error.message).toContain('disappeared from the daemon')
    },
  )

  it('exits 3 and still prints the job ID when the daemon starts refusing the key mid-wait', async () => {
    const run = startCli(exportArgs('api'), env())
    const [, id] = await run.waitForStderr(/submitted as job (\S+)/)
    daemon.sim.control.requireApiKey('a-key-we-do-not-have')
    const result = await run.done

    expect(result.code).toBe(3)
    expect(result.stdout).toContain(`job ${id}`)
    expect(result.stdout).toContain('refused the request (HTTP 401)')
    expect(result.stdout).toContain('--api-key (HYPERCTL_EXPORT_API_KEY)')
  })

  it.each<Transport>(['api', 'cli'])(
    'attaches to its job when the submit reply is lost, exits 0, and the daemon has one job (%s)',
    async (transport) => {
      daemon.sim.control.dropNextSubmitReply()
      const run = startCli(exportArgs(transport, '--json'), env())
      const [, id] = await run.waitForStderr(/submitted as job (\S+) \(already on the daemon; attached\)/)
      daemon.sim.control.completeJob(id!)
      const result = await run.done

      expect(result.code).toBe(0)
      expect(JSON.parse(result.stdout).jobs[0]).toMatchObject({
        jobId: id,
        status: 'completed',
        attached: true,
      })
      expect(submits()).toHaveLength(2)
      expect(daemon.sim.control.jobs()).toHaveLength(1)
    },
  )

  it.each<Transport>(['api', 'cli'])(
    'waits through 503 and 429 replies to its polls and exits 0 (%s)',
    async (transport) => {
      const run = startCli(exportArgs(transport), env())
      const [, id] = await run.waitForStderr(/submitted as job (\S+)/)
      daemon.sim.control.failNext(2, 503, { match: { path: '/jobs/query' } })
      daemon.sim.control.throttleNext(1, 1, { path: '/jobs/query' })
      await waitFor(
        () => daemon.sim.control.requests.filter((r) => r.path === '/jobs/query' && r.fault).length === 3,
        'the faulty replies to be sent',
      )
      daemon.sim.control.completeJob(id!)
      const result = await run.done

      expect(result.code).toBe(0)
      expect(submits()).toHaveLength(1)
    },
  )

  it('exits 3 and says how to set the key when the daemon refuses it, having created nothing', async () => {
    daemon.sim.control.requireApiKey('right-key-1234')
    const result = await runCli(exportArgs('api'), env({ HYPERVISORD_API_KEY: 'wrong-key-5678' }))

    expect(result.code).toBe(3)
    expect(result.stderr).toContain('refused the request (HTTP 401)')
    expect(result.stderr).toContain(
      'Set --api-key (HYPERCTL_EXPORT_API_KEY) to the key the daemon is configured with',
    )
    expect(submits()).toHaveLength(1)
    expect(daemon.sim.control.jobs()).toEqual([])
  })

  it('exits 1 naming the path and hyperctl-path when hyperctl is missing, before any request', async () => {
    const missing = join(temp, 'no-such-hyperctl')
    const result = await runCli(
      ['export', '/DC/vm/a', '-o', daemon.out, '--daemon-url', daemon.url, '--transport', 'cli'].concat([
        '--hyperctl-path',
        missing,
        ...vcenterArgs(),
      ]),
      env(),
    )

    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`hyperctl could not be run from "${missing}"`)
    expect(result.stderr).toContain('--hyperctl-path (HYPERCTL_EXPORT_HYPERCTL_PATH)')
    expect(daemon.sim.control.requests).toEqual([])
  })

  it('never exits 0 on garbled hyperctl output: the parse error shows the raw text, and the job ID of a submit it could not read', async () => {
    const garbled = env({ HYPERCTL_SIM_GARBLE: 'cut:30' })
    const result = await runCli(exportArgs('cli'), garbled)

    expect(result.code).toBe(1)
    const [job] = daemon.sim.control.jobs()
    expect(job).toBeDefined()
    // the submit reached the daemon but hyperctl's answer was cut: the job is reported, not dropped
    expect(result.stdout).toContain(`job ${job!.definition.id}`)
    expect(result.stdout).toContain('unknown')
    expect(result.stdout).toContain('hyperctl printed something we cannot read')

    const jobs = await runCli(['jobs', ...via('cli')], garbled)
    expect(jobs.code).toBe(1)
    expect(jobs.stderr).toMatch(/hyperctl printed something we cannot read as a query result.*"\\n# Jobs/)
    expect(await readdir(temp)).toEqual([])
  })
})

describe('hyperctl-export interrupted', () => {
  it('exits 130 within the runner window after SIGINT during a hanging hyperctl submit, cancels the job, and leaves no hyperctl process and no job file', async () => {
    const marker = `HYPERCTL_SIM_ARGV0=hx-rel-${process.pid}-${Date.now()}`
    const [name, value] = marker.split('=') as [string, string]
    // why: replies wait for the simulator's clock, which this test never moves: hyperctl hangs on its submit
    daemon.sim.control.delayReplies(60_000)
    const run = startCli(exportArgs('cli', '--cancel-on-interrupt', '--json'), env({ [name]: value }))
    const [pid] = await waitFor(() => {
      const found = processesWithEnv(marker).filter((p) => p !== run.child.pid)
      return found.length > 0 && daemon.sim.control.jobs().length === 1 ? found : undefined
    }, 'hyperctl to be waiting for its submit reply')
    daemon.sim.control.delayReplies(0)
    const sentAt = Date.now()
    run.child.kill('SIGINT')
    const result = await run.done
    const took = Date.now() - sentAt

    // why: a runner sends SIGTERM 7.5 s after SIGINT, then kills; the CLI must be done well before
    expect(took).toBeLessThan(7_500)
    expect(result.code).toBe(130)
    const [job] = JSON.parse(result.stdout).jobs
    expect(job).toMatchObject({ status: 'aborted', jobId: daemon.sim.control.jobs()[0]!.definition.id })
    expect(daemon.sim.control.jobs()[0]!.status).toBe('cancelled')
    await waitFor(() => !processesWithEnv(marker).includes(pid!), 'hyperctl to be gone', 5_000)
    expect(await readdir(temp)).toEqual([])
  })

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'exits 130 within the runner window after %s mid-wait, with the job cancelled (api)',
    async (signal) => {
      const run = startCli(exportArgs('api', '--cancel-on-interrupt'), env())
      const [, id] = await run.waitForStderr(/submitted as job (\S+)/)
      const sentAt = Date.now()
      run.child.kill(signal)
      const result = await run.done

      expect(Date.now() - sentAt).toBeLessThan(7_500)
      expect(result.code).toBe(130)
      expect(daemon.sim.control.job(id!)!.status).toBe('cancelled')
      expect(result.stdout).toContain(`job ${id}`)
    },
  )
})

describe('hyperctl-export with hostile input', () => {
  it('passes VM paths with spaces, quotes, backticks, $(), ;, newlines, unicode and a leading dash to the daemon unchanged and runs nothing', async () => {
    const markers = ['a', 'b', 'c'].map((m) => join(temp, `pwned-${m}`))
    const vmPaths = [
      '-vm /DC/vm/dash',
      `/DC/vm/web 01 'single' "double" \`touch ${markers[0]}\``,
      `/DC/vm/$(touch ${markers[1]}); touch ${markers[2]}`,
      '/DC/vm/ünïcødé 日本語 😀',
      '/DC/vm/line\nbreak',
    ]
    for (const transport of ['api', 'cli'] as const) {
      daemon.sim.control.restart()
      const result = await runCli(
        [
          'submit',
          '--output',
          join(daemon.out, transport),
          ...via(transport),
          ...vcenterArgs(),
          '--',
          ...vmPaths,
        ],
        env(),
      )
      expect(result.code, result.stderr).toBe(0)
      expect(daemon.sim.control.jobs().map((j) => j.definition.vm_path)).toEqual(vmPaths)
    }
    for (const marker of markers) expect(existsSync(marker), marker).toBe(false)
    expect(await readdir(temp)).toEqual([])
  })

  it('exits 2 naming the job file when it is missing or a directory, before any request', async () => {
    for (const file of [join(temp, 'missing.yaml'), temp]) {
      const result = await runCli(['export', '--job-file', file, ...via('api'), ...vcenterArgs()], env())
      expect(result.code).toBe(2)
      expect(result.stderr).toContain(`the job file ${file} cannot be read`)
    }
    expect(daemon.sim.control.requests).toEqual([])
  })

  it('exits 2 for a daemon URL that is not http(s), and for a job ID outside [A-Za-z0-9._-], before any request', async () => {
    for (const url of ['ftp://127.0.0.1:21', 'file:///etc/passwd', 'localhost:8080']) {
      const result = await runCli(['status', '--daemon-url', url], env())
      expect(result.code, url).toBe(2)
      expect(result.stderr).toMatch(/daemon URL/)
    }
    for (const id of ['a b', '$(id)', '../etc', 'a;b']) {
      const jobFile = JSON.stringify({ id, vm_path: '/DC/vm/a', output_path: '/exports/a' })
      const result = await runCli(
        ['export', '--job-file', '-', ...via('api'), ...vcenterArgs()],
        env(),
        jobFile,
      )
      expect(result.code, id).toBe(2)
      expect(result.stderr).toContain(`job ID ${JSON.stringify(id)} is not usable`)
    }
    expect(daemon.sim.control.requests).toEqual([])
  })
})
