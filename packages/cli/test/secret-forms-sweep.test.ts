import { join } from 'node:path'
import { echoEveryForm, findSecretForms, SWEEP_SECRETS } from '@hyperctl-export/fixtures'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, startCli } from './support/cli-process.js'
import { startDaemon, type TestDaemon, vcenterArgs } from './support/sim.js'

// values under secret-named keys that no redaction by value knows: only redaction by key removes them
const KEYED = {
  db_pass: 'KV-1-db',
  access_token: 'KV-2-token',
  authorization: 'Bearer KV-3-auth',
  cookie: 'KV-4-cookie',
  private_key: 'KV-5-pem',
  client_secret: 'KV-6-client',
  apikey: 'KV-7-key',
  passwd: 'KV-8-passwd',
}

let daemon: TestDaemon | undefined
afterEach(async () => {
  await daemon?.stop()
  daemon = undefined
})

describe('every face of the CLI with the issue secrets echoed in every form (api transport)', () => {
  it.each(SWEEP_SECRETS.map((s) => [JSON.stringify(s), s] as const))(
    'prints no form of %s and no secret-keyed value',
    async (_, secret) => {
      daemon = await startDaemon()
      const env = { HYPERCTL_EXPORT_VCENTER_PASSWORD: secret }
      const base = ['--daemon-url', daemon.url, '--transport', 'api']
      const exportRun = startCli(
        [
          'export',
          '/DC/vm/echo',
          '-o',
          join(daemon.out, 'echo'),
          ...base,
          ...vcenterArgs(),
          '--poll-interval',
          '20ms',
          '--json',
        ],
        env,
      )
      const [, id] = await exportRun.waitForStderr(/submitted as job (\S+)/)
      daemon.sim.control.failJob(id!, `${echoEveryForm(secret)}; reply ${JSON.stringify(KEYED)}`)
      const runs = [
        { what: 'export --json', result: await exportRun.done },
        { what: 'job', result: await runCli(['job', id!, ...base], env) },
        { what: 'job --json', result: await runCli(['job', id!, ...base, '--json'], env) },
        { what: 'jobs --json', result: await runCli(['jobs', ...base, '--json'], env) },
        { what: 'wait --json', result: await runCli(['wait', id!, ...base, '--json'], env) },
      ]
      for (const { what, result } of runs) {
        for (const [stream, text] of [
          ['stdout', result.stdout],
          ['stderr', result.stderr],
        ] as const) {
          expect(findSecretForms(text, [secret]), `${what} ${stream}`).toEqual([])
          expect(text, `${what} ${stream}`).not.toMatch(/KV-\d/)
        }
      }
      // the daemon's words arrived, masked: the scan read real text
      expect(runs[0]!.result.stdout).toContain('vi://exporter:***@vc')
      expect(runs[2]!.result.stdout).toContain('"password": "[redacted]"')
    },
    120_000,
  )
})
