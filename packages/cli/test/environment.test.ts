import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './support/cli-process.js'
import { startDaemon, type TestDaemon, VC_PASSWORD } from './support/sim.js'

interface Setting {
  option: string
  value: string
  source: string
  env: string[]
}

/** A value each option accepts from its variable, and how `config` shows it; every option needs one. */
const SAMPLES: Record<string, [string, string]> = {
  'daemon-url': ['http://127.0.0.1:9', 'http://127.0.0.1:9'],
  'api-key': ['key-from-env-4711', '********'],
  'hyperctl-path': ['/opt/hyperctl', '/opt/hyperctl'],
  transport: ['api', 'api'],
  timeout: ['90m', '90m'],
  output: ['/exports/x', '/exports/x'],
  'job-file': ['nightly.yaml', 'nightly.yaml'],
  'vcenter-server': ['vc.example.test', 'vc.example.test'],
  'vcenter-username': ['exporter', 'exporter'],
  'export-method': ['govc', 'govc'],
  format: ['ova', 'ova'],
  datacenter: ['DC1', 'DC1'],
  'parallel-downloads': ['3', '3'],
  'idempotency-key': ['nightly-1', 'nightly-1'],
  'poll-interval': ['2s', '2s'],
  'max-concurrent': ['4', '4'],
  verify: ['required', 'required'],
  status: ['running,failed', 'running,failed'],
}

async function settings(env: NodeJS.ProcessEnv): Promise<Setting[]> {
  const result = await runCli(['config', '--json'], env)
  expect(result.code, result.stderr).toBe(0)
  return (JSON.parse(result.stdout) as { settings: Setting[] }).settings
}

describe('every option from the environment', () => {
  // why: two config runs per option, some fifty child processes
  it('has a HYPERCTL_EXPORT_<FLAG> variable that config shows as the source, the password masked', {
    timeout: 120_000,
  }, async () => {
    const rows = (await settings({})).filter((s) => s.option.startsWith('--'))
    expect(rows.length).toBeGreaterThan(20)
    for (const row of rows) {
      const name = row.option.slice(2)
      // why: config --json is itself the flag; the export below takes HYPERCTL_EXPORT_JSON
      if (name === 'json') continue
      const variable = `HYPERCTL_EXPORT_${name.toUpperCase().replaceAll('-', '_')}`
      expect(row.env[0], row.option).toBe(variable)
      // a switch (off by default) is turned on by 1; every other option needs a sample above
      const [given, shown] = row.value === 'off' ? ['1', 'on'] : (SAMPLES[name] ?? [])
      expect(given, `a sample value for ${row.option}`).toBeDefined()
      const after = (await settings({ [variable]: given })).find((s) => s.option === row.option)!
      expect([after.value, after.source], row.option).toEqual([shown, `env ${variable}`])
      // the flag wins over the variable
      if (row.value !== 'off' && name !== 'api-key') {
        const flagged = await runCli(['config', '--json', `--${name}`, given!], { [variable]: 'x' })
        const shownFlag = (JSON.parse(flagged.stdout) as { settings: Setting[] }).settings.find(
          (s) => s.option === row.option,
        )!
        expect([shownFlag.value, shownFlag.source], row.option).toEqual([shown, 'flag'])
      }
    }
    const password = (await settings({ HYPERCTL_EXPORT_VCENTER_PASSWORD: 'pw-4711' })).find(
      (s) => !s.option.startsWith('--'),
    )!
    expect([password.value, password.source]).toEqual(['********', 'env HYPERCTL_EXPORT_VCENTER_PASSWORD'])
  })

  describe('on a real export', () => {
    let daemon: TestDaemon
    beforeAll(async () => {
      daemon = await startDaemon()
    })
    afterAll(async () => {
      await daemon.stop()
    })

    it('submits a job made from variables alone', async () => {
      const result = await runCli(['submit', '/DC/vm/env-01'], {
        HYPERCTL_EXPORT_DAEMON_URL: daemon.url,
        HYPERCTL_EXPORT_TRANSPORT: 'api',
        HYPERCTL_EXPORT_OUTPUT: daemon.out,
        HYPERCTL_EXPORT_VCENTER_SERVER: 'vc.example.test',
        HYPERCTL_EXPORT_VCENTER_USERNAME: 'exporter@vsphere.local',
        HYPERCTL_EXPORT_VCENTER_INSECURE: 'yes',
        HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD,
        HYPERCTL_EXPORT_EXPORT_METHOD: 'govc',
        HYPERCTL_EXPORT_DATACENTER: 'DC1',
        HYPERCTL_EXPORT_IDEMPOTENCY_KEY: 'from-env',
        HYPERCTL_EXPORT_JSON: '1',
      })
      expect(result.code, result.stderr).toBe(0)
      const [job] = daemon.sim.control.jobs()
      expect(job!.definition).toMatchObject({
        vm_path: '/DC/vm/env-01',
        output_path: daemon.out,
        export_method: 'govc',
        datacenter: 'DC1',
        vcenter: { server: 'vc.example.test', username: 'exporter@vsphere.local', insecure: true },
      })
      // HYPERCTL_EXPORT_JSON: the document on stdout, with the job under the key-derived ID
      const document = JSON.parse(result.stdout) as { jobs: { jobId: string }[] }
      expect(document.jobs.map((j) => j.jobId)).toEqual([job!.definition.id])
      const again = await runCli(['submit', '/DC/vm/env-01'], {
        HYPERCTL_EXPORT_DAEMON_URL: daemon.url,
        HYPERCTL_EXPORT_OUTPUT: daemon.out,
        HYPERCTL_EXPORT_VCENTER_SERVER: 'vc.example.test',
        HYPERCTL_EXPORT_VCENTER_USERNAME: 'exporter@vsphere.local',
        HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD,
        HYPERCTL_EXPORT_IDEMPOTENCY_KEY: 'from-env',
      })
      expect(again.code, again.stderr).toBe(0)
      expect(daemon.sim.control.jobs()).toHaveLength(1)
    })
  })
})

describe('the README', () => {
  it('documents every variable the CLI and core read, and shows the live display recorded from a run', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
    const shipped = await Promise.all(
      ['../dist', '../../core/dist'].map(async (dir) => {
        const { readdir } = await import('node:fs/promises')
        const files = (await readdir(new URL(dir, import.meta.url), { recursive: true })).filter((f) =>
          f.endsWith('.js'),
        )
        return Promise.all(files.map((f) => readFile(new URL(`${dir}/${f}`, import.meta.url), 'utf8')))
      }),
    )
    const code = shipped.flat().join('\n')
    const read = new Set<string>()
    for (const match of code.matchAll(/\benv(?:\?\.|\.)([A-Z][A-Z0-9_]+)\b/g)) read.add(match[1]!)
    for (const match of code.matchAll(/\b([A-Z][A-Z0-9_]+_ENV) = '([A-Z][A-Z0-9_]+)'/g)) read.add(match[2]!)
    // why: PATH and PATHEXT are the system's; the test hook is set by this package's own tests only
    for (const name of ['PATH', 'PATHEXT', 'HYPERCTL_EXPORT_TEST_OPTION_READS']) read.delete(name)
    expect(read.size).toBeGreaterThan(5)
    const undocumented = [...read].filter((name) => !readme.includes(`\`${name}\``))
    expect(undocumented).toEqual([])
    expect(readme).toMatch(/!\[[^\]]*\]\(docs\/live-display\.svg\)/)
  })
})
