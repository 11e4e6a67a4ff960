import { execFileSync } from 'node:child_process'
import { accessSync, constants, existsSync, rmSync, statSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  type HypervisordSim,
  type HypervisordSimOptions,
  type SimExportDamage,
  startHypervisordSim,
} from '@hyperctl-export/simulator'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type StallServer, startStallServer } from '../../core/test/support/stall-server.js'
import {
  ActionHarness,
  type ActionRun,
  connection,
  hyperctlSimPath,
  type RunningAction,
  waitFor,
} from './support/action-harness.js'

// why: the simulator refuses absolute output paths outside the temp directory (it stays in its sandbox)
const E = join(tmpdir(), 'hx-action-e')

const VC_PASSWORD = 'vc-Pa55word-e2e-7f3k'
const API_KEY = 'api-key-e2e-9q2w8x'
const vcenter = {
  'vcenter-server': 'vc.example.test',
  'vcenter-username': 'exporter@vsphere.local',
  'vcenter-password': VC_PASSWORD,
}
const sims: HypervisordSim[] = []
const stalls: StallServer[] = []
const children: RunningAction[] = []

async function sim(options: HypervisordSimOptions = {}): Promise<HypervisordSim> {
  // why: jobs end only when a test says so (control.completeJob/failJob), never by a race with a timer
  const started = await startHypervisordSim({ jobDurationMs: 3_600_000, stableOrder: true, ...options })
  sims.push(started)
  return started
}

async function start(harness: ActionHarness, inputs: Record<string, string>, env: Record<string, string>) {
  const running = await harness.start('main', inputs, { env })
  children.push(running)
  return running
}

/** The job IDs main published (job-ids output), once there are `count`. */
async function acceptedIds(running: RunningAction, count: number): Promise<string[]> {
  return waitFor(async () => {
    const ids = (await running.outputs())['job-ids']
    const parsed = ids ? (JSON.parse(ids) as string[]) : []
    return parsed.length === count ? parsed : undefined
  }, `${count} job ID(s) in GITHUB_OUTPUT`)
}

async function whenRunning(daemon: HypervisordSim, ids: readonly string[]): Promise<void> {
  await waitFor(() => ids.every((id) => daemon.control.job(id)?.status === 'running'), 'the jobs to run')
}

/** Every cancel request the daemon got: the job IDs it named and the status it was answered with. */
function cancelRequests(daemon: HypervisordSim): Array<{ ids: string[]; status: number | undefined }> {
  return daemon.control.requests
    .filter((r) => r.method === 'POST' && r.path === '/jobs/cancel')
    .map((r) => ({ ids: (JSON.parse(r.body) as { job_ids: string[] }).job_ids, status: r.status }))
}

function errorLines(run: ActionRun): string[] {
  return run.stdout.split('\n').filter((l) => l.startsWith('::error'))
}

beforeAll(() => {
  accessSync(fileURLToPath(new URL('../dist/main/index.js', import.meta.url)))
  try {
    accessSync(hyperctlSimPath, constants.X_OK)
  } catch {
    throw new Error(`${hyperctlSimPath} must be built and executable (npm run build in packages/simulator)`)
  }
})

afterEach(async () => {
  for (const c of children.splice(0))
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL')
  await Promise.all([...sims.splice(0), ...stalls.splice(0)].map((s) => s.close()))
})

