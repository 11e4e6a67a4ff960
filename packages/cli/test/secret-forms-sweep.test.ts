import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { echoEveryForm, findSecretForms, SWEEP_SECRETS } from '@hyperctl-export/fixtures'
import { afterEach, describe, expect, it } from 'vitest'
import { type EchoProxy, recordingHyperctl, startEchoProxy } from '../../core/test/support/echo-proxy.js'
import { HYPERCTL_SIM, runCli, startCli } from './support/cli-process.js'
import { startDaemon, type TestDaemon, vcenterArgs } from './support/sim.js'

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

/** Every file under `dir` with its text (what a run left in its temp directory). */
async function filesUnder(dir: string): Promise<Array<{ path: string; text: string }>> {
  const out: Array<{ path: string; text: string }> = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await filesUnder(path)))
    else out.push({ path, text: await readFile(path, 'latin1') })
  }
  return out
}

const cases = (['api', 'cli'] as const).flatMap((transport) =>
  SWEEP_SECRETS.map((secret) => [transport, JSON.stringify(secret), secret] as const),
)

describe('every face of the CLI, both transports, the issue secrets echoed in every form and under every key', () => {
  it.each(cases)(
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
      const exportOnce = async (name: string, extra: string[]) => {
        const run = startCli(
          ['export', `/DC/vm/${name}`, '-o', join(daemon!.out, name), ...base, ...vcenterArgs()]
            .concat(['--poll-interval', '20ms'])
            .concat(extra),
          env,
        )
        const [, id] = await run.waitForStderr(/submitted as job (\S+)/)
        daemon!.sim.control.failJob(id!, echoEveryForm(secret))
        return { id: id!, result: await run.done }
      }
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
      const surfaces = [
        ...runs.flatMap(({ what, result }) => [
          { where: `${what} stdout`, text: result.stdout },
          { where: `${what} stderr`, text: result.stderr },
        ]),
        ...(await filesUnder(temp)).map(({ path, text }) => ({ where: path, text })),
        { where: 'hyperctl argv', text: await recorder.argv() },
      ]
      for (const { where, text } of surfaces) expect(findSecretForms(text, [secret]), where).toEqual([])

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
