import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type HypervisordSim,
  type HypervisordSimOptions,
  startHypervisordSim,
} from '@hyperctl-export/simulator'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ActionHarness,
  type ActionRun,
  connection,
  type RunningAction,
  waitFor,
} from './support/action-harness.js'

// why: the simulator refuses absolute output paths outside the temp directory (it stays in its sandbox)
const E = join(tmpdir(), 'hx-action-e')

const VC_PASSWORD = 'vc-Pa55word-rel-4k2m'
const vcenter = {
  'vcenter-server': 'vc.example.test',
  'vcenter-username': 'exporter@vsphere.local',
  'vcenter-password': VC_PASSWORD,
}
type Transport = 'api' | 'cli'
const sims: HypervisordSim[] = []
const children: RunningAction[] = []

async function sim(options: HypervisordSimOptions = {}): Promise<HypervisordSim> {
  // why: a manual clock: jobs end only when a test says so, never by a race with a timer
  const started = await startHypervisordSim({ autoAdvance: false, stableOrder: true, ...options })
  sims.push(started)
  return started
}

async function start(harness: ActionHarness, inputs: Record<string, string>, env: Record<string, string>) {
  const running = await harness.start('main', { 'poll-interval': '50ms', ...vcenter, ...inputs }, { env })
  children.push(running)
  return running
}

async function acceptedIds(running: RunningAction, count = 1): Promise<string[]> {
  return waitFor(async () => {
    const ids = (await running.outputs())['job-ids']
    const parsed = ids ? (JSON.parse(ids) as string[]) : []
    return parsed.length === count ? parsed : undefined
  }, `${count} job ID(s) in GITHUB_OUTPUT`)
}

const errorLines = (run: ActionRun) => run.stdout.split('\n').filter((l) => l.startsWith('::error'))
const submits = (daemon: HypervisordSim) => daemon.control.requests.filter((r) => r.path === '/jobs/submit')

/** Live processes whose environment holds `marker` (Linux /proc; ours only). */
function processesWithEnv(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker)
      } catch {
        return false
      }
    })
    .map(Number)
}

afterEach(async () => {
  for (const c of children.splice(0))
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL')
  await Promise.all(sims.splice(0).map((s) => s.close()))
})

