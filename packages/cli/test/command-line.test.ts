import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMMANDS } from '../src/command-table.js'
import { closedPort, HYPERCTL_SIM, runCli } from './support/cli-process.js'
import { startDaemon, type TestDaemon, VC_PASSWORD } from './support/sim.js'

describe('help and usage errors', () => {
  it('prints the same help for `help <command>` and `<command> --help`, and exits 0', async () => {
    for (const { name } of COMMANDS) {
      const [viaHelp, viaFlag] = await Promise.all([runCli(['help', name]), runCli([name, '--help'])])
      expect(viaHelp.code, name).toBe(0)
      expect(viaHelp.stdout, name).toBe(viaFlag.stdout)
      expect(viaHelp.stdout, name).toContain(`hyperctl-export ${name}`)
    }
    const [overview, viaFlag] = await Promise.all([runCli(['help']), runCli(['--help'])])
    expect([overview.code, overview.stdout]).toEqual([0, viaFlag.stdout])
  })

  it('suggests the closest command, option and value, and exits 2', async () => {
    const cases: [string[], string][] = [
      [['exprot'], 'error: unknown command "exprot"; did you mean "export"?'],
      [['jobs', '--status', 'runing'], 'not "runing"; did you mean "running"?'],
      [
        ['export', '/vm', '--exprot-method', 'web'],
        'unknown option --exprot-method; did you mean --export-method?',
      ],
      [['status', '--transport', 'apy'], 'did you mean "api"?'],
    ]
    for (const [argv, message] of cases) {
      const result = await runCli(argv)
      expect(result.code, argv.join(' ')).toBe(2)
      expect(result.stderr, argv.join(' ')).toContain(message)
    }
  })

  it('says in one line of its own that an option is unknown', async () => {
    const result = await runCli(['export', '--bogus-flag'])
    expect(result.code).toBe(2)
    const [error, hint, ...rest] = result.stderr.split('\n')
    expect(error).toBe('error: unknown option --bogus-flag')
    expect(hint).toMatch(/^hint: /)
    expect(rest.join('')).toBe('')
  })
})

describe('the options each command lists', () => {
  let daemon: TestDaemon
  let work: string
  beforeAll(async () => {
    daemon = await startDaemon({ autoAdvance: true, jobDurationMs: 50 })
    work = await mkdtemp(join(tmpdir(), 'cli-options-'))
  })
  afterAll(async () => {
    await daemon.stop()
    await rm(work, { recursive: true, force: true })
  })

  /** A valid value for every option, so each command gets as far as using all it was given. */
  function valueFor(option: string, jobFile: string): string[] {
    const values: Record<string, string> = {
      'daemon-url': daemon.url,
      'api-key': 'any-key',
      'hyperctl-path': HYPERCTL_SIM,
      transport: 'api',
      timeout: '10s',
      output: daemon.out,
      'job-file': jobFile,
      'vcenter-server': 'vcenter.test.invalid',
      'vcenter-username': 'exporter@vsphere.local',
      'export-method': 'web',
      format: 'ovf',
      datacenter: 'DC',
      'parallel-downloads': '2',
      'idempotency-key': `key-${Math.random()}`,
      'poll-interval': '20ms',
      'max-concurrent': '1',
      verify: 'auto',
      status: 'completed',
    }
    const value = values[option]
    return value === undefined ? [`--${option}`] : [`--${option}`, value]
  }

  /** The options a help text lists, by group heading, each with the text under it. */
  function listedOptions(help: string): { group: string; name: string; text: string }[] {
    const listed: { group: string; name: string; text: string }[] = []
    let group = ''
    for (const line of help.split('\n')) {
      const heading = /^(\w+) options:$/.exec(line)
      if (heading) group = heading[1]!
      else if (/^\S/.test(line)) group = ''
      const option = /^ {2}(?:-\w, )?--([a-z-]+)/.exec(line)
      if (group && option) listed.push({ group, name: option[1]!, text: line })
      else if (group && listed.length > 0 && /^ {4,}\S/.test(line)) listed.at(-1)!.text += `\n${line}`
    }
    return listed
  }

  // why: it runs every command once, a dozen child processes in a row
  it('reads every option its help lists, for every command, and the help groups them with their defaults and variables', {
    timeout: 120_000,
  }, async () => {
    const jobFile = join(work, 'jobs.yaml')
    await writeFile(jobFile, 'jobs:\n  - vm_path: /DC/vm/a\n')
    const submitted = await runCli(
      [
        'submit',
        '/DC/vm/x',
        '-o',
        daemon.out,
        '--daemon-url',
        daemon.url,
        '--vcenter-server',
        'v',
        '--vcenter-username',
        'u',
      ],
      { HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD },
    )
    const id = submitted.stdout.trim()
    expect(id).not.toBe('')
    // the defaults as `config` reports them, to hold each help text against
    const config = JSON.parse((await runCli(['config', '--json'])).stdout) as {
      settings: { option: string; value: string; source: string }[]
    }
    const defaults = new Map(
      config.settings.filter((s) => s.source === 'default').map((s) => [s.option, s.value]),
    )
    const top = (await runCli(['help'])).stdout
    const commands = [...top.matchAll(/^ {2}([a-z]+) {2,}\S/gm)].map((m) => m[1]!)
    expect(commands).toEqual(COMMANDS.map((c) => c.name))
    for (const name of commands) {
      const help = (await runCli(['help', name])).stdout
      // the help of help is the overview, with the global options every command takes
      if (name === 'help') {
        expect(help).toBe(top)
        continue
      }
      const listed = listedOptions(help)
      const groups = [...new Set(listed.map((o) => o.group))]
      const order = ['Connection', 'Export', 'Waiting', 'Output']
      expect(groups, name).toEqual(order.filter((g) => groups.includes(g)))
      for (const option of listed) {
        const variable = `HYPERCTL_EXPORT_${option.name.toUpperCase().replaceAll('-', '_')}`
        expect(option.text, `${name} --${option.name}`).toMatch(new RegExp(`env ${variable}\\b`))
        const fallback = defaults.get(`--${option.name}`)
        if (fallback && fallback !== 'off')
          expect(option.text, `${name} --${option.name}`).toContain(`default ${fallback}`)
      }
      const spec = COMMANDS.find((c) => c.name === name)!
      if (listed.length === 0) continue
      const args = spec.min > 0 ? [id] : []
      const options = listed.flatMap((o) => valueFor(o.name, jobFile))
      const result = await runCli([name, ...args, ...options], {
        HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD,
        HYPERCTL_EXPORT_TEST_OPTION_READS: '1',
      })
      const reads = /option reads: (.*)/.exec(result.stderr)?.[1]?.split(' ') ?? []
      const ignored = listed.map((o) => o.name).filter((o) => !reads.includes(o))
      expect(ignored, `${name} lists options it ignores:\n${result.stderr}`).toEqual([])
    }
  })
})

