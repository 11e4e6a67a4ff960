import { afterEach, describe, expect, it } from 'vitest'
import { closedPort, HYPERCTL_SIM, runCli } from './support/cli-process.js'
import { startDaemon, type TestDaemon } from './support/sim.js'

let daemon: TestDaemon | undefined
afterEach(async () => {
  await daemon?.stop()
  daemon = undefined
})

interface Check {
  name: string
  status: string
  message: string
  fix?: string
}

function checks(stdout: string): { ok: boolean; byName: Map<string, Check> } {
  const doc = JSON.parse(stdout) as { ok: boolean; checks: Check[] }
  return { ok: doc.ok, byName: new Map(doc.checks.map((c) => [c.name, c])) }
}

describe('hyperctl-export doctor', () => {
  it('exits 0 on a healthy setup and says which transport auto picks and why', async () => {
    daemon = await startDaemon()
    const env = { HYPERCTL_SIM_DAEMON_URL: daemon.url }
    const result = await runCli(
      ['doctor', '--daemon-url', daemon.url, '--hyperctl-path', HYPERCTL_SIM, '--json'],
      env,
    )
    expect(result.code).toBe(0)
    const { ok, byName } = checks(result.stdout)
    expect(ok).toBe(true)
    expect(byName.get('hyperctl'), result.stdout).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/^hyperctl 0\.0\.1 at /),
    })
    expect(byName.get('daemon')).toMatchObject({ status: 'ok' })
    expect(byName.get('daemon version')!.message).toContain('hypervisord 0.0.1')
    expect(byName.get('auth')).toMatchObject({
      status: 'ok',
      message: expect.stringContaining('authentication is off'),
    })
    expect(byName.get('transport')).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/^auto picks cli: hyperctl/),
    })
    expect(byName.get('via hyperctl')).toMatchObject({ status: 'ok' })
    expect(byName.get('export method')).toMatchObject({
      status: 'ok',
      message: expect.stringContaining('choose web'),
    })
    expect(byName.get('passwords')).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('dedicated low-privilege vCenter account'),
    })
  })

  it('prints each check with its fix for a person', async () => {
    daemon = await startDaemon()
    const result = await runCli([
      'doctor',
      '--daemon-url',
      daemon.url,
      '--hyperctl-path',
      '/nonexistent/hyperctl',
    ])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^i hyperctl +hyperctl is not usable: .*not needed/m)
    expect(result.stdout).toMatch(/^✔ transport +auto picks api: /m)
    expect(result.stdout).toMatch(/^! passwords .*\n +fix: Use a dedicated low-privilege vCenter account/m)
    expect(result.stdout).toMatch(/^ready, with 1 warning\(s\)$/m)
  })

  it('warns that the daemon would choose the broken ctl method', async () => {
    daemon = await startDaemon({ hyperctlOnPath: true })
    const result = await runCli(['doctor', '--daemon-url', daemon.url, '--json'])
    expect(result.code).toBe(0)
    expect(checks(result.stdout).byName.get('export method')).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('would choose ctl'),
    })
  })

  it('exits 3 with a fix when the daemon is unreachable', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`
    const result = await runCli(['doctor', '--daemon-url', url, '--json'])
    expect(result.code).toBe(3)
    const { ok, byName } = checks(result.stdout)
    expect(ok).toBe(false)
    expect(byName.get('daemon')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('Start hypervisord'),
    })
    expect(byName.get('auth')).toMatchObject({ status: 'skipped' })
  })

  it('exits 3 with a fix when authentication fails, and 1 when hyperctl is asked for but missing', async () => {
    daemon = await startDaemon({ apiKey: 'the-right-key-42' })
    const refused = await runCli(['doctor', '--daemon-url', daemon.url, '--json'], {
      HYPERVISORD_API_KEY: 'wrong-key-42',
    })
    expect(refused.code).toBe(3)
    expect(checks(refused.stdout).byName.get('auth')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('HYPERVISORD_API_KEY'),
    })
    const accepted = await runCli(['doctor', '--daemon-url', daemon.url, '--json'], {
      HYPERVISORD_API_KEY: 'the-right-key-42',
    })
    expect(accepted.code).toBe(0)
    expect(checks(accepted.stdout).byName.get('auth')!.message).toContain('authentication is on')

    daemon.sim.control.requireApiKey(null)
    const missing = await runCli([
      'doctor',
      '--daemon-url',
      daemon.url,
      '--transport',
      'cli',
      '--hyperctl-path',
      '/nonexistent/hyperctl',
      '--json',
    ])
    expect(missing.code).toBe(1)
    expect(checks(missing.stdout).byName.get('hyperctl')).toMatchObject({ status: 'fail' })
  })
})