describe.each(['api', 'cli'] as const)('dist/main/index.js through the %s transport', (transport) => {
  it('publishes job-ids before waiting and every output once the daemon completes the exports', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    const running = await start(
      harness,
      {
        ...inputs,
        ...vcenter,
        'vm-paths': '/DC/vm/web-01\n/DC/vm/db-01',
        'output-path': 'exports',
        'poll-interval': '100ms',
      },
      env,
    )
    const ids = await acceptedIds(running, 2)
    await whenRunning(daemon, ids)
    // the step is still waiting: nothing is finished yet, but the IDs are out
    expect((await running.outputs()).status).toBeUndefined()
    for (const id of ids) daemon.control.completeJob(id)
    const run = await running.done

    expect(run.code).toBe(0)
    const out = run.outputs
    expect(out['job-id']).toBe(ids[0])
    expect(JSON.parse(out['job-ids']!)).toEqual(ids)
    expect(out.status).toBe('completed')
    expect(JSON.parse(out.statuses!)).toEqual({ [ids[0]!]: 'completed', [ids[1]!]: 'completed' })
    expect(out['output-path']).toBe(join(harness.workspace, 'exports'))
    expect(out.transport).toBe(transport)
    expect(out['export-method']).toBe('web')
    expect(Number(out['duration-seconds'])).toBeGreaterThanOrEqual(0)
    const result = (
      JSON.parse(out.result!) as { jobs: Array<{ jobId: string; vmPath: string; status: string }> }
    ).jobs
    expect(result.map((r) => [r.jobId, r.vmPath, r.status])).toEqual([
      [ids[0], '/DC/vm/web-01', 'completed'],
      [ids[1], '/DC/vm/db-01', 'completed'],
    ])
    // both transports report the same files: read on the runner, each VM's descriptor first
    const files = JSON.parse(out.files!) as Array<{
      path: string
      size: number
      sha256: string
      role: string
    }>
    const dir = join(harness.workspace, 'exports')
    expect(files.map((f) => [f.path, f.role])).toEqual([
      [join(dir, 'web-01.ovf'), 'descriptor'],
      [join(dir, 'web-01-disk-0.vmdk'), 'disk'],
      [join(dir, 'db-01.ovf'), 'descriptor'],
      [join(dir, 'db-01-disk-0.vmdk'), 'disk'],
    ])
    for (const f of files) {
      expect(f.size).toBe(statSync(f.path).size)
      expect(f.sha256).toBe(execFileSync('sha256sum', [f.path], { encoding: 'utf8' }).slice(0, 64))
    }
    expect(out.verified).toBe('true')
    expect(JSON.parse(out.checksums!)).toEqual(Object.fromEntries(files.map((f) => [f.path, f.sha256])))
    expect(run.summary).toContain('<th>Throughput</th><th>Verified</th>')
    expect(run.summary).toContain('2 of 2 exports completed')
    expect(run.summary).toContain(`<code>${ids[0]}</code>`)
    expect(run.stdout).toContain('::group::Exporting 2 VMs')
    // the daemon got the vCenter host and the web method for every job
    for (const job of daemon.control.jobs()) {
      expect(job.definition.export_method).toBe('web')
      expect(job.definition.vcenter?.server).toBe('vc.example.test')
    }
  })

  it.each<[SimExportDamage, string]>([
    ['short-disk', 'web-01-disk-0.vmdk'],
    ['missing-disk', 'web-01-disk-0.vmdk'],
    ['missing-descriptor', 'web-01.ovf'],
    ['corrupt-byte', 'web-01-disk-0.vmdk'],
    ['manifest-mismatch', 'web-01-disk-0.vmdk'],
    ['reference-outside', 'outside.vmdk'],
  ])('fails the step with incomplete-export naming the file when the export has %s', async (damage, file) => {
    const daemon = await sim()
    daemon.control.damageNextExport(damage)
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    const running = await start(
      harness,
      {
        ...inputs,
        ...vcenter,
        'vm-path': '/DC/vm/web-01',
        'output-path': 'exports',
        'poll-interval': '100ms',
      },
      env,
    )
    const [id] = await acceptedIds(running, 1)
    await whenRunning(daemon, [id!])
    daemon.control.completeJob(id!)
    const run = await running.done
    expect(daemon.control.job(id!)?.status).toBe('completed')
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('failed')
    expect(run.outputs.verified).toBe('false')
    expect(JSON.parse(run.outputs.result!).jobs[0].error.kind).toBe('incomplete-export')
    expect(errorLines(run).join('\n')).toContain(file)
  })

  it('reports the files unverified where the directory is not readable, and fails with verify: required', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    const step = async (more: Record<string, string>) => {
      const running = await start(
        harness,
        {
          ...inputs,
          ...vcenter,
          'vm-path': '/DC/vm/web-01',
          'output-path': 'exports',
          'poll-interval': '100ms',
          ...more,
        },
        env,
      )
      const [id] = await acceptedIds(running, 1)
      await whenRunning(daemon, [id!])
      daemon.control.completeJob(id!)
      rmSync(join(harness.workspace, 'exports'), { recursive: true })
      return running.done
    }
    const relaxed = await step({ 'idempotency-key': 'relaxed' })
    expect(relaxed.code).toBe(0)
    expect(relaxed.outputs.verified).toBe('false')
    expect(relaxed.stdout).toContain('not readable on this machine')
    const listed = JSON.parse(relaxed.outputs.files!) as Array<{ path: string; role: string }>
    expect(listed.map((f) => f.role)).toEqual(transport === 'api' ? ['disk'] : [])

    const strict = await step({ 'idempotency-key': 'strict', verify: 'required' })
    expect(strict.code).toBe(1)
    expect(strict.outputs.status).toBe('failed')
    expect(errorLines(strict).join('\n')).toContain('could not be verified as required')
  })

  it('fails the step naming the VM and the daemon error when the daemon fails a job', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    const running = await start(
      harness,
      {
        ...inputs,
        ...vcenter,
        'vm-path': '/DC/vm/broken-01',
        'output-path': join(E, 'exports'),
        'poll-interval': '100ms',
      },
      env,
    )
    const [id] = await acceptedIds(running, 1)
    await whenRunning(daemon, [id!])
    daemon.control.failJob(id!, 'export failed: export ovf: disk read error on datastore1')
    const run = await running.done

    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('failed')
    expect(JSON.parse(run.outputs.statuses!)).toEqual({ [id!]: 'failed' })
    expect(run.outputs['job-id']).toBe(id)
    const [error] = errorLines(run)
    expect(error).toContain('/DC/vm/broken-01')
    expect(error).toContain(`job ${id} failed`)
    if (transport === 'api') {
      expect(error).toContain('disk read error on datastore1')
      expect(run.summary).toContain('disk read error on datastore1')
    }
  })

  it('keeps daemon texts and VM paths from acting as workflow commands when they look like them', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    const vmPath = '/DC/vm/::notice::from-vm-path'
    const running = await start(
      harness,
      { ...inputs, ...vcenter, 'vm-path': vmPath, 'output-path': E, 'poll-interval': '100ms' },
      env,
    )
    const [id] = await acceptedIds(running, 1)
    await whenRunning(daemon, [id!])
    daemon.control.failJob(
      id!,
      'boom\n::set-output name=status::completed\r::add-mask::x\n##[warning]from-daemon',
    )
    const run = await running.done

    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('failed')
    const ours = new Set(['add-mask', 'group', 'endgroup', 'error', 'warning', 'notice'])
    for (const line of run.stdout.split(/\r\n|\r|\n/)) {
      const trimmed = line.trim()
      if (trimmed.startsWith('::')) {
        expect(ours.has(/^::([^ :]+)/.exec(trimmed)?.[1] ?? ''), line).toBe(true)
        expect(trimmed, line).not.toMatch(/^::notice::from-vm-path/)
      } else {
        expect(line, line).not.toContain('##[')
      }
    }
    expect(run.stdout).toContain('::notice::from-vm-path')
  })

  it("fails the step with the daemon's reason when the daemon rejects a job", async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    // another export already holds the ID the job file asks for
    const seed = await fetch(`${daemon.url}/jobs/submit`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'nightly-db-01', vm_path: '/DC/vm/other-vm', output_path: '/x' }),
    })
    expect(seed.status).toBe(200)
    const jobFile = join(harness.workspace, 'jobs.json')
    await writeFile(
      jobFile,
      JSON.stringify({
        jobs: [{ id: 'nightly-db-01', vm_path: '/DC/vm/db-01', output_path: join(E, 'exports') }],
      }),
    )
    const run = await (
      await start(harness, { ...inputs, ...vcenter, 'job-file': 'jobs.json', 'poll-interval': '100ms' }, env)
    ).done

    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('failed')
    expect(JSON.parse(run.outputs.statuses!)).toEqual({ 'nightly-db-01': 'rejected' })
    expect(JSON.parse(run.outputs['job-ids']!)).toEqual([])
    // job-id names only an ID the daemon accepted
    expect(run.outputs['job-id'] ?? '').toBe('')
    expect(errorLines(run)[0]).toContain(
      'rejected the job for /DC/vm/db-01: job with ID nightly-db-01 already exists',
    )
    expect(daemon.control.jobs()).toHaveLength(1)
  })

  it('stops waiting at the timeout and leaves the job running when cancel-on-timeout is false', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    const run = await (
      await start(
        harness,
        {
          ...inputs,
          ...vcenter,
          'vm-path': '/DC/vm/slow-01',
          'output-path': E,
          // why: the timeout counts from the step's start, and a hyperctl submit must land well within it
          timeout: '3s',
          'poll-interval': '100ms',
        },
        env,
      )
    ).done

    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('timeout')
    const id = run.outputs['job-id']!
    expect(JSON.parse(run.outputs.statuses!)).toEqual({ [id]: 'timeout' })
    expect(errorLines(run)[0]).toContain('did not finish within 3s')
    expect(daemon.control.job(id)?.status).toBe('running')
    expect(JSON.parse(run.state['unfinished-job-ids']!)).toEqual([])
  })

  it('cancels the job on the daemon at the timeout when cancel-on-timeout is true', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    const run = await (
      await start(
        harness,
        {
          ...inputs,
          ...vcenter,
          'vm-path': '/DC/vm/slow-01',
          'output-path': E,
          // why: the timeout counts from the step's start, and a hyperctl submit must land well within it
          timeout: '3s',
          'poll-interval': '100ms',
          'cancel-on-timeout': 'true',
        },
        env,
      )
    ).done

    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('timeout')
    expect(errorLines(run)[0]).toContain('they were cancelled (hypervisord only labels them')
    expect(daemon.control.job(run.outputs['job-id']!)?.status).toBe('cancelled')
  })

  it('leaves the jobs cancelled on the daemon when SIGINT then SIGTERM end main mid-wait and post runs', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    const stepInputs = {
      ...inputs,
      ...vcenter,
      'vm-paths': '/DC/vm/a-01\n/DC/vm/b-01',
      'output-path': E,
      'poll-interval': '100ms',
    }
    const running = await start(harness, stepInputs, env)
    const ids = await acceptedIds(running, 2)
    await whenRunning(daemon, ids)

    // main's own cancel is held up (and then refused) so that only the post step can do it
    daemon.control.failNext(1, 503, { match: { method: 'POST', path: '/jobs/cancel' } })
    daemon.control.delayReplies(60_000)
    process.kill(running.pid, 'SIGINT')
    await waitFor(
      () => daemon.control.requests.some((r) => r.path === '/jobs/cancel'),
      "main's cancel request",
    )
    process.kill(running.pid, 'SIGTERM')
    const main = await running.done

    expect(main.code).toBe(130)
    expect(main.outputs.status).toBe('cancelled')
    expect(JSON.parse(main.outputs['job-ids']!)).toEqual(ids)
    expect(JSON.parse(main.state['unfinished-job-ids']!)).toEqual(ids)
    expect(errorLines(main)[0]).toContain('Received SIGTERM')
    for (const id of ids) expect(daemon.control.job(id)?.status).toBe('running')
    expect(existsSync(main.state['temp-dir']!)).toBe(true)

    daemon.control.delayReplies(0)
    const post = await harness.run('post', stepInputs, { env, state: main.state })
    expect(post.code).toBe(0)
    expect(post.stdout).toContain(`Cancelled on the daemon: ${ids.join(', ')}`)
    for (const id of ids) expect(daemon.control.job(id)?.status).toBe('cancelled')
    // each job cancelled once: main's attempt was refused (503), post's went through
    const cancels = cancelRequests(daemon)
    expect(
      cancels
        .filter((c) => c.status === 200)
        .flatMap((c) => c.ids)
        .sort(),
    ).toEqual([...ids].sort())
    expect(
      cancels
        .filter((c) => c.status !== 200)
        .flatMap((c) => c.ids)
        .sort(),
    ).toEqual([...ids].sort())
    expect(existsSync(main.state['temp-dir']!)).toBe(false)
  })

  it('cancels only the unfinished job itself and exits 130 when only SIGINT arrives; post cancels nothing', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    const stepInputs = {
      ...inputs,
      ...vcenter,
      'vm-paths': '/DC/vm/a-01\n/DC/vm/b-01',
      'output-path': E,
      'poll-interval': '100ms',
      verify: 'off',
    }
    const running = await start(harness, stepInputs, env)
    const [done, open] = await acceptedIds(running, 2)
    await whenRunning(daemon, [done!, open!])
    daemon.control.completeJob(done!)
    await waitFor(
      () => running.stdout().includes(`(${done!.slice(0, 8)}): completed`),
      'main to see the completion',
    )
    const signalledAt = Date.now()
    process.kill(running.pid, 'SIGINT')
    const main = await running.done

    // why: the runner sends SIGTERM 7.5 s after SIGINT; the step must be done well before
    expect(Date.now() - signalledAt).toBeLessThan(7_500)
    expect(main.code).toBe(130)
    expect(main.outputs.status).toBe('cancelled')
    expect(JSON.parse(main.outputs.statuses!)).toEqual({ [done!]: 'completed', [open!]: 'aborted' })
    expect(daemon.control.job(open!)?.status).toBe('cancelled')
    expect(main.stdout).toContain('Received SIGINT: stopping the wait and cancelling the unfinished jobs')

    // why: main cancelled it; post must not cancel it again
    expect(JSON.parse(main.state['unfinished-job-ids']!)).toEqual([])
    const post = await harness.run('post', stepInputs, { env, state: main.state })
    expect(post.code).toBe(0)
    expect(daemon.control.job(done!)?.status).toBe('completed')
    expect(daemon.control.job(open!)?.status).toBe('cancelled')
    expect(cancelRequests(daemon)).toEqual([{ ids: [open], status: 200 }])
  })

  it('post after a completed run cancels nothing; duration-seconds runs from the accepted submit', async () => {
    const daemon = await sim({ jobDurationMs: 300 })
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    // why: the job completes, so its files must land where the simulator may write (under the temp root)
    const out = join(tmpdir(), 'hx-action-post-completed')
    const stepInputs = { ...inputs, ...vcenter, 'vm-path': '/DC/vm/a-01', 'output-path': out }
    const main = await harness.run('main', { ...stepInputs, 'poll-interval': '100ms' }, { env })
    expect(main.code).toBe(0)
    expect(Number(main.outputs['duration-seconds'])).toBeLessThan(30)
    const post = await harness.run('post', stepInputs, { env, state: main.state })
    expect(post.code).toBe(0)
    expect(post.stdout).not.toMatch(/cancel/i)
    expect(cancelRequests(daemon)).toEqual([])
    await rm(out, { recursive: true, force: true })
  })

  it('duration-seconds runs from the accepted submit, not from the start of the step', async () => {
    const daemon = await sim({ jobDurationMs: 300 })
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    const out = join(tmpdir(), 'hx-action-duration')
    // why: every reply, the submit's included, comes 3 s late; once the submit is accepted they come at once
    daemon.control.delayReplies(3_000)
    const started = performance.now()
    const running = await start(
      harness,
      { ...inputs, ...vcenter, 'vm-path': '/DC/vm/a-01', 'output-path': out, 'poll-interval': '100ms' },
      env,
    )
    await acceptedIds(running, 1)
    daemon.control.delayReplies(0)
    const main = await running.done
    const wallSeconds = (performance.now() - started) / 1_000
    expect(main.code).toBe(0)
    expect(wallSeconds).toBeGreaterThan(3)
    expect(Number(main.outputs['duration-seconds'])).toBeLessThanOrEqual(wallSeconds - 2.5)
    await rm(out, { recursive: true, force: true })
  })

  it('post cancels only the jobs main could not, and never a job that ended meanwhile', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    const stepInputs = { ...inputs, ...vcenter, 'vm-paths': '/DC/vm/a-01\n/DC/vm/b-01', 'output-path': E }
    const seeded = await harness.run('main', { ...stepInputs, wait: 'false' }, { env })
    expect(seeded.code).toBe(0)
    const ids = JSON.parse(seeded.outputs['job-ids']!) as string[]
    daemon.control.failJob(ids[0]!, 'export failed: boom')
    const post = await harness.run('post', stepInputs, {
      env,
      state: { ...seeded.state, 'unfinished-job-ids': JSON.stringify(ids) },
    })
    expect(post.code).toBe(0)
    expect(post.stdout).toContain(`Not cancelling ${ids[0]}: it is already failed`)
    expect(post.stdout).toContain(`Cancelled on the daemon: ${ids[1]}`)
    expect(cancelRequests(daemon)).toEqual([{ ids: [ids[1]], status: 200 }])
    expect(daemon.control.job(ids[0]!)?.status).toBe('failed')
    expect(daemon.control.job(ids[1]!)?.status).toBe('cancelled')
  })

  it('ends at timeout: 5s when the daemon stops answering after the submit, with job-id set', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    // why: the whole life of the step's process, Node's start and the bundle's loading included
    const started = performance.now()
    const running = await start(
      harness,
      {
        ...inputs,
        ...vcenter,
        'vm-path': '/DC/vm/a-01',
        'output-path': E,
        timeout: '5s',
        'poll-interval': '100ms',
      },
      env,
    )
    const [id] = await acceptedIds(running, 1)
    daemon.control.delayReplies(600_000)
    const main = await running.done
    expect(performance.now() - started).toBeLessThan(7_000)
    expect(main.outputs.status).toBe('timeout')
    expect(main.outputs['job-id']).toBe(id)
    expect(JSON.parse(main.outputs.statuses!)).toEqual({ [id!]: 'timeout' })
    expect(errorLines(main)[0]).toContain('did not finish within 5s')
  })

  it.each(['silent', 'drip'] as const)(
    'ends at timeout: 5s in under 7 s against a %s daemon, with status timeout',
    async (mode) => {
      const server = await startStallServer(mode)
      stalls.push(server)
      const harness = await ActionHarness.create()
      const started = performance.now()
      const main = await harness.run(
        'main',
        {
          ...(transport === 'api'
            ? { transport: 'api' }
            : { transport: 'cli', 'hyperctl-path': hyperctlSimPath }),
          'daemon-url': server.url,
          ...vcenter,
          'vm-path': '/DC/vm/a-01',
          'output-path': E,
          timeout: '5s',
        },
        { env: { HYPERCTL_SIM_DAEMON_URL: server.url } },
      )
      expect(performance.now() - started).toBeLessThan(7_000)
      expect(main.code).toBe(1)
      expect(main.outputs.status).toBe('timeout')
      // why: the submit was never answered, so its job may be on the daemon: its ID is published
      const ids = JSON.parse(main.outputs['job-ids']!) as string[]
      expect(ids).toHaveLength(1)
      expect(main.outputs['job-id']).toBe(ids[0])
      expect(main.stdout).toMatch(
        /::warning::the submit got no answer before the timeout .* may be on the daemon/,
      )
      expect(errorLines(main)[0]).toContain('did not finish within 5s')
      expect(server.connections()).toBeGreaterThan(0)
    },
  )

  it('attaches to its jobs and submits nothing new when a step runs again with the same idempotency key', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env: transportEnv } = connection(transport, daemon)
    const env = {
      ...transportEnv,
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'export',
      GITHUB_ACTION: 'vms',
    }
    const stepInputs = {
      ...inputs,
      ...vcenter,
      'vm-paths': '/DC/vm/a-01\n/DC/vm/b-01',
      'output-path': E,
      'poll-interval': '100ms',
    }

    const first = await start(harness, stepInputs, env)
    const ids = await acceptedIds(first, 2)
    await whenRunning(daemon, ids)
    for (const id of ids) daemon.control.completeJob(id)
    expect((await first.done).code).toBe(0)
    expect(daemon.control.jobs()).toHaveLength(2)

    const again = await (await start(harness, stepInputs, env)).done
    expect(again.code).toBe(0)
    expect(JSON.parse(again.outputs['job-ids']!)).toEqual(ids)
    expect(again.outputs.status).toBe('completed')
    expect(again.stdout).toContain('already on the daemon, attached')
    expect(daemon.control.jobs()).toHaveLength(2)

    // a re-run of the workflow is a new attempt: it exports again
    const rerun = await start(harness, stepInputs, { ...env, GITHUB_RUN_ATTEMPT: '2' })
    const newIds = await acceptedIds(rerun, 2)
    expect(newIds).not.toEqual(ids)
    expect(daemon.control.jobs()).toHaveLength(4)
    rerun.child.kill('SIGKILL')
  })

  it('fails before any request to the daemon when an input is invalid', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    const cases: Array<[Record<string, string>, string]> = [
      [
        { 'vm-path': '/DC/vm/a', 'output-path': E, ...vcenter, 'vcenter-password': '' },
        'give input vcenter-password',
      ],
      [{ 'vm-path': '/DC/vm/a', 'output-path': E, ...vcenter, timeout: '90' }, 'input timeout'],
      [{ 'vm-path': '/DC/vm/a', ...vcenter }, '/DC/vm/a has no output path: give input output-path'],
      [
        { 'vm-paths': '/DC/vm/a/web\n/DC/vm/b/web', 'output-path': E, ...vcenter },
        `/DC/vm/a/web and /DC/vm/b/web would both be exported to ${E}/web.ovf`,
      ],
      [
        { 'vm-path': '/DC/vm/a', 'output-path': E, ...vcenter, 'max-concurrent': 'many' },
        'input max-concurrent',
      ],
      [{ 'output-path': E, ...vcenter }, 'input vm-path, vm-paths or job-file is required'],
    ]
    for (const [given, message] of cases) {
      const run = await harness.run('main', { ...inputs, ...given }, { env })
      expect(run.code).toBe(1)
      expect(errorLines(run)[0]).toContain(message)
      expect(run.outputs.status).toBe('failed')
      // one line on the summary page, naming the input
      expect(run.summary.trim().split('\n')).toHaveLength(1)
      expect(run.summary).toContain('hyperctl-export did not start:')
      expect(run.summary).toContain(message)
    }
    expect(daemon.control.requests).toEqual([])
  })
})

