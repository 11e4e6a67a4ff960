import { execFileSync } from 'node:child_process'
import { rmSync, statSync, truncateSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closedPort, ESCAPE, runCli, startCli } from './support/cli-process.js'
import { startDaemon, type TestDaemon, VC_PASSWORD, vcenterArgs } from './support/sim.js'

const sha256sum = (path: string) => execFileSync('sha256sum', [path], { encoding: 'utf8' }).slice(0, 64)

let daemon: TestDaemon
const env = { HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD }

beforeEach(async () => {
  daemon = await startDaemon()
})
afterEach(async () => {
  await daemon.stop()
})

function exportArgs(...extra: string[]): string[] {
  return [
    'export',
    '/DC/vm/web-01',
    '--output',
    join(daemon.out, 'web-01'),
    '--daemon-url',
    daemon.url,
    ...vcenterArgs(),
    '--poll-interval',
    '20ms',
    ...extra,
  ]
}

/** Starts an export and resolves with its job ID once the daemon has it (read from the progress lines). */
async function startExport(args: string[]) {
  const run = startCli(args, env)
  const [, jobId] = await run.waitForStderr(/submitted as job (\S+)/)
  return { run, jobId: jobId! }
}

describe('hyperctl-export export', () => {
  it('exits 0 and prints the job ID and the exported files when the job completes', async () => {
    const { run, jobId } = await startExport(exportArgs())
    daemon.sim.control.completeJob(jobId)
    const result = await run.done
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`completed`)
    expect(result.stdout).toContain(`job ${jobId}`)
    // the daemon lists only the disk of a web export, as the real one does
    expect(result.stdout).toContain(join(daemon.out, 'web-01', 'web-01-disk-0.vmdk'))
    expect(result.stderr).toMatch(/web-01 \(\S+\): completed/)
    const job = daemon.sim.control.job(jobId)!
    expect(job.definition.export_method).toBe('web')
    expect(job.definition.vcenter).toMatchObject({
      server: 'vcenter.test.invalid',
      username: 'exporter@vsphere.local',
    })
  })

  it("prints core's run JSON (schema version, verdict, jobs with jobId, vmPath, status and result) on stdout when --json is given", async () => {
    const { run, jobId } = await startExport(exportArgs('--json'))
    daemon.sim.control.completeJob(jobId)
    const result = await run.done
    expect(result.code).toBe(0)
    const doc = JSON.parse(result.stdout)
    expect(doc).toMatchObject({ schemaVersion: 1, verdict: 'completed' })
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'verdict', 'jobs', 'files', 'verified', 'checksums'])
    const ovf = join(daemon.out, 'web-01', 'web-01.ovf')
    const vmdk = join(daemon.out, 'web-01', 'web-01-disk-0.vmdk')
    expect(doc.verified).toBe(true)
    expect(doc.files).toEqual([
      { path: ovf, role: 'descriptor', size: statSync(ovf).size, sha256: sha256sum(ovf) },
      { path: vmdk, role: 'disk', size: statSync(vmdk).size, sha256: sha256sum(vmdk) },
    ])
    expect(doc.checksums).toEqual({ [ovf]: sha256sum(ovf), [vmdk]: sha256sum(vmdk) })
    expect(doc.jobs).toHaveLength(1)
    expect(doc.jobs[0]).toMatchObject({ jobId, vmPath: '/DC/vm/web-01', status: 'completed' })
    expect(doc.jobs[0].result.files).toEqual([join(daemon.out, 'web-01', 'web-01-disk-0.vmdk')])
    expect(doc.jobs[0]).not.toHaveProperty('error')
  })

  it('exits 1 and names the disk when a completed export is cut short', async () => {
    const { run, jobId } = await startExport(exportArgs())
    const vmdk = join(daemon.out, 'web-01', 'web-01-disk-0.vmdk')
    daemon.sim.control.completeJob(jobId)
    // why: the simulator runs in this process, so the CLI cannot poll between these two lines
    truncateSync(vmdk, 100)
    const result = await run.done
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`${vmdk}: is 100 bytes, the descriptor states`)
    expect(result.stdout).toMatch(/failed/)
  })

  it('exits 1 with incomplete-export in the JSON when the descriptor is missing', async () => {
    const { run, jobId } = await startExport(exportArgs('--json'))
    const ovf = join(daemon.out, 'web-01', 'web-01.ovf')
    daemon.sim.control.completeJob(jobId)
    unlinkSync(ovf)
    const result = await run.done
    expect(result.code).toBe(1)
    const doc = JSON.parse(result.stdout)
    expect(doc.jobs[0]).toMatchObject({
      status: 'failed',
      error: { kind: 'incomplete-export' },
      verified: false,
    })
    expect(doc.jobs[0].error.message).toContain(`${ovf}: the OVF descriptor is missing`)
    expect(doc.verified).toBe(false)
  })

  it('exits 0 unverified where the output directory is not readable, and 1 with --verify required', async () => {
    const auto = await startExport(exportArgs('--json'))
    daemon.sim.control.completeJob(auto.jobId)
    rmSync(join(daemon.out, 'web-01'), { recursive: true })
    const relaxed = await auto.run.done
    expect(relaxed.code).toBe(0)
    expect(JSON.parse(relaxed.stdout)).toMatchObject({ verified: false })
    expect(relaxed.stderr).toContain('not readable on this machine')

    const strict = await startExport(exportArgs('--verify', 'required', '--idempotency-key', 'strict'))
    daemon.sim.control.completeJob(strict.jobId)
    rmSync(join(daemon.out, 'web-01'), { recursive: true })
    const result = await strict.run.done
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('could not be verified as required')
  })

  it('exits 1 with the daemon error in the JSON when the job fails', async () => {
    const { run, jobId } = await startExport(exportArgs('--json'))
    daemon.sim.control.failJob(jobId, 'export failed: govc export failed: exit status 1')
    const result = await run.done
    expect(result.code).toBe(1)
    const [job] = JSON.parse(result.stdout).jobs
    expect(job).toMatchObject({ jobId, status: 'failed', error: { kind: 'job-failed' } })
    expect(job.error.message).toContain('export failed: govc export failed: exit status 1')
  })

  it('exits 1 when the daemon rejects the job (its ID is taken by another VM)', async () => {
    daemon.sim.control.seedJobs([
      {
        definition: {
          id: 'taken',
          name: 'other',
          vm_path: '/DC/vm/other',
          created_at: '2026-01-01T00:00:00Z',
        },
        status: 'completed',
        updated_at: '2026-01-01T00:00:00Z',
      },
    ])
    const jobFile = JSON.stringify({
      id: 'taken',
      vm_path: '/DC/vm/web-01',
      output_path: join(daemon.out, 'x'),
    })
    const result = await runCli(
      ['export', '--job-file', '-', '--daemon-url', daemon.url, ...vcenterArgs(), '--json'],
      env,
      jobFile,
    )
    expect(result.code).toBe(1)
    const [job] = JSON.parse(result.stdout).jobs
    expect(job).toMatchObject({ jobId: 'taken', status: 'rejected', error: { kind: 'job-rejected' } })
  })

  it('exits 1 when the job is cancelled on the daemon while it waits', async () => {
    const { run, jobId } = await startExport(exportArgs())
    const cancel = await runCli(['cancel', jobId, '--daemon-url', daemon.url])
    expect(cancel.code).toBe(0)
    const result = await run.done
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('cancelled')
  })

  it('exits 2 and submits nothing when the arguments are wrong', async () => {
    for (const args of [
      ['export', '--daemon-url', daemon.url],
      ['export', '/DC/vm/a', '--daemon-url', daemon.url],
      ['export', '/DC/vm/a', '-o', '/x', '--timeout', '90', '--daemon-url', daemon.url],
      ['export', '/DC/vm/a', '-o', '/x', '--vcenter-server', 'vc', '--daemon-url', daemon.url],
      ['export', '/DC/vm/a', '-o', '/x', '--vcenter-password', 'pw', '--daemon-url', daemon.url],
    ]) {
      const result = await runCli(args, env)
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stderr).toMatch(/^error: /m)
      expect(result.stdout).toBe('')
    }
    expect(daemon.sim.control.jobs()).toEqual([])
  })

  it('exits 2 when a vCenter is given without a password and there is no terminal to ask on', async () => {
    const result = await runCli(exportArgs())
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('HYPERCTL_EXPORT_VCENTER_PASSWORD')
    expect(daemon.sim.control.jobs()).toEqual([])
  })

  it('exits 3 when the daemon is unreachable', async () => {
    const port = await closedPort()
    const result = await runCli(
      [
        'export',
        '/DC/vm/a',
        '-o',
        '/x',
        ...vcenterArgs(),
        '--daemon-url',
        `http://127.0.0.1:${port}`,
        '--json',
      ],
      env,
    )
    expect(result.code).toBe(3)
    expect(JSON.parse(result.stdout).error.kind).toBe('daemon-unreachable')
  })

  it('exits 3 when the daemon refuses the API key', async () => {
    daemon.sim.control.requireApiKey('right-key-1234')
    const result = await runCli(exportArgs(), { ...env, HYPERVISORD_API_KEY: 'wrong-key-5678' })
    expect(result.code).toBe(3)
    expect(result.stderr).toContain('HTTP 401')
    expect(daemon.sim.control.jobs()).toEqual([])
  })

  it('exits 4 when the job does not finish within --timeout', async () => {
    const result = await runCli(exportArgs('--timeout', '2s', '--json'), env)
    expect(result.code).toBe(4)
    const [job] = JSON.parse(result.stdout).jobs
    expect(job).toMatchObject({ status: 'timeout', error: { kind: 'job-timeout' } })
    expect(daemon.sim.control.job(job.jobId)!.status).toBe('pending')
  })

  it('exits 130 after cancelling the job on SIGINT with --cancel-on-interrupt', async () => {
    const { run, jobId } = await startExport(exportArgs('--cancel-on-interrupt', '--json'))
    run.child.kill('SIGINT')
    const result = await run.done
    expect(result.code).toBe(130)
    expect(daemon.sim.control.job(jobId)!.status).toBe('cancelled')
    expect(JSON.parse(result.stdout).jobs[0]).toMatchObject({ jobId, status: 'aborted' })
  })

  it('exits 130 and leaves the job on the daemon on SIGINT without --cancel-on-interrupt', async () => {
    const { run, jobId } = await startExport(exportArgs())
    run.child.kill('SIGINT')
    const result = await run.done
    expect(result.code).toBe(130)
    expect(daemon.sim.control.job(jobId)!.status).toBe('pending')
    expect(result.stderr).toContain('hyperctl-export wait')
  })

  it('exits 130 after cancelling on SIGTERM as well', async () => {
    const { run, jobId } = await startExport(exportArgs('--cancel-on-interrupt'))
    run.child.kill('SIGTERM')
    expect((await run.done).code).toBe(130)
    expect(daemon.sim.control.job(jobId)!.status).toBe('cancelled')
  })

  it('writes no escape code into a pipe, even when the daemon sends some', async () => {
    const { run, jobId } = await startExport([...exportArgs(), '/DC/vm/\x1b[2Jevil'])
    await run.waitForStderr(/evil \(\S+\): pending/)
    const second = daemon.sim.control.jobs().find((j) => j.definition.vm_path.endsWith('evil'))!
    daemon.sim.control.completeJob(jobId)
    daemon.sim.control.failJob(second.definition.id, 'export failed: \x1b]0;owned\x07\x1b[31mred\u009b2J')
    const result = await run.done
    expect(result.code).toBe(1)
    expect(result.stdout).not.toMatch(ESCAPE)
    expect(result.stderr).not.toMatch(ESCAPE)
    expect(result.stdout).toContain('export failed: \\x1b]0;owned\\x07\\x1b[31mred\\x9b2J')
  })

  it('exports several VMs each into its own directory with {name}, at most --max-concurrent at once', async () => {
    const run = startCli(
      [
        'export',
        '/DC/vm/a',
        '/DC/vm/b',
        '--output',
        join(daemon.out, '{name}'),
        '--daemon-url',
        daemon.url,
        ...vcenterArgs(),
        '--poll-interval',
        '20ms',
        '--max-concurrent',
        '1',
        '--json',
      ],
      env,
    )
    const [, first] = await run.waitForStderr(/a submitted as job (\S+)/)
    expect(daemon.sim.control.jobs()).toHaveLength(1)
    daemon.sim.control.completeJob(first!)
    const [, second] = await run.waitForStderr(/b submitted as job (\S+)/)
    daemon.sim.control.completeJob(second!)
    const result = await run.done
    expect(result.code).toBe(0)
    const jobs = JSON.parse(result.stdout).jobs
    expect(jobs.map((j: { vmPath: string }) => j.vmPath)).toEqual(['/DC/vm/a', '/DC/vm/b'])
    expect(daemon.sim.control.jobs().map((j) => j.definition.output_dir ?? j.definition.output_path)).toEqual(
      [join(daemon.out, 'a'), join(daemon.out, 'b')],
    )
  })

  it('submits no more after the first failure with --fail-fast, and reports the rest as skipped', async () => {
    const run = startCli(
      [
        'export',
        '/DC/vm/a',
        '/DC/vm/b',
        '-o',
        daemon.out,
        '--daemon-url',
        daemon.url,
        ...vcenterArgs(),
      ].concat(['--poll-interval', '20ms', '--max-concurrent', '1', '--fail-fast', '--json']),
      env,
    )
    const [, first] = await run.waitForStderr(/a submitted as job (\S+)/)
    daemon.sim.control.failJob(first!, 'export failed: boom')
    const result = await run.done
    expect(result.code).toBe(1)
    expect(JSON.parse(result.stdout).jobs.map((j: { status: string }) => j.status)).toEqual([
      'failed',
      'skipped',
    ])
    expect(daemon.sim.control.jobs()).toHaveLength(1)
  })

  it('warns on stderr about options the daemon stores but ignores, and keeps stdout to the JSON', async () => {
    const { run, jobId } = await startExport(
      exportArgs('--parallel-downloads', '4', '--remove-cdrom', '--json'),
    )
    daemon.sim.control.completeJob(jobId)
    const result = await run.done
    expect(result.code).toBe(0)
    expect(result.stderr).toContain(
      'warning: parallel-downloads was passed to hypervisord, but this hypervisord stores it',
    )
    expect(result.stderr).toContain('warning: remove-cdrom was passed')
    expect(JSON.parse(result.stdout).jobs[0].status).toBe('completed')
    expect(daemon.sim.control.job(jobId)!.definition.options).toMatchObject({
      parallel_downloads: 4,
      remove_cdrom: true,
    })
  })

  it('attaches to the same jobs instead of exporting twice when run again with the same --idempotency-key', async () => {
    const first = await startExport(exportArgs('--idempotency-key', 'nightly-1'))
    daemon.sim.control.completeJob(first.jobId)
    expect((await first.run.done).code).toBe(0)
    const again = await runCli(exportArgs('--idempotency-key', 'nightly-1', '--json'), env)
    expect(again.code).toBe(0)
    expect(JSON.parse(again.stdout).jobs[0]).toMatchObject({
      jobId: first.jobId,
      status: 'completed',
      attached: true,
    })
    expect(daemon.sim.control.jobs()).toHaveLength(1)
  })
})
