import { afterEach, describe, expect, it } from 'vitest'
import { HOSTILE_ERROR, HOSTILE_NAME, rawControls } from '../../core/test/support/hostile-text.js'
import { HYPERCTL_SIM, runCli } from './support/cli-process.js'
import { exportThenFail } from './support/export-then-fail.js'
import { startDaemon, type TestDaemon, VC_PASSWORD } from './support/sim.js'

let daemon: TestDaemon | undefined
afterEach(async () => {
  await daemon?.stop()
  daemon = undefined
})

describe.each(['api', 'cli'] as const)(
  'escape codes, bidi and zero-width characters (%s transport)',
  (transport) => {
    it('reach no line of any command, plain or --json, from a VM name or a daemon error', async () => {
      daemon = await startDaemon()
      const base = ['--daemon-url', daemon.url, '--transport', transport, '--hyperctl-path', HYPERCTL_SIM]
      const env = { HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD, HYPERCTL_SIM_DAEMON_URL: daemon.url }
      const exportOnce = (out: string, extra: string[]) =>
        exportThenFail(
          daemon!,
          { vmPath: `/DC/vm/${HOSTILE_NAME}`, out, error: HOSTILE_ERROR, connection: base, extra },
          env,
        )
      const plain = await exportOnce('plain', [])
      const asJson = await exportOnce('json', ['--json'])
      const runs = {
        export: plain.result,
        'export --json': asJson.result,
        job: await runCli(['job', plain.id, ...base], env),
        'job --json': await runCli(['job', plain.id, ...base, '--json'], env),
        jobs: await runCli(['jobs', ...base], env),
        'jobs --json': await runCli(['jobs', ...base, '--json'], env),
        'wait --json': await runCli(['wait', asJson.id, ...base, '--json'], env),
      }
      for (const [what, result] of Object.entries(runs)) {
        expect(rawControls(result.stdout), `${what} stdout`).toEqual([])
        expect(rawControls(result.stderr), `${what} stderr`).toEqual([])
      }
      // the scan read real text: the name and (where the transport shows it) the error, escaped
      expect(plain.result.code).toBe(1)
      expect(runs.jobs.stdout + runs.jobs.stderr).toMatch(/red\\u202eexe\.txt|red\\u202Eexe\.txt/i)
      if (transport === 'api') expect(plain.result.stdout).toContain('export failed: \\x1b]0;owned\\x07')
    }, 60_000)
  },
)