describe('options from the environment', () => {
  it('takes the flag over HYPERCTL_EXPORT_<FLAG> over the older variable over the default, and masks secrets', async () => {
    const result = await runCli(['config', '--timeout', '5m', '--json'], {
      HYPERCTL_EXPORT_TIMEOUT: '2h',
      HYPERCTL_EXPORT_DAEMON_URL: 'http://127.0.0.1:9',
      HYPERVISORD_URL: 'http://127.0.0.1:10',
      HYPERVISORD_API_KEY: 'old-key-4711',
      HYPERCTL_EXPORT_VCENTER_SERVER: 'vc.example.test',
      HYPERCTL_EXPORT_VCENTER_USERNAME: 'exporter',
      HYPERCTL_EXPORT_VCENTER_PASSWORD: 'pw-4711',
      HYPERCTL_EXPORT_FAIL_FAST: '1',
    })
    expect(result.code).toBe(0)
    expect(result.stdout).not.toContain('4711')
    const rows = new Map(
      (JSON.parse(result.stdout).settings as { option: string; value: string; source: string }[]).map((r) => [
        r.option,
        [r.value, r.source],
      ]),
    )
    expect(rows.get('--timeout')).toEqual(['5m', 'flag'])
    expect(rows.get('--daemon-url')).toEqual(['http://127.0.0.1:9', 'env HYPERCTL_EXPORT_DAEMON_URL'])
    expect(rows.get('--api-key')).toEqual(['********', 'env HYPERVISORD_API_KEY'])
    expect(rows.get('--vcenter-server')).toEqual(['vc.example.test', 'env HYPERCTL_EXPORT_VCENTER_SERVER'])
    expect(rows.get('--vcenter-username')).toEqual(['exporter', 'env HYPERCTL_EXPORT_VCENTER_USERNAME'])
    expect(rows.get('--fail-fast')).toEqual(['on', 'env HYPERCTL_EXPORT_FAIL_FAST'])
    expect(rows.get('--poll-interval')).toEqual(['5s', 'default'])
    expect(rows.get('vCenter password')).toEqual(['********', 'env HYPERCTL_EXPORT_VCENTER_PASSWORD'])
  })

  it('uses a variable as the flag it stands for', async () => {
    const result = await runCli(['status'], {
      HYPERCTL_EXPORT_DAEMON_URL: 'http://127.0.0.1:9',
      HYPERCTL_EXPORT_TRANSPORT: 'apo',
    })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      'HYPERCTL_EXPORT_TRANSPORT must be auto, cli or api, not "apo"; did you mean "api"?',
    )
  })
})

