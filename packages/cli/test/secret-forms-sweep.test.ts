import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { echoEveryForm } from '@hyperctl-export/fixtures'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type EchoProxy,
  recordingHyperctl,
  SWEEP_CASES,
  secretHits,
  startEchoProxy,
  sweepSurfaces,
} from '../../core/test/support/echo-proxy.js'
import { HYPERCTL_SIM, runCli } from './support/cli-process.js'
import { exportThenFail } from './support/export-then-fail.js'
import { startDaemon, type TestDaemon } from './support/sim.js'

let daemon: TestDaemon | undefined
let proxy: EchoProxy | undefined
const dirs: string[] = []
afterEach(async () => {
  await proxy?.close()
  await daemon?.stop()
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
  daemon = undefined
  proxy = undefined
})

describe('every face of the CLI, both transports, the issue secrets echoed in every form and under every key', () => {
  it.each(SWEEP_CASES)(
    '%s transport: prints, writes and passes on no form of %s',
    async (transport, _, secret) => {
      daemon = await startDaemon()
      proxy = await startEchoProxy(daemon.url, secret)
      const temp = await mkdtemp(join(tmpdir(), 'sweep-tmp-'))
      dirs.push(temp)
      const recorder = await recordingHyperctl(HYPERCTL_SIM)
      const env = {
        HYPERCTL_EXPORT_VCENTER_PASSWORD: secret,
        TMPDIR: temp,
        HYPERCTL_SIM_DAEMON_URL: proxy.url,
      }
      const base = ['--daemon-url', proxy.url, '--transport', transport, '--hyperctl-path', recorder.path]
      const exportOnce = (name: string, extra: string[]) =>
        exportThenFail(
          daemon!,
          { vmPath: `/DC/vm/${name}`, out: name, error: echoEveryForm(secret), connection: base, extra },
          env,
        )
      const asJson = await exportOnce('echo-json', ['--json'])
      const plain = await exportOnce('echo-plain', [])
      const runs = [
        { what: 'export --json', result: asJson.result },
        { what: 'export', result: plain.result },
        { what: 'job', result: await runCli(['job', asJson.id, ...base], env) },
        { what: 'job --json', result: await runCli(['job', asJson.id, ...base, '--json'], env) },
        { what: 'jobs', result: await runCli(['jobs', ...base], env) },
        { what: 'jobs --json', result: await runCli(['jobs', ...base, '--json'], env) },
        { what: 'wait --json', result: await runCli(['wait', plain.id, ...base, '--json'], env) },
      ]
      const streams = runs.map(({ what, result }) => ({ what, stdout: result.stdout, stderr: result.stderr }))
      const surfaces = await sweepSurfaces(streams, temp, recorder.argv)
      expect(secretHits(surfaces, secret)).toEqual([])

      // the scans read real text: the daemon's words and its keyed echo arrived, masked
      expect(asJson.result.code).toBe(1)
      expect(plain.result.code).toBe(1)
      if (transport === 'api') expect(asJson.result.stdout).toContain('vi://exporter:***@vc')
      const job = JSON.parse(runs[3]!.result.stdout).job as Record<string, unknown>
      expect(job.id).toBe(asJson.id)
      if (transport === 'api') {
        // why: the daemon's keyed echo reached the CLI (in the job definition, at depth) and was replaced
        expect(job.definition).toMatchObject({
          pass: '[redacted]',
          db_password: '[redacted]',
          Authorization: '[redacted]',
          echo: { deep: [{ private_key: '[redacted]', apikey: '[redacted]', passwd: '[redacted]' }] },
        })
      }
      if (transport === 'cli') expect(await recorder.argv()).toContain('"query"')
    },
    120_000,
  )
})
