import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type CliResult, closedPort, HYPERCTL_SIM, runCli, startCli } from './support/cli-process.js'
import { startDaemon, type TestDaemon, vcenterArgs } from './support/sim.js'

// why: values no output can contain by chance, so a hit is a leak and nothing else
const API_KEY = 'cli-KEY-sweep-7d2f9a41'
const VC_PASSWORD = 'cli-PW-sweep-3e8b5c07'

let daemon: TestDaemon
let temp: string

beforeEach(async () => {
  daemon = await startDaemon({ apiKey: API_KEY })
  temp = await mkdtemp(join(tmpdir(), 'cli-sweep-tmp-'))
})
afterEach(async () => {
  await daemon.stop()
  await rm(temp, { recursive: true, force: true })
})

interface Run {
  what: string
  result: CliResult
}

/** stdout, stderr (the --json document is stdout) and every file left in the CLI's TMPDIR. */
async function expectNoSecret(runs: readonly Run[]): Promise<void> {
  expect(runs.length).toBeGreaterThan(0)
  for (const { what, result } of runs) {
    for (const secret of [API_KEY, VC_PASSWORD]) {
      expect(result.stdout, `${what}: stdout`).not.toContain(secret)
      expect(result.stderr, `${what}: stderr`).not.toContain(secret)
    }
  }
  const left = await readdir(temp, { recursive: true })
  for (const file of left) {
    const text = await readFile(join(temp, String(file)), 'latin1').catch(() => '')
    expect(text, String(file)).not.toContain(VC_PASSWORD)
  }
  expect(left).toEqual([])
}

