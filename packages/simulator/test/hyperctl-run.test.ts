import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { decodeGoJson, type HyperctlSimIO, QUERY_RESPONSE, runHyperctlSim } from '../src/hyperctl/index.js'
import { Spinner } from '../src/hyperctl/spinner.js'
import { closedPortUrl, type RecordedRequest, replayServer } from './hyperctl-support.js'

interface Run {
  code: number
  stdout: string
  stderr: string
  stdoutBytes: Buffer
}

async function run(
  args: string[],
  env: Record<string, string> = {},
  extra: Partial<HyperctlSimIO> = {},
): Promise<Run> {
  const out: Buffer[] = []
  const err: Buffer[] = []
  const code = await runHyperctlSim(args, {
    stdout: { write: (b) => out.push(Buffer.from(b)) },
    stderr: { write: (b) => err.push(Buffer.from(b)) },
    env: { NO_COLOR: '1', HYPERCTL_SIM_SPINNER_FRAMES: '1', ...env },
    ...extra,
  })
  const stdoutBytes = Buffer.concat(out)
  return {
    code,
    stdout: stdoutBytes.toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    stdoutBytes,
  }
}

const QUERY_REPLY = {
  jobs: [
    {
      definition: {
        id: '2545e058-b89e-4692-8e5d-47214a8ea293',
        name: 'web-01',
        vm_path: '/Datacenter/vm/web-01',
      },
      status: 'running',
      progress: { phase: 'exporting', percent_complete: 45.67 },
      started_at: '2026-02-10T14:03:27.481920337Z',
      updated_at: '2026-02-10T14:03:37Z',
    },
  ],
  total: 1,
  timestamp: '2026-02-10T14:03:40Z',
}

const json = (value: unknown) => ({
  status: 200,
  contentType: 'application/json',
  body: `${JSON.stringify(value)}\n`,
})

let servers: Array<{ close: () => Promise<void> }> = []
async function serve(reply: Parameters<typeof replayServer>[0]) {
  const server = await replayServer(reply)
  servers.push(server)
  return server
}
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
})