describe('dist/main/index.js with the api transport', () => {
  it('submits, publishes the IDs and ends with status submitted when wait is false', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection('api', daemon)
    const stepInputs = {
      ...inputs,
      ...vcenter,
      'vm-paths': '/DC/vm/a-01\n/DC/vm/b-01',
      'output-path': E,
      wait: 'false',
    }
    const main = await harness.run('main', stepInputs, { env })

    expect(main.code).toBe(0)
    expect(main.outputs.status).toBe('submitted')
    const ids = JSON.parse(main.outputs['job-ids']!) as string[]
    expect(ids).toHaveLength(2)
    expect(daemon.control.jobs().map((j) => j.definition.id)).toEqual(ids)
    const post = await harness.run('post', stepInputs, { env, state: main.state })
    expect(post.code).toBe(0)
    // jobs left running on purpose are not cancelled by post
    expect(daemon.control.requests.some((r) => r.path === '/jobs/cancel')).toBe(false)
  })

  it('keeps at most max-concurrent jobs on the daemon and submits the next when one completes', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection('api', daemon)
    const running = await start(
      harness,
      {
        ...inputs,
        ...vcenter,
        'vm-paths': '/DC/vm/a-01\n/DC/vm/b-01',
        'output-path': E,
        'max-concurrent': '1',
        'poll-interval': '100ms',
      },
      env,
    )
    const [first] = await acceptedIds(running, 1)
    await whenRunning(daemon, [first!])
    expect(daemon.control.jobs()).toHaveLength(1)
    daemon.control.completeJob(first!)
    const ids = await acceptedIds(running, 2)
    await whenRunning(daemon, [ids[1]!])
    daemon.control.completeJob(ids[1]!)
    const run = await running.done

    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('completed')
    expect(daemon.control.jobs()).toHaveLength(2)
  })

  it('logs each daemon request through core.debug under RUNNER_DEBUG=1, and none without it', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection('api', daemon)
    const stepInputs = { ...inputs, ...vcenter, 'vm-path': '/DC/vm/a-01', 'output-path': E, wait: 'false' }
    const debug = await harness.run('main', stepInputs, { env: { ...env, RUNNER_DEBUG: '1' } })
    expect(debug.code).toBe(0)
    expect(debug.stdout).toMatch(/^::debug::POST \/jobs\/submit → 200 \(\d+ ms\)$/m)
    const logged = debug.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'))
    expect(logged.join('\n')).not.toContain(vcenter['vcenter-password'])
    const plain = await harness.run('main', stepInputs, { env })
    expect(plain.stdout).not.toContain('::debug::POST')
  })

  it('fails with the daemon URL and a hint when the daemon cannot be reached', async () => {
    const daemon = await sim()
    const url = daemon.url
    await daemon.control.goDown()
    const harness = await ActionHarness.create()
    const run = await harness.run('main', {
      ...vcenter,
      'daemon-url': url,
      transport: 'api',
      'vm-path': '/DC/vm/a',
      'output-path': E,
    })

    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('failed')
    expect(errorLines(run)[0]).toContain(`hypervisord at ${url} could not be reached`)
    expect(errorLines(run)[0]).toContain('Check that hypervisord is running')
  })
})