describe('dist/main/index.js when the daemon fails', () => {
  it('completes after an outage in which the daemon keeps its jobs, with one submit (api)', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection('api', daemon)
    const running = await start(harness, { ...inputs, 'vm-path': '/DC/vm/a', 'output-path': E }, env)
    const [id] = await acceptedIds(running)
    await daemon.control.goDown({ keepJobs: true })
    await waitFor(
      () => running.stdout().includes('the daemon does not answer, still trying'),
      'the outage line',
    )
    await daemon.control.comeBack()
    daemon.control.completeJob(id!)
    const run = await running.done

    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('completed')
    expect(run.stdout).toContain('the daemon answers again')
    expect(submits(daemon)).toHaveLength(1)
  })

  it.each<Transport>(['api', 'cli'])(
    'fails naming the lost job, with its ID in the outputs, when the daemon restarts and forgets it (%s)',
    async (transport) => {
      const daemon = await sim()
      const harness = await ActionHarness.create()
      const { inputs, env } = connection(transport, daemon)
      const running = await start(harness, { ...inputs, 'vm-path': '/DC/vm/a', 'output-path': E }, env)
      const [id] = await acceptedIds(running)
      daemon.control.restart()
      const run = await running.done

      expect(run.code).toBe(1)
      expect(run.outputs.status).toBe('failed')
      expect(JSON.parse(run.outputs.statuses!)).toEqual({ [id!]: 'lost' })
      expect(errorLines(run)[0]).toContain(`job ${id} disappeared from the daemon`)
    },
  )

  it.each<Transport>(['api', 'cli'])(
    'attaches to its job when the submit reply is lost, and the daemon ends up with one job (%s)',
    async (transport) => {
      const daemon = await sim()
      daemon.control.dropNextSubmitReply()
      const harness = await ActionHarness.create()
      const { inputs, env } = connection(transport, daemon)
      const running = await start(harness, { ...inputs, 'vm-path': '/DC/vm/a', 'output-path': E }, env)
      const [id] = await acceptedIds(running)
      daemon.control.completeJob(id!)
      const run = await running.done

      expect(run.code).toBe(0)
      expect(run.outputs.status).toBe('completed')
      expect(run.stdout).toContain('already on the daemon, attached')
      expect(submits(daemon)).toHaveLength(2)
      expect(daemon.control.jobs()).toHaveLength(1)
    },
  )

  it.each<Transport>(['api', 'cli'])(
    'completes through 503 and 429 replies to its polls (%s)',
    async (transport) => {
      const daemon = await sim()
      const harness = await ActionHarness.create()
      const { inputs, env } = connection(transport, daemon)
      const running = await start(harness, { ...inputs, 'vm-path': '/DC/vm/a', 'output-path': E }, env)
      const [id] = await acceptedIds(running)
      daemon.control.failNext(2, 503, { match: { path: '/jobs/query' } })
      daemon.control.throttleNext(1, 1, { path: '/jobs/query' })
      await waitFor(
        () => daemon.control.requests.filter((r) => r.path === '/jobs/query' && r.fault).length === 3,
        'the faulty replies',
      )
      daemon.control.completeJob(id!)
      const run = await running.done

      expect(run.code).toBe(0)
      expect(run.outputs.status).toBe('completed')
      expect(submits(daemon)).toHaveLength(1)
    },
  )

  it('fails without creating anything, saying how to set api-key, when the daemon refuses the key', async () => {
    const daemon = await sim({ apiKey: 'the-right-key-77' })
    const harness = await ActionHarness.create()
    const { inputs, env } = connection('api', daemon)
    const run = await (
      await start(
        harness,
        { ...inputs, 'api-key': 'a-wrong-key-88', 'vm-path': '/DC/vm/a', 'output-path': E },
        env,
      )
    ).done

    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('failed')
    expect(errorLines(run)[0]).toContain('refused the request (HTTP 401)')
    expect(errorLines(run)[0]).toContain('Set input api-key to the key the daemon is configured with')
    expect(daemon.control.jobs()).toEqual([])
  })

  it('fails naming hyperctl-path when hyperctl is missing, before any request', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection('cli', daemon)
    const missing = join(harness.dir, 'no-such-hyperctl')
    const run = await (
      await start(
        harness,
        { ...inputs, 'hyperctl-path': missing, 'vm-path': '/DC/vm/a', 'output-path': E },
        env,
      )
    ).done

    expect(run.code).toBe(1)
    expect(errorLines(run)[0]).toContain(`hyperctl could not be run from "${missing}"`)
    expect(errorLines(run)[0]).toContain('point input hyperctl-path at the executable')
    expect(daemon.control.requests).toEqual([])
  })

  it('never reports completed on garbled hyperctl output; the job it could not read is published as unknown', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection('cli', daemon, { HYPERCTL_SIM_GARBLE: 'cut:30' })
    const run = await (await start(harness, { ...inputs, 'vm-path': '/DC/vm/a', 'output-path': E }, env)).done

    const [job] = daemon.control.jobs()
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('failed')
    expect(JSON.parse(run.outputs.statuses!)).toEqual({ [job!.definition.id]: 'unknown' })
    expect(JSON.parse(run.outputs['job-ids']!)).toEqual([job!.definition.id])
    expect(errorLines(run)[0]).toContain('hyperctl printed something we cannot read')
  })
})

describe('dist/main/index.js interrupted', () => {
  it('exits 130 within 7.5 s of SIGINT during a hanging hyperctl submit: the job cancelled, no hyperctl process and no job file left, post removes the temp directory', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const marker = `HYPERCTL_SIM_ARGV0=hx-action-rel-${process.pid}-${Date.now()}`
    const [name, value] = marker.split('=') as [string, string]
    const { inputs, env } = connection('cli', daemon, { [name]: value })
    const stepInputs = { ...inputs, 'vm-path': '/DC/vm/a', 'output-path': E }
    // why: replies wait for the simulator's clock, which this test never moves: hyperctl hangs on its submit
    daemon.control.delayReplies(60_000)
    const running = await start(harness, stepInputs, env)
    const [pid] = await waitFor(() => {
      const found = processesWithEnv(marker).filter((p) => p !== running.pid)
      return found.length > 0 && daemon.control.jobs().length === 1 ? found : undefined
    }, 'hyperctl to be waiting for its submit reply')
    daemon.control.delayReplies(0)
    const sentAt = Date.now()
    process.kill(running.pid, 'SIGINT')
    const main = await running.done

    // why: the runner sends SIGTERM 7.5 s after SIGINT, then kills the process tree
    expect(Date.now() - sentAt).toBeLessThan(7_500)
    expect(main.code).toBe(130)
    expect(main.outputs.status).toBe('cancelled')
    const id = daemon.control.jobs()[0]!.definition.id
    expect(JSON.parse(main.outputs.statuses!)).toEqual({ [id]: 'aborted' })
    expect(daemon.control.job(id)!.status).toBe('cancelled')
    await waitFor(() => !processesWithEnv(marker).includes(pid!), 'hyperctl to be gone', 5_000)
    const tempDir = main.state['temp-dir']!
    expect(await readdir(tempDir, { recursive: true })).toEqual([])

    const post = await harness.run('post', stepInputs, { env, state: main.state })
    expect(post.code).toBe(0)
    expect(existsSync(tempDir)).toBe(false)
  })

  it('exits 130 within 7.5 s of SIGTERM mid-wait with the job cancelled (cli)', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection('cli', daemon)
    const running = await start(harness, { ...inputs, 'vm-path': '/DC/vm/a', 'output-path': E }, env)
    const [id] = await acceptedIds(running)
    const sentAt = Date.now()
    process.kill(running.pid, 'SIGTERM')
    const main = await running.done

    expect(Date.now() - sentAt).toBeLessThan(7_500)
    expect(main.code).toBe(130)
    expect(daemon.control.job(id!)!.status).toBe('cancelled')
  })
})