describe('runHyperctlSim', () => {
  describe('command line', () => {
    it('prints the version and exits 0 even after a -daemon flag', async () => {
      expect(await run(['-daemon', 'http://h:9090', '-version'])).toMatchObject({
        code: 0,
        stdout: 'hyperctl version 0.0.1\n',
        stderr: '',
      })
    })

    it('treats -daemon as an unknown command and prints the help screen with exit 1', async () => {
      const r = await run(['-daemon', 'http://h:9090', 'submit', '-vm', '/a'])
      expect(r.code).toBe(1)
      expect(r.stdout.startsWith('  ERROR   Unknown command: -daemon\nHYPERCTL')).toBe(true)
      expect(r.stdout).toContain('| submit -file     | Submit from YAML/JSON  |')
    })

    it('calls `version` without a dash an unknown command', async () => {
      const r = await run(['version'])
      expect(r.code).toBe(1)
      expect(r.stdout).toContain('Unknown command: version')
    })

    it('prints the help screen and exits 1 without arguments, 0 for help', async () => {
      const none = await run([])
      const help = await run(['help'])
      expect(none.code).toBe(1)
      expect(help.code).toBe(0)
      expect(none.stdout).toBe(help.stdout)
      expect(help.stdout).toContain('hyperctl-sim: simplified help screen')
    })

    it('prints the global usage on stderr and exits 0 for -h, named after argv0', async () => {
      const r = await run(['-h'], { HYPERCTL_SIM_ARGV0: '/usr/local/bin/hyperctl' })
      expect(r).toMatchObject({
        code: 0,
        stdout: '',
        stderr:
          'Usage of /usr/local/bin/hyperctl:\n  -daemon string\n    \tDaemon URL (default "http://localhost:8080")\n  -version\n    \tShow version\n',
      })
    })

    it('exits 2 with the flag error and the usage for a missing value', async () => {
      const r = await run(['-daemon'])
      expect(r.code).toBe(2)
      expect(r.stderr.startsWith('flag needs an argument: -daemon\nUsage of hyperctl:\n')).toBe(true)
    })

    it('exits 2 on a bad boolean and 0 on -help of a command', async () => {
      const bad = await run(['query', '-all=yes'])
      expect(bad.code).toBe(2)
      expect(bad.stderr).toBe(
        'invalid boolean value "yes" for -all: parse error\nUsage of query:\n  -all\n    \tQuery all jobs\n  -id string\n    \tQuery specific job ID\n  -status string\n    \tFilter by status (running,completed,failed)\n',
      )
      const help = await run(['cancel', '--help'])
      expect(help).toMatchObject({
        code: 0,
        stderr: 'Usage of cancel:\n  -id string\n    \tJob ID to cancel (comma-separated for multiple)\n',
      })
      expect((await run(['status', '-x'])).stderr).toBe(
        'flag provided but not defined: -x\nUsage of status:\n',
      )
    })

    it('prints cancel without -id as an error line on stdout, with no request and exit 1', async () => {
      expect(await run(['cancel'], { HYPERCTL_SIM_DAEMON_URL: 'http://127.0.0.1:9' })).toMatchObject({
        code: 1,
        stdout: '  ERROR   Job ID required (-id)\n',
        stderr: '',
      })
    })

    it('fails through the spinner, before any frame, when submit has neither -file nor -vm', async () => {
      // live frames (no pinned count), as hyperctl-real/submit-missing-args shows them: none
      const r = await run(['submit', '-output', '/x'], { HYPERCTL_SIM_SPINNER_FRAMES: '' })
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr).toBe(`\r${' '.repeat(80)}\r  ERROR   Either -file or -vm must be specified\n`)
    })

    it('reports an unreadable job file with the Go error text', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'hyperctl-sim-'))
      try {
        const missing = await run(['submit', '-file', 'nope.yaml'], {}, { cwd: dir })
        expect(missing.stderr).toContain(
          '  ERROR   Failed to read file: open nope.yaml: no such file or directory\n',
        )
        const directory = await run(['submit', '-file', '.'], {}, { cwd: dir })
        expect(directory.stderr).toContain('Failed to read file: read .: is a directory\n')
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    })

    it('refuses a command it does not simulate with exit 125', async () => {
      const r = await run(['watch', 'abc'])
      expect(r.code).toBe(125)
      expect(r.stderr).toContain('"watch" is a hyperctl command this simulator does not reproduce')
    })
  })

  describe('requests', () => {
    async function requestOf(args: string[], files: Record<string, string> = {}): Promise<RecordedRequest> {
      const server = await serve(
        json({ job_ids: [], accepted: 0, rejected: 0, cancelled: [], failed: [], total: 0 }),
      )
      const dir = await mkdtemp(join(tmpdir(), 'hyperctl-sim-'))
      try {
        for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content)
        await run(args, { HYPERCTL_SIM_DAEMON_URL: server.url }, { cwd: dir })
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
      expect(server.requests).toHaveLength(1)
      return server.requests[0]!
    }

    it('marshals a -vm job like Go: HTML-escaped, default output ./export-<base>', async () => {
      expect(await requestOf(['submit', '-vm', '/DC/vm/a&b<c>/web-01/'])).toEqual({
        method: 'POST',
        path: '/jobs/submit',
        contentType: 'application/json',
        body: '{"id":"","name":"web-01","vm_path":"/DC/vm/a\\u0026b\\u003cc\\u003e/web-01/","output_path":"./export-web-01","created_at":"0001-01-01T00:00:00Z"}',
      })
    })

    it('sends a job file as-is, as YAML only for the exact extensions .yaml and .yml', async () => {
      const yaml = 'jobs:\n  - vm_path: /a\n'
      expect(await requestOf(['submit', '-file', 'j.yml'], { 'j.yml': yaml })).toMatchObject({
        contentType: 'application/x-yaml',
        body: yaml,
      })
      expect(await requestOf(['submit', '-file', 'j.YAML'], { 'j.YAML': yaml })).toMatchObject({
        contentType: 'application/json',
        body: yaml,
      })
    })

    it('splits query -id untrimmed, trims -status values and always sends all', async () => {
      expect((await requestOf(['query', '-id', 'a, b', '-status', ' running , failed'])).body).toBe(
        '{"job_ids":["a"," b"],"status":["running","failed"],"all":false}',
      )
      expect((await requestOf(['query', '-all'])).body).toBe('{"all":true}')
      expect((await requestOf(['query', '-all', 'extra', '-id', 'x'])).body).toBe('{"all":true}')
    })

    it('sends cancel IDs split on commas and status as a bare GET', async () => {
      expect((await requestOf(['cancel', '-id', 'a,,b'])).body).toBe('{"job_ids":["a","","b"]}')
      expect(await requestOf(['status'])).toEqual({
        method: 'GET',
        path: '/status',
        contentType: '',
        body: null,
      })
    })
  })

  describe('replies', () => {
    it('shows the dialed URL in the status output unless a display URL pins it', async () => {
      const reply = {
        version: '0.0.1',
        uptime: '1s',
        total_jobs: 0,
        running_jobs: 0,
        completed_jobs: 0,
        failed_jobs: 0,
      }
      const server = await serve(json(reply))
      const dialed = await run(['status'], { HYPERCTL_SIM_DAEMON_URL: server.url })
      expect(dialed.stdout).toContain(`🔗 Connected to: ${server.url}\n`)
      const pinned = await run(['status'], {
        HYPERCTL_SIM_DAEMON_URL: server.url,
        HYPERCTL_SIM_DISPLAY_URL: 'http://localhost:8080',
      })
      expect(pinned.stdout).toContain('| 📍 URL     | http://localhost:8080 |')
    })

    it('prints a multi-line HTML error body under continuation prefixes', async () => {
      const html = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n</html>\r\n'
      const server = await serve({ status: 502, contentType: 'text/html', body: html })
      const r = await run(['submit', '-vm', '/a'], { HYPERCTL_SIM_DAEMON_URL: server.url })
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(
        r.stderr.endsWith(
          '\r  ERROR   Server error: <html>\r\n          <head><title>502 Bad Gateway</title></head>\r\n          </html>\r\n\n',
        ),
      ).toBe(true)
    })

    it('exits 0 with only rejection lines when every job was rejected', async () => {
      const server = await serve(
        json({ job_ids: [], accepted: 0, rejected: 1, errors: ['job with ID x already exists'] }),
      )
      const r = await run(['submit', '-vm', '/a'], { HYPERCTL_SIM_DAEMON_URL: server.url })
      expect(r).toMatchObject({
        code: 0,
        stdout: ' WARNING  Rejected Jobs: 1\n  ERROR     - job with ID x already exists\n',
      })
      expect(r.stderr.endsWith(' SUCCESS  Submitted 0 job(s)\n')).toBe(true)
    })

    it('decodes a JSON error body of query into an empty result and exits 0', async () => {
      const server = await serve({
        status: 400,
        contentType: 'application/json',
        body: '{"error":"invalid request: EOF"}\n',
      })
      const r = await run(['query', '-all'], { HYPERCTL_SIM_DAEMON_URL: server.url })
      expect(r).toMatchObject({ code: 0, stdout: ' INFO  No jobs found\n' })
    })

    it('fails to parse a 404 text body as a number of the reply type', async () => {
      const server = await serve({
        status: 404,
        contentType: 'text/plain; charset=utf-8',
        body: '404 page not found\n',
      })
      const r = await run(['cancel', '-id', 'x'], { HYPERCTL_SIM_DAEMON_URL: server.url })
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(
        'Failed to parse response: json: cannot unmarshal number into Go value of type models.CancelResponse\n',
      )
    })

    it('crashes like Go with exit 2 when the reply lists a null job', async () => {
      const server = await serve(json({ jobs: [null], total: 1 }))
      const r = await run(['query', '-all'], { HYPERCTL_SIM_DAEMON_URL: server.url })
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toContain(
        'Found 1 job(s)\npanic: runtime error: invalid memory address or nil pointer dereference\n',
      )
    })

    it('writes no escape codes with NO_COLOR and colours without it', async () => {
      const server = await serve(json(QUERY_REPLY))
      const plain = await run(['query', '-all'], { HYPERCTL_SIM_DAEMON_URL: server.url })
      const colored = await run(['query', '-all'], { HYPERCTL_SIM_DAEMON_URL: server.url, NO_COLOR: '' })
      expect(plain.stdoutBytes.includes(0x1b)).toBe(false)
      expect(colored.stdout).toContain('\x1b[32mrunning\x1b[0m')
      expect(plain.stdout).toContain(
        '| 2545e058... | web-01 | /Datacenter/vm/web-01 | running | exporting (45.7%) | 14:03:27 |',
      )
    })

    it('follows a 301 from a POST as a GET without body, like Go', async () => {
      const target = await serve(json(QUERY_REPLY))
      const redirect = http.createServer((_req, res) => {
        res.writeHead(301, { Location: `${target.url}/moved` })
        res.end()
      })
      await new Promise<void>((resolve) => redirect.listen(0, '127.0.0.1', resolve))
      try {
        const port = (redirect.address() as AddressInfo).port
        const r = await run(['query', '-all'], { HYPERCTL_SIM_DAEMON_URL: `http://127.0.0.1:${port}` })
        expect(r.code).toBe(0)
        expect(target.requests).toEqual([
          { method: 'GET', path: '/moved', contentType: 'application/json', body: null },
        ])
      } finally {
        redirect.closeAllConnections()
        await new Promise<void>((resolve) => redirect.close(() => resolve()))
      }
    })
  })

  describe('transport errors', () => {
    it('names the dialed address of a refused connection, or the pinned cause and URL', async () => {
      const url = await closedPortUrl()
      const real = await run(['query', '-all'], { HYPERCTL_SIM_DAEMON_URL: url })
      const port = new URL(url).port
      expect(real.stderr).toContain(
        `  ERROR   Failed to query: Post "${url}/jobs/query": dial tcp 127.0.0.1:${port}: connect: connection refused\n`,
      )
      const pinned = await run(['status'], {
        HYPERCTL_SIM_DAEMON_URL: url,
        HYPERCTL_SIM_DISPLAY_URL: 'http://localhost:8080',
        HYPERCTL_SIM_DIAL_ERROR: 'dial tcp [::1]:8080: connect: connection refused',
      })
      expect(pinned.stderr).toContain(
        'Failed to get status: Get "http://localhost:8080/status": dial tcp [::1]:8080: connect: connection refused\n',
      )
    })

    it('keeps a password in the daemon URL out of the error, as Go does', async () => {
      const url = new URL(await closedPortUrl())
      const r = await run(['status'], { HYPERCTL_SIM_DAEMON_URL: `http://ops:s3cret@${url.host}` })
      expect(r.stderr).toContain(`Get "http://ops:***@${url.host}/status": dial tcp`)
      expect(r.stderr).not.toContain('s3cret')
    })

    it('times out with Go’s client timeout text', async () => {
      const server = await serve('hang')
      const r = await run(['cancel', '-id', 'a'], {
        HYPERCTL_SIM_DAEMON_URL: server.url,
        HYPERCTL_SIM_TIMEOUT_MS: '150',
      })
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(
        `Failed to cancel: Post "${server.url}/jobs/cancel": context deadline exceeded (Client.Timeout exceeded while awaiting headers)\n`,
      )
    })

    it('reports EOF when the daemon closes the connection without answering', async () => {
      const server = await serve('close')
      const r = await run(['submit', '-vm', '/a'], { HYPERCTL_SIM_DAEMON_URL: server.url })
      expect(r.stderr).toContain(`Failed to submit job: Post "${server.url}/jobs/submit": EOF\n`)
    })
  })

  describe('knobs', () => {
    it('clears the pinned terminal width, else the stdout terminal columns', async () => {
      const pinned = await run(['submit'], { HYPERCTL_SIM_TERMINAL_WIDTH: '100' })
      expect(pinned.stderr).toContain(`\r${' '.repeat(100)}\r`)
      const tty = await run(['submit'], {}, { stdoutColumns: 132 })
      expect(tty.stderr).toContain(`\r${' '.repeat(132)}\r`)
    })

    it('draws exactly the pinned number of frames with the timer real timing would show', async () => {
      const r = await run(['submit'], { HYPERCTL_SIM_SPINNER_FRAMES: '8' })
      const timers = [...r.stderr.matchAll(/\((\d+s)\)/g)].map((m) => m[1])
      expect(timers).toEqual(['0s', '0s', '0s', '1s', '1s', '1s', '1s', '1s'])
      expect(
        (await run(['submit'], { HYPERCTL_SIM_SPINNER_FRAMES: '0' })).stderr.startsWith(
          `\r${' '.repeat(80)}`,
        ),
      ).toBe(true)
    })

    it('rejects a malformed knob with exit 125', async () => {
      const r = await run(['status'], { HYPERCTL_SIM_SPINNER_FRAMES: 'many' })
      expect(r.code).toBe(125)
      expect(r.stderr).toContain('HYPERCTL_SIM_SPINNER_FRAMES')
    })
  })

  describe('garbling', () => {
    async function query(garble: string) {
      const server = await serve(json(QUERY_REPLY))
      return run(['query', '-all'], { HYPERCTL_SIM_DAEMON_URL: server.url, HYPERCTL_SIM_GARBLE: garble })
    }

    it('cuts stdout after the given number of bytes', async () => {
      const clean = await query('')
      const cut = await query('cut:100')
      expect(cut.stdoutBytes).toEqual(clean.stdoutBytes.subarray(0, 100))
      expect(cut.stderr).toBe(clean.stderr)
    })

    it('inserts the same stray bytes for the same seed', async () => {
      const clean = await query('')
      const a = await query('stray:7')
      const b = await query('stray:7')
      const c = await query('stray:8')
      expect(a.stdoutBytes).toEqual(b.stdoutBytes)
      expect(a.stdoutBytes.length).toBe(clean.stdoutBytes.length + Math.floor(clean.stdoutBytes.length / 64))
      expect(a.stdoutBytes).not.toEqual(c.stdoutBytes)
    })

    it('adds an unknown column to the query table', async () => {
      expect((await query('unknown-column')).stdout).toMatch(/\| Status +\| Node +\| Progress/)
    })

    it('rejects an unknown garbling mode with exit 125', async () => {
      expect((await query('shuffle')).code).toBe(125)
    })
  })
})

