import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli, startCli } from './support/cli-process.js'
import { startDaemon, type TestDaemon, VC_PASSWORD, vcenterArgs } from './support/sim.js'

const API_KEY = 'api-key-Secret-0815'
let daemon: TestDaemon

beforeEach(async () => {
  daemon = await startDaemon({ apiKey: API_KEY })
})
afterEach(async () => {
  await daemon.stop()
})

function expectNoSecret(result: { stdout: string; stderr: string }, what: string): void {
  for (const secret of [API_KEY, VC_PASSWORD]) {
    expect(result.stdout, `${what}: stdout`).not.toContain(secret)
    expect(result.stderr, `${what}: stderr`).not.toContain(secret)
  }
}

describe('secrets', () => {
  it('never prints the API key or the vCenter password, whatever the command and output mode', async () => {
    const env = { HYPERVISORD_API_KEY: API_KEY, HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD }
    const base = ['--daemon-url', daemon.url]
    const run = startCli(
      ['export', '/DC/vm/a', '-o', daemon.out, ...vcenterArgs(), '--poll-interval', '20ms', ...base],
      env,
    )
    const [, id] = await run.waitForStderr(/submitted as job (\S+)/)
    // why: the daemon echoes the password in every job reply (docs/hyperctl.md#defect-password-echo); the error text carries it too
    daemon.sim.control.failJob(id!, `export failed: login ${VC_PASSWORD} refused`)
    expectNoSecret(await run.done, 'export')

    for (const args of [
      ['job', id!],
      ['job', id!, '--json'],
      ['jobs'],
      ['jobs', '--json'],
      ['wait', id!],
      ['wait', id!, '--json'],
      ['status', '--json'],
      ['doctor'],
      ['doctor', '--json'],
      ['cancel', id!],
    ]) {
      expectNoSecret(await runCli([...args, ...base], env), args.join(' '))
    }
  })

  it('never prints an API key given as a flag, even when the daemon refuses it or the arguments are wrong', async () => {
    for (const args of [
      ['status', '--api-key', `${API_KEY}x`],
      ['status', `--api-key=${API_KEY}`, '--json'],
      ['status', '--api-key', API_KEY, '--transport', 'cli'],
      ['status', '--api-key', API_KEY, '--frob'],
      ['job', 'x', 'y', '--api-key', API_KEY],
    ]) {
      const result = await runCli([...args, '--daemon-url', daemon.url])
      expect(result.stdout + result.stderr).not.toContain(API_KEY)
    }
  })

  it('never puts the vCenter password on the command line of hyperctl', async () => {
    const env = { HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD, HYPERCTL_SIM_DAEMON_URL: daemon.url }
    daemon.sim.control.requireApiKey(null)
    const result = await runCli(
      [
        'submit',
        '/DC/vm/a',
        '-o',
        daemon.out,
        ...vcenterArgs(),
        '--transport',
        'cli',
        '--hyperctl-path',
        (await import('./support/cli-process.js')).HYPERCTL_SIM,
        '--daemon-url',
        daemon.url,
      ],
      env,
    )
    expect(result.code).toBe(0)
    expectNoSecret(result, 'submit via hyperctl')
    // the job reached the daemon with the password, through the job file rather than argv
    expect(daemon.sim.control.jobs()[0]!.definition.vcenter?.password).toBe(VC_PASSWORD)
  })
})