describe('hyperctl-export completion', () => {
  it('completes `hyperctl-export ex<TAB>` to export in an interactive bash', async () => {
    const script = await runCli(['completion', 'bash'])
    expect(script.code).toBe(0)
    const dir = await mkdtemp(join(tmpdir(), 'cli-completion-'))
    try {
      const file = join(dir, 'completion.bash')
      await writeFile(file, script.stdout)
      const complete = (line: string) => {
        const words = line.split(' ')
        const driver = [
          `source ${JSON.stringify(file)}`,
          `COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')})`,
          `COMP_CWORD=${words.length - 1}`,
          `COMP_LINE=${JSON.stringify(line)}`,
          '_hyperctl_export',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: bash text
          'printf "%s\\n" "${COMPREPLY[@]}"',
        ].join('\n')
        const run = spawnSync('bash', ['-i', '-c', driver], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH, HOME: dir },
        })
        return run.stdout.trim().split('\n')
      }
      expect(complete('hyperctl-export ex')).toEqual(['export'])
      expect(complete('hyperctl-export jobs --sta')).toEqual(['--status'])
      expect(complete('hyperctl-export status --transport a')).toEqual(['auto', 'api'])
      expect(complete('hyperctl-export jobs --status running,fa')).toEqual(['running,failed'])
      expect(complete('hyperctl-export help do')).toEqual(['doctor'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('prints zsh and fish scripts with every command', async () => {
    for (const shell of ['zsh', 'fish']) {
      const result = await runCli(['completion', shell])
      expect(result.code).toBe(0)
      for (const { name } of COMMANDS) expect(result.stdout).toContain(name)
    }
  })
})

describe('a request that never left', () => {
  it('says in one line that nothing was submitted: a port fetch will not dial (9, 6000), a refused connection', async () => {
    const refused = await closedPort()
    const cases: [number, string][] = [
      [9, 'fetch will not connect to port 9 (bad port)'],
      [6000, 'fetch will not connect to port 6000 (bad port)'],
      [refused, `connect ECONNREFUSED 127.0.0.1:${refused}`],
    ]
    for (const [port, detail] of cases) {
      const url = `http://127.0.0.1:${port}`
      const result = await runCli(
        [
          'export',
          '/DC/vm/a',
          '-o',
          '/e',
          '--daemon-url',
          url,
          '--vcenter-server',
          'v',
          '--vcenter-username',
          'u',
        ],
        { HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD },
      )
      expect(result.code, url).toBe(3)
      const error = result.stderr.split('\n').find((line) => line.startsWith('error:'))
      expect(error, url).toBe(
        `error: hypervisord at ${url} could not be reached: POST /jobs/submit failed: ${detail}; nothing was submitted`,
      )
      expect(result.stderr, url).not.toContain('were submitted')
      expect(result.stdout, url).toBe('')
    }
  })
})

describe('--verbose', () => {
  let daemon: TestDaemon
  beforeAll(async () => {
    daemon = await startDaemon({ apiKey: 'api-key-4711' })
  })
  afterAll(async () => {
    await daemon.stop()
  })

  it('logs each daemon request with method, path, status and time, and no secret', async () => {
    const result = await runCli(
      [
        'submit',
        '/DC/vm/a',
        '-o',
        daemon.out,
        '--daemon-url',
        daemon.url,
        '-v',
        '--vcenter-server',
        'v',
        '--vcenter-username',
        'u',
      ],
      { HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD, HYPERCTL_EXPORT_API_KEY: 'api-key-4711' },
    )
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/^verbose: POST \/jobs\/submit → 200 \(\d+ ms\)$/m)
    expect(result.stderr).not.toContain(VC_PASSWORD)
    expect(result.stderr).not.toContain('api-key-4711')
    const quiet = await runCli(['jobs', '--daemon-url', daemon.url], {
      HYPERCTL_EXPORT_API_KEY: 'api-key-4711',
    })
    expect(quiet.stderr).not.toContain('verbose:')
  })

  it('logs each hyperctl command line with its exit code', async () => {
    const result = await runCli(
      [
        'jobs',
        '--transport',
        'cli',
        '--hyperctl-path',
        HYPERCTL_SIM,
        '--daemon-url',
        'http://localhost:8080',
        '--verbose',
      ],
      { HYPERCTL_SIM_DAEMON_URL: 'http://localhost:8080' },
    )
    expect(result.stderr).toMatch(/^verbose: \S*hyperctl-sim\.js query -all → exit \d+ \(\d+ ms\)$/m)
  })
})

describe('words and numbers', () => {
  let daemon: TestDaemon
  beforeAll(async () => {
    daemon = await startDaemon()
  })
  afterAll(async () => {
    await daemon.stop()
  })

  it('prints the uptime as a person reads it, not Go duration text', async () => {
    const result = await runCli(['status', '--daemon-url', daemon.url])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^uptime +\d+(ms|s)$/m)
    expect(result.stdout).not.toMatch(/\d\.\d+s/)
    const doctor = await runCli(['doctor', '--daemon-url', daemon.url])
    expect(doctor.stdout).not.toMatch(/up \d+\.\d+s/)
  })

  it('lines doctor messages up after the widest check name', async () => {
    const result = await runCli(['doctor', '--daemon-url', daemon.url])
    const rows = result.stdout.split('\n').filter((line) => /^\S /.test(line) && !line.startsWith('ready'))
    expect(rows.length).toBeGreaterThan(4)
    const starts = rows.map((row) => /^\S (\S+(?: \S+)?) +/.exec(row)![0].length)
    expect(new Set(starts).size).toBe(1)
    expect(result.stdout).toMatch(/^✔ daemon version {2}hypervisord/m)
  })
})