describe('decodeGoJson', () => {
  const decodeError = (body: string) => {
    const r = decodeGoJson(Buffer.from(body), QUERY_RESPONSE)
    return r.ok ? undefined : r.error
  }

  it.each([
    ['', 'EOF'],
    ['  \n', 'EOF'],
    ['unauthorized\n', "invalid character 'u' looking for beginning of value"],
    ['<html>', "invalid character '<' looking for beginning of value"],
    ['404 page not found\n', 'json: cannot unmarshal number into Go value of type models.QueryResponse'],
    ['{"jobs":[', 'unexpected EOF'],
    ['{"total":1,}', "invalid character '}' looking for beginning of object key string"],
    ['{"total" 1}', "invalid character '1' after object key"],
    ['{"total":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"total":"1"}', 'json: cannot unmarshal string into Go struct field QueryResponse.total of type int'],
    [
      '{"total":1.5}',
      'json: cannot unmarshal number 1.5 into Go struct field QueryResponse.total of type int',
    ],
    [
      '{"jobs":{}}',
      'json: cannot unmarshal object into Go struct field QueryResponse.jobs of type []*models.Job',
    ],
    [
      '{"jobs":["x"]}',
      'json: cannot unmarshal string into Go struct field QueryResponse.jobs of type models.Job',
    ],
    [
      '{"jobs":[{"definition":{"id":5}}]}',
      'json: cannot unmarshal number into Go struct field JobDefinition.jobs.definition.id of type string',
    ],
    [
      '{"jobs":[{"progress":{"percent_complete":"50"}}]}',
      'json: cannot unmarshal string into Go struct field JobProgress.jobs.progress.percent_complete of type float64',
    ],
    [
      '{"timestamp":"yesterday"}',
      'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
    ],
    ['{"timestamp":"2026-13-01T00:00:00Z"}', 'parsing time "2026-13-01T00:00:00Z": month out of range'],
    ['{"timestamp":5}', 'Time.UnmarshalJSON: input is not a JSON string'],
    ['{"a":"\x01"}', "invalid character '\\x01' in string literal"],
  ])('reports %j as %j', (body, error) => {
    expect(decodeError(body)).toBe(error)
  })

  it('keeps the first type error and ignores what follows the first value', () => {
    expect(decodeError('{"total":"x","jobs":7}')).toContain('QueryResponse.total of type int')
    const r = decodeGoJson(Buffer.from('{"TOTAL":3} trailing garbage'), QUERY_RESPONSE)
    expect(r).toEqual({ ok: true, value: expect.objectContaining({ total: 3n }) })
  })

  it('replaces invalid UTF-8 and lone surrogate escapes with U+FFFD', () => {
    const body = Buffer.concat([
      Buffer.from('{"jobs":[{"definition":{"name":"a'),
      Buffer.from([0xe2, 0x82]),
      Buffer.from('\\ud800b"}}],"total":1}'),
    ])
    const r = decodeGoJson(body, QUERY_RESPONSE)
    expect(
      r.ok && (r.value as { jobs: Array<{ definition: { name: string } }> }).jobs[0]!.definition.name,
    ).toBe('a\ufffd\ufffd\ufffdb')
  })
})

describe('Spinner', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('draws no frame for a failure before any I/O', () => {
    const written: string[] = []
    const spinner = new Spinner((t) => written.push(t), { color: false }, 'Submitting job(s)...', 80)
    spinner.start()
    vi.advanceTimersByTime(1000)
    spinner.finish('error', 'Either -file or -vm must be specified')
    expect(written).toEqual([`\r${' '.repeat(80)}\r  ERROR   Either -file or -vm must be specified\n`])
  })

  it('draws a frame once it waits on the daemon and every 200 ms, the timer rounding half a second up', () => {
    const written: string[] = []
    const spinner = new Spinner((t) => written.push(t), { color: false }, 'Querying jobs...', 80)
    spinner.start()
    spinner.waiting()
    vi.advanceTimersByTime(650)
    spinner.finish('success', 'Found 0 job(s)')
    vi.advanceTimersByTime(1000)
    expect(written).toEqual([
      '\r▀  Querying jobs... (0s)',
      '\r ▀ Querying jobs... (0s)',
      '\r ▄ Querying jobs... (0s)',
      '\r▄  Querying jobs... (1s)',
      `\r${' '.repeat(80)}\r SUCCESS  Found 0 job(s)\n`,
    ])
  })
})