describe('dist/main/index.js when the submit never leaves', () => {
  it('says nothing was submitted and sets no job-id when fetch will not dial the port', async () => {
    const harness = await ActionHarness.create()
    const run = await harness.run('main', {
      ...vcenter,
      'daemon-url': 'http://127.0.0.1:9',
      transport: 'api',
      'vm-path': '/DC/vm/a',
      'output-path': E,
    })
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('failed')
    expect(run.outputs['job-id'] ?? '').toBe('')
    expect(JSON.parse(run.outputs['job-ids'] ?? '[]')).toEqual([])
    expect(errorLines(run)[0]).toContain('bad port')
    expect(errorLines(run)[0]).toContain('nothing was submitted')
    expect(run.stdout).not.toContain('were submitted')
    expect(run.summary).toContain('nothing was submitted')
  })
})

describe('dist/main/index.js and dist/post/index.js with secrets', () => {
  it.each(['api', 'cli'] as const)(
    'never write the API key or the vCenter password to stdout, stderr, outputs, summary or files (%s)',
    async (transport) => {
      const daemon = await sim(transport === 'api' ? { apiKey: API_KEY } : {})
      const harness = await ActionHarness.create()
      const { inputs, env } = connection(transport, daemon)
      const stepInputs = {
        ...inputs,
        ...vcenter,
        ...(transport === 'api' ? { 'api-key': API_KEY } : {}),
        'vm-paths': '/DC/vm/ok-01\n/DC/vm/leaky-01',
        'output-path': 'exports',
        'poll-interval': '100ms',
      }
      const running = await start(harness, stepInputs, env)
      const ids = await acceptedIds(running, 2)
      await whenRunning(daemon, ids)
      daemon.control.completeJob(ids[0]!)
      // a daemon error text that quotes the password
      daemon.control.failJob(ids[1]!, `export failed: login as exporter with password ${VC_PASSWORD} refused`)
      const main = await running.done
      const post = await harness.run('post', stepInputs, { env, state: main.state })

      expect(main.code).toBe(1)
      expect(post.code).toBe(0)
      if (transport === 'api') expect(errorLines(main)[0]).toContain('with password *** refused')
      for (const run of [main, post]) {
        const stdout = run.stdout
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::'))
          .join('\n')
        for (const secret of [VC_PASSWORD, API_KEY]) {
          expect(stdout).not.toContain(secret)
          expect(run.stderr).not.toContain(secret)
        }
      }
      expect(main.stdout).toContain(`::add-mask::${VC_PASSWORD}`)
      const files = await harness.allFiles()
      expect(files.length).toBeGreaterThan(5)
      for (const { path, text } of files) {
        expect(text.includes(VC_PASSWORD), path).toBe(false)
        expect(text.includes(API_KEY), path).toBe(false)
      }
    },
  )
})