describe('dist/main/index.js with hostile input', () => {
  it('passes VM paths with spaces, quotes, backticks, $(), ;, unicode and a leading dash to the daemon unchanged and runs nothing', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const markers = ['a', 'b', 'c'].map((m) => join(harness.dir, `pwned-${m}`))
    const vmPaths = [
      '-vm /DC/vm/dash',
      `/DC/vm/web 01 'single' "double" \`touch ${markers[0]}\``,
      `/DC/vm/$(touch ${markers[1]}); touch ${markers[2]}`,
      '/DC/vm/ünïcødé 日本語 😀',
    ]
    // a newline cannot be in a vm-paths line; a job file carries it
    const jobFile = join(harness.workspace, 'jobs.json')
    await writeFile(
      jobFile,
      JSON.stringify({ jobs: [{ vm_path: '/DC/vm/line\nbreak', output_path: join(E, 'nl') }] }),
    )
    for (const transport of ['api', 'cli'] as const) {
      daemon.control.restart()
      const { inputs, env } = connection(transport, daemon)
      const byLine = await harness.run(
        'main',
        { ...inputs, ...vcenter, 'vm-paths': vmPaths.join('\n'), 'output-path': E, wait: 'false' },
        { env },
      )
      const byFile = await harness.run(
        'main',
        { ...inputs, ...vcenter, 'job-file': 'jobs.json', wait: 'false' },
        { env },
      )
      expect([byLine.code, byFile.code], byLine.stdout + byFile.stdout).toEqual([0, 0])
      expect(daemon.control.jobs().map((j) => j.definition.vm_path)).toEqual([
        ...vmPaths,
        '/DC/vm/line\nbreak',
      ])
    }
    for (const marker of markers) expect(existsSync(marker), marker).toBe(false)
  })

  it('fails before any request for a daemon URL that is not http(s), an unreadable job file, or a job ID outside [A-Za-z0-9._-]', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    await writeFile(
      join(harness.workspace, 'bad-id.json'),
      JSON.stringify({ id: '$(id) x', vm_path: '/DC/vm/a', output_path: E }),
    )
    const cases: Array<[Record<string, string>, string]> = [
      [
        { 'daemon-url': 'ftp://127.0.0.1:21', 'vm-path': '/DC/vm/a', 'output-path': E },
        'input daemon-url: daemon URL must',
      ],
      [
        { 'daemon-url': 'file:///etc/passwd', 'vm-path': '/DC/vm/a', 'output-path': E },
        'input daemon-url: daemon URL must',
      ],
      [
        { 'daemon-url': daemon.url, 'job-file': 'missing.yaml' },
        `the job file ${join(harness.workspace, 'missing.yaml')} cannot be read (ENOENT)`,
      ],
      [
        { 'daemon-url': daemon.url, 'job-file': '.' },
        `the job file ${harness.workspace} cannot be read (EISDIR)`,
      ],
      [{ 'daemon-url': daemon.url, 'job-file': 'bad-id.json' }, 'job ID "$(id) x" is not usable'],
    ]
    const runs = await Promise.all(
      cases.map(([given]) => harness.run('main', { ...vcenter, transport: 'api', ...given })),
    )
    runs.forEach((run, i) => {
      expect(run.code).toBe(1)
      expect(errorLines(run)[0]).toContain(cases[i]![1])
      expect(run.outputs.status).toBe('failed')
    })
    expect(daemon.control.requests).toEqual([])
  })
})