describe('secrets in every CLI command, through success and failure', () => {
  it('never prints the API key or the vCenter password, nor leaves a file, on the api transport', async () => {
    const env = { HYPERVISORD_API_KEY: API_KEY, HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD, TMPDIR: temp }
    const base = ['--daemon-url', daemon.url, '--transport', 'api']
    const exportArgs = (vm: string, ...extra: string[]) => [
      'export',
      vm,
      '-o',
      join(daemon.out, vm.split('/').at(-1)!),
      ...base,
      ...vcenterArgs(),
      '--poll-interval',
      '20ms',
      ...extra,
    ]
    const runs: Run[] = []
    const record = async (
      what: string,
      args: string[],
      extra: Record<string, string> = {},
      input?: string,
    ) => {
      runs.push({ what, result: await runCli(args, { ...env, ...extra }, input) })
    }

    // an export that completes and one that fails with a daemon text quoting the password
    const ok = startCli(exportArgs('/DC/vm/ok', '--json'), env)
    const bad = startCli(exportArgs('/DC/vm/bad', '--json'), env)
    const [, okId] = await ok.waitForStderr(/submitted as job (\S+)/)
    const [, badId] = await bad.waitForStderr(/submitted as job (\S+)/)
    daemon.sim.control.completeJob(okId!)
    daemon.sim.control.failJob(badId!, `export failed: ovftool vi://exporter:${VC_PASSWORD}@vc refused`)
    runs.push(
      { what: 'export (completed)', result: await ok.done },
      { what: 'export (failed)', result: await bad.done },
    )

    // why: status, wait, doctor and cancel on success are swept by secrets.test.ts; these runs are independent
    const down = ['--daemon-url', `http://127.0.0.1:${await closedPort()}`, '--transport', 'api']
    await Promise.all([
      record('submit', ['submit', '/DC/vm/s', '-o', daemon.out, ...base, ...vcenterArgs()]),
      record('job --json (the daemon echoes the password)', ['job', okId!, ...base, '--json']),
      record('jobs --json', ['jobs', ...base, '--json']),
      record('job (failed)', ['job', badId!, ...base]),
      record('export (daemon down)', [...exportArgs('/DC/vm/d').slice(0, 4), ...down, ...vcenterArgs()]),
      record('export (key refused)', exportArgs('/DC/vm/k'), { HYPERVISORD_API_KEY: `${API_KEY}-wrong` }),
      record('export --api-key (refused)', [...exportArgs('/DC/vm/k2'), '--api-key', `${API_KEY}x`]),
      record('export (timeout)', exportArgs('/DC/vm/t', '--timeout', '300ms', '--json')),
      record('wait (unknown ID)', ['wait', 'no-such-job', ...base, '--json']),
      record('job (unknown ID)', ['job', 'no-such-job', ...base]),
      record('cancel (unknown ID)', ['cancel', 'no-such-job', ...base, '--json']),
      record(
        'export (bad job ID)',
        ['export', '--job-file', '-', ...base, ...vcenterArgs()],
        {},
        '{"id":"a b","vm_path":"/x","output_path":"/e"}',
      ),
    ])
    // these two alone: the burst must meet the status request, the signal its own export
    daemon.sim.control.failNext(2, 502, { body: '<html>bad gateway</html>', contentType: 'text/html' })
    await record('status (502 burst)', ['status', ...base, '--json'])
    const interrupted = startCli(exportArgs('/DC/vm/i', '--cancel-on-interrupt'), env)
    await interrupted.waitForStderr(/submitted as job/)
    interrupted.child.kill('SIGINT')
    runs.push({ what: 'export (SIGINT)', result: await interrupted.done })

    expect(Object.fromEntries(runs.map((r) => [r.what, r.result.code]))).toEqual({
      'export (completed)': 0,
      'export (failed)': 1,
      submit: 0,
      'job --json (the daemon echoes the password)': 0,
      'jobs --json': 0,
      'job (failed)': 0,
      'export (daemon down)': 3,
      'export (key refused)': 3,
      'export --api-key (refused)': 3,
      'export (timeout)': 4,
      'wait (unknown ID)': 1,
      'job (unknown ID)': 1,
      'cancel (unknown ID)': 1,
      'export (bad job ID)': 2,
      'status (502 burst)': 0,
      'export (SIGINT)': 130,
    })
    await expectNoSecret(runs)
    // the masking was at work, not luck: the daemon's text reached the output with the password masked
    expect(runs.find((r) => r.what === 'export (failed)')!.result.stdout).toContain(
      'vi://exporter:***@vc refused',
    )
  })

  it('never prints the vCenter password, nor leaves a job file, on the cli transport', async () => {
    daemon.sim.control.requireApiKey(null)
    const env = {
      HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD,
      TMPDIR: temp,
      HYPERCTL_SIM_DAEMON_URL: daemon.url,
    }
    const base = ['--daemon-url', daemon.url, '--transport', 'cli', '--hyperctl-path', HYPERCTL_SIM]
    const exportArgs = (vm: string, ...extra: string[]) => [
      'export',
      vm,
      '-o',
      join(daemon.out, vm.split('/').at(-1)!),
      ...base,
      ...vcenterArgs(),
      '--poll-interval',
      '20ms',
      ...extra,
    ]
    const runs: Run[] = []
    const record = async (what: string, args: string[], extra: Record<string, string> = {}) =>
      runs.push({ what, result: await runCli(args, { ...env, ...extra }) })

    const ok = startCli(exportArgs('/DC/vm/ok', '--json'), env)
    const [, okId] = await ok.waitForStderr(/submitted as job (\S+)/)
    daemon.sim.control.completeJob(okId!)
    runs.push({ what: 'export (completed)', result: await ok.done })
    for (const args of [['status'], ['jobs', '--json'], ['job', okId!], ['cancel', okId!]]) {
      await record(args.join(' '), [...args, ...base])
    }
    daemon.sim.control.dropNextSubmitReply()
    const lost = startCli(exportArgs('/DC/vm/lost-reply'), env)
    const [, lostId] = await lost.waitForStderr(/submitted as job (\S+)/)
    daemon.sim.control.completeJob(lostId!)
    runs.push({ what: 'export (submit reply lost)', result: await lost.done })
    await record('export (garbled output)', exportArgs('/DC/vm/g'), { HYPERCTL_SIM_GARBLE: 'stray:5:both' })
    await record('export (hyperctl missing)', [
      ...exportArgs('/DC/vm/m'),
      '--hyperctl-path',
      join(temp, 'nope'),
    ])
    const interrupted = startCli(exportArgs('/DC/vm/i', '--cancel-on-interrupt', '--json'), env)
    await interrupted.waitForStderr(/submitted as job/)
    interrupted.child.kill('SIGTERM')
    runs.push({ what: 'export (SIGTERM)', result: await interrupted.done })

    expect(runs.map((r) => r.result.code)).toEqual([0, 0, 0, 0, 1, 0, 1, 1, 130])
    await expectNoSecret(runs)
    // the password did reach the daemon, through job files that are gone now
    expect(daemon.sim.control.job(okId!)!.definition.vcenter?.password).toBe(VC_PASSWORD)
  })
})
