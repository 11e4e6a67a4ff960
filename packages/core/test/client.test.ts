import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { type HyperctlFixture, loadHyperctlFixtures } from '@hyperctl-export/fixtures'
import { afterEach, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { HypervisordClient, type HypervisordClientOptions } from '../src/client/index.js'
import {
  AuthFailedError,
  DaemonError,
  DaemonUnreachableError,
  HyperctlParseError,
  JobNotFoundError,
  OperationAbortedError,
  UsageError,
} from '../src/errors.js'
import type { JobInfo, JobSpec } from '../src/types.js'

interface Received {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

type Handler = (request: Received, response: ServerResponse, index: number) => void

interface FakeDaemon {
  url: string
  requests: Received[]
  /** Resolves when the request with this index (0-based) has arrived. */
  arrived(index: number): Promise<void>
}

const servers: Array<() => Promise<void>> = []

afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()))
})

/** A real HTTP server on 127.0.0.1, closed (sockets destroyed) after each test. */
async function startDaemon(handler: Handler): Promise<FakeDaemon> {
  const requests: Received[] = []
  const waiters: Array<{ index: number; resolve: () => void }> = []
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      const index = requests.push(received) - 1
      for (const w of waiters.filter((w) => w.index <= index)) w.resolve()
      handler(received, res, index)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  )
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    arrived: (index) =>
      index < requests.length
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ index, resolve })),
  }
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers })
  res.end(typeof body === 'string' ? body : `${JSON.stringify(body)}\n`)
}

function text(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, { 'Content-Type': contentType })
  res.end(body)
}

function client(daemon: { url: string }, options: HypervisordClientOptions = {}): HypervisordClient {
  // why: tiny retry delays keep real-socket tests fast; backoff timing is tested with fake timers
  return new HypervisordClient({
    daemonUrl: daemon.url,
    env: {},
    retryMinDelayMs: 1,
    retryMaxDelayMs: 4,
    ...options,
  })
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}

/** Everything an error carries, so a secret anywhere in it is found. */
function everything(error: Error): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    parts.push(current.message, JSON.stringify(current), String((current as { raw?: string }).raw ?? ''))
    current = current.cause
  }
  return parts.join('\n')
}

const fixtures = loadHyperctlFixtures((f) => Boolean(f.case.response && f.case.requests?.length))
const routeOf = (f: HyperctlFixture) => new URL(f.case.requests![0]!.url).pathname

function replay(f: HyperctlFixture): Handler {
  const response = f.case.response!
  return (_req, res) => text(res, response.status, response.body, response.contentType)
}

/** The JobSpecs behind a hyperctl submit request, with the IDs the daemon gave them (ours now). */
function specsFor(f: HyperctlFixture): JobSpec[] {
  const request = f.case.requests![0]!
  const parsed: unknown = request.contentType.includes('yaml')
    ? parseYaml(request.body!)
    : JSON.parse(request.body!)
  const list = (
    Array.isArray(parsed) ? parsed : ((parsed as { jobs?: unknown[] }).jobs ?? [parsed])
  ) as Array<Record<string, unknown>>
  const replyIds = [...((JSON.parse(f.case.response!.body) as { job_ids?: string[] }).job_ids ?? [])]
  return list.map((job, i) => ({
    id: typeof job.id === 'string' && job.id !== '' ? job.id : (replyIds.shift() ?? `fixture-${i}`),
    vmPath: String(job.vm_path ?? '/Datacenter/vm/x'),
    outputPath: String(job.output_path ?? '/exports/x'),
    name: typeof job.name === 'string' ? job.name : undefined,
  }))
}

async function callFor(f: HyperctlFixture, c: HypervisordClient): Promise<unknown> {
  const request = f.case.requests![0]!
  const route = routeOf(f)
  const body =
    route !== '/jobs/submit' && request.body ? (JSON.parse(request.body) as Record<string, unknown>) : {}
  switch (route) {
    case '/jobs/query':
      return c.queryJobs({
        ids: (body.job_ids as string[] | undefined)?.length ? (body.job_ids as string[]) : undefined,
        all: body.all === true,
        status: body.status as JobInfo['status'][] | undefined,
      })
    case '/status':
      return c.checkDaemonStatus()
    case '/jobs/cancel':
      return c.cancelJobs(body.job_ids as string[])
    default:
      return c.submitJobs(
        f.case.response!.status === 200
          ? specsFor(f)
          : [{ id: 'replayed', vmPath: '/Datacenter/vm/x', outputPath: '/exports/x' }],
      )
  }
}

/** The hyperctl table shows 8 bytes of an ID, the last 27 bytes of a VM path, percent to one decimal. */
function expectSameAsTable(jobs: JobInfo[], shown: Array<Record<string, unknown>>): void {
  expect(jobs).toHaveLength(shown.length)
  jobs.forEach((job, i) => {
    const row = shown[i]!
    expect(job.id.startsWith(String(row.id))).toBe(true)
    expect(job.id.length > String(row.id).length).toBe(row.idTruncated)
    expect(job.name.trimEnd()).toBe(row.name)
    const tail = row.vmPathTruncated
      ? Buffer.from(job.vmPath, 'utf8').subarray(-27).toString('utf8')
      : job.vmPath
    expect(tail).toBe(row.vmPath)
    expect(job.status).toBe(row.status)
    expect(job.phase ?? null).toBe(row.phase === '' ? null : row.phase)
    if (row.percent === null) expect(job.percent).toBeUndefined()
    else expect(Math.abs(job.percent! - Number(row.percent))).toBeLessThanOrEqual(0.05 + 1e-9)
    expect(job.startedAt?.slice(11, 19) ?? null).toBe(row.started)
    expect(job.source).toBe('api')
  })
}

describe('HypervisordClient', () => {
  describe('with the daemon replies recorded in the fixtures', () => {
    for (const f of fixtures.filter((f) =>
      ['/jobs/query', '/status', '/jobs/cancel', '/jobs/submit'].includes(routeOf(f)),
    )) {
      it(`reads ${f.name} as hyperctl showed it`, async () => {
        const daemon = await startDaemon(replay(f))
        const c = client(daemon, { retries: 1 })
        const { status, body } = f.case.response!
        let parsable = true
        try {
          JSON.parse(body)
        } catch {
          parsable = false
        }
        if (status === 401 || status === 403) {
          expect(await caught(callFor(f, c))).toBeInstanceOf(AuthFailedError)
          expect(daemon.requests).toHaveLength(1)
          return
        }
        if (status !== 200) {
          const error = await caught(callFor(f, c))
          expect(error).toBeInstanceOf(DaemonError)
          expect((error as DaemonError).status).toBe(status)
          return
        }
        if (!parsable) {
          expect(await caught(callFor(f, c))).toBeInstanceOf(HyperctlParseError)
          return
        }
        if (f.expectsError) {
          // hyperctl could not decode this reply (a null job, a Go type error): we must not guess either,
          // though JSON that Go's stricter types refuse may still be readable here
          const outcome = await callFor(f, c).catch((error: unknown) => error)
          if (outcome instanceof Error) expect(outcome).toBeInstanceOf(HyperctlParseError)
          return
        }
        const result = await callFor(f, c)
        const expected = f.expected as Record<string, unknown>
        switch (routeOf(f)) {
          case '/jobs/query':
            expectSameAsTable(result as JobInfo[], expected.jobs as Array<Record<string, unknown>>)
            break
          case '/status':
            expect({ ...(result as object), url: expected.url }).toMatchObject(expected)
            expect(result).toMatchObject({ url: daemon.url })
            break
          case '/jobs/cancel':
            expect(result).toEqual(expected)
            break
          default: {
            const submitted = (result as Awaited<ReturnType<HypervisordClient['submitJobs']>>).jobs
            expect(submitted.filter((j) => j.accepted).map((j) => j.id)).toEqual(expected.jobIds)
            expect(submitted.filter((j) => !j.accepted).map((j) => j.error)).toEqual(expected.errors ?? [])
          }
        }
      })
    }

    it('finds replies for every route it reads among the fixtures', () => {
      const routes = new Set(fixtures.map(routeOf))
      expect([...routes].sort()).toEqual(
        expect.arrayContaining(['/jobs/cancel', '/jobs/query', '/jobs/submit', '/status']),
      )
    })
  })

  describe('queryJobs', () => {
    const all12 = fixtures.find((f) => f.name === 'query-all-12')!

    it('returns 12 jobs with full IDs, progress, results and error texts for query-all-12', async () => {
      const daemon = await startDaemon(replay(all12))
      const jobs = await client(daemon).queryJobs({ all: true })
      expect(daemon.requests[0]).toMatchObject({ method: 'POST', url: '/jobs/query', body: '{"all":true}' })
      expect(daemon.requests[0]!.headers['content-type']).toBe('application/json')
      expect(jobs.map((j) => j.id)).toEqual([
        'ba78368e-ef45-41f5-9eda-57ac0326af5f',
        '4c2bb811-2336-448b-8de9-aaa329fc9985',
        'd8295d1c-6cac-4c8f-8909-b38cc89cd314',
        '5ce1627f-0f29-4013-b62a-d9fd4d02288d',
        'f39e41cc-44fb-4803-b63e-1bdec794fc07',
        'ce6a3f58-2aab-4b62-b822-d56fa4b01f14',
        '4d814891-429f-4af1-b4a1-590132421306',
        '5851ddc0-55a1-4245-959c-34e065a628a9',
        'fd393e91-1f4e-4993-9f10-948136e3c3ad',
        'nightly-db',
        'job-42',
        'a0f5ad8d-c84f-47c7-b129-f61459f822d3',
      ])
      expect(jobs[0]).toEqual({
        id: 'ba78368e-ef45-41f5-9eda-57ac0326af5f',
        name: 'web-01',
        vmPath: '/Datacenter/vm/production/web-01',
        status: 'running',
        phase: 'exporting',
        percent: 45.67,
        startedAt: '2026-02-11T22:58:40.092770878Z',
        updatedAt: '2026-02-11T22:58:50.068311891Z',
        exportMethod: 'ovftool',
        outputPath: '/exports/web-01',
        definition: {
          id: 'ba78368e-ef45-41f5-9eda-57ac0326af5f',
          name: 'web-01',
          vm_path: '/Datacenter/vm/production/web-01',
          output_path: '/exports/web-01',
          output_dir: '/exports/web-01',
          format: 'ovf',
          created_at: '2026-02-11T22:58:40.092722665Z',
        },
        source: 'api',
      })
      expect(jobs[1]!.result).toEqual({
        files: [],
        totalSize: 0,
        durationMs: 0,
        success: true,
        exportMethod: 'ovftool',
      })
      expect(jobs[1]!.completedAt).toBe('2026-02-11T22:59:10.305469684Z')
      expect(jobs[2]).toMatchObject({
        status: 'failed',
        phase: 'connecting',
        percent: 0,
        error: 'validate job definition: vcenter server is required',
      })
      expect(jobs[2]!.exportMethod).toBeUndefined()
      expect(jobs[7]!.error).toBe('export failed: ovftool export failed: exit status 1')
      const pending = jobs[4]!
      expect(pending).toMatchObject({ status: 'pending', outputPath: '/exports/runner-01' })
      expect(pending.phase).toBeUndefined()
      expect(pending.percent).toBeUndefined()
      expect(pending.startedAt).toBeUndefined()
      expect(pending.result).toBeUndefined()
    })

    it('joins files and output_files and converts the duration to ms for a web export', async () => {
      const completed = fixtures.find((f) => f.name === 'query-completed')!
      const daemon = await startDaemon(replay(completed))
      const [job] = await client(daemon).queryJobs({ ids: ['95b3b334-3782-4ecc-bf86-f580e146311d'] })
      expect(daemon.requests[0]!.body).toBe('{"job_ids":["95b3b334-3782-4ecc-bf86-f580e146311d"]}')
      expect(job!.result).toEqual({
        files: ['/exports/db-primary/db-primary.ovf', '/exports/db-primary/db-primary-disk1.vmdk'],
        totalSize: 21474836480,
        durationMs: 0,
        success: true,
        exportMethod: 'web',
      })
      expect(job!.exportMethod).toBe('web')
      expect(job!.phase).toBe('connecting')
    })

    it('sends the status filter and returns [] for "jobs": null', async () => {
      const daemon = await startDaemon((_req, res) =>
        json(res, 200, '{"jobs":null,"total":0,"timestamp":"x"}\n'),
      )
      expect(await client(daemon).queryJobs({ status: ['running', 'pending'] })).toEqual([])
      expect(daemon.requests[0]!.body).toBe('{"status":["running","pending"]}')
    })

    it('asks for all jobs when the filter is empty', async () => {
      const daemon = await startDaemon((_req, res) => json(res, 200, { jobs: null, total: 0 }))
      await client(daemon).queryJobs({})
      expect(daemon.requests[0]!.body).toBe('{"all":true}')
    })

    it('returns [] without a request when the ID list is empty', async () => {
      const daemon = await startDaemon((_req, res) => json(res, 200, { jobs: null, total: 0 }))
      expect(await client(daemon).queryJobs({ ids: [] })).toEqual([])
      expect(daemon.requests).toHaveLength(0)
    })

    it('throws HyperctlParseError with the raw body when a job in the list is null', async () => {
      const body = '{"jobs":[null],"total":1,"timestamp":"2026-02-10T09:41:12Z"}\n'
      const daemon = await startDaemon((_req, res) => json(res, 200, body))
      const error = await caught(client(daemon).queryJobs({ all: true }))
      expect(error).toBeInstanceOf(HyperctlParseError)
      expect((error as HyperctlParseError).raw).toBe(body)
    })

    it('throws HyperctlParseError when a job has a status this library does not know', async () => {
      const job = { definition: { id: 'a', name: 'a', vm_path: '/vm/a' }, status: 'paused', updated_at: 'x' }
      const daemon = await startDaemon((_req, res) => json(res, 200, { jobs: [job], total: 1 }))
      const error = await caught(client(daemon).queryJobs({ all: true }))
      expect(error).toBeInstanceOf(HyperctlParseError)
      expect(error.message).toContain('a job reply')
      expect((error as HyperctlParseError).raw).toContain('"paused"')
    })

    it('throws HyperctlParseError with the redacted text when the reply is not JSON', async () => {
      const daemon = await startDaemon((_req, res) =>
        text(res, 200, '{"jobs":[{"definition":{"vcenter":{"password":"s3cr'),
      )
      const error = await caught(client(daemon).queryJobs({ all: true }))
      expect(error).toBeInstanceOf(HyperctlParseError)
      expect((error as HyperctlParseError).raw).toBe(
        '{"jobs":[{"definition":{"vcenter":{"password":"[redacted]"',
      )
      expect(everything(error)).not.toContain('s3cr')
    })
  })

  describe('getJob', () => {
    const running = JSON.parse(fixtures.find((f) => f.name === 'query-running')!.case.response!.body).jobs[0]

    it('maps GET /jobs/{id}', async () => {
      const daemon = await startDaemon((_req, res) => json(res, 200, running))
      const job = await client(daemon).getJob('2545e058-b89e-4692-8e5d-47214a8ea293')
      expect(daemon.requests[0]).toMatchObject({
        method: 'GET',
        url: '/jobs/2545e058-b89e-4692-8e5d-47214a8ea293',
      })
      expect(job).toMatchObject({
        id: '2545e058-b89e-4692-8e5d-47214a8ea293',
        status: 'running',
        percent: 45.67,
      })
    })

    it('throws JobNotFoundError without retrying when the daemon answers 404 job not found', async () => {
      const daemon = await startDaemon((_req, res) =>
        json(res, 404, { error: 'job not found: gone', timestamp: '2026-02-10T14:05:00Z' }),
      )
      const error = await caught(client(daemon).getJob('gone'))
      expect(error).toBeInstanceOf(JobNotFoundError)
      expect((error as JobNotFoundError).jobId).toBe('gone')
      expect(daemon.requests).toHaveLength(1)
    })

    it('throws DaemonError, not JobNotFoundError, for a plain 404 page (a wrong daemon URL)', async () => {
      const daemon = await startDaemon((_req, res) => text(res, 404, '404 page not found\n'))
      const error = await caught(client(daemon).getJob('x'))
      expect(error).toBeInstanceOf(DaemonError)
      expect(error).toMatchObject({ status: 404, daemonMessage: '404 page not found' })
    })

    it('refuses IDs the daemon cannot route, before any request', async () => {
      const daemon = await startDaemon((_req, res) => json(res, 200, running))
      for (const id of ['a/b', '', 'query', 'submit', 'cancel', '..']) {
        expect(await caught(client(daemon).getJob(id))).toBeInstanceOf(UsageError)
      }
      expect(daemon.requests).toHaveLength(0)
    })

    it('encodes the ID in the path', async () => {
      const daemon = await startDaemon((_req, res) =>
        json(res, 200, { ...running, definition: { ...running.definition, id: 'my job%1' } }),
      )
      await client(daemon).getJob('my job%1')
      expect(daemon.requests[0]!.url).toBe('/jobs/my%20job%251')
    })

    it('throws HyperctlParseError when the daemon answers with another job', async () => {
      const daemon = await startDaemon((_req, res) => json(res, 200, running))
      expect(await caught(client(daemon).getJob('other'))).toBeInstanceOf(HyperctlParseError)
    })
  })

  describe('getProgress', () => {
    it('maps GET /jobs/progress/{id}', async () => {
      const daemon = await startDaemon((_req, res) =>
        json(res, 200, {
          elapsed_seconds: 12.5,
          job_id: 'j1',
          progress: {
            bytes_downloaded: 0,
            current_file: '',
            current_step: 'Progress: 45.67%',
            estimated_remaining: '',
            export_method: 'ovftool',
            files_downloaded: 0,
            percent_complete: 45.67,
            phase: 'exporting',
            total_bytes: 0,
            total_files: 0,
          },
          started_at: '2026-02-10T14:03:27.976955845Z',
          status: 'running',
          timestamp: '2026-02-10T14:03:40Z',
          transfer_rate_mbps: 0,
        }),
      )
      expect(await client(daemon).getProgress('j1')).toEqual({
        jobId: 'j1',
        status: 'running',
        phase: 'exporting',
        percent: 45.67,
        currentStep: 'Progress: 45.67%',
        exportMethod: 'ovftool',
        filesDownloaded: 0,
        totalFiles: 0,
        bytesDownloaded: 0,
        totalBytes: 0,
        elapsedSeconds: 12.5,
        transferRateMbps: 0,
        startedAt: '2026-02-10T14:03:27.976955845Z',
        timestamp: '2026-02-10T14:03:40Z',
      })
      expect(daemon.requests[0]!.url).toBe('/jobs/progress/j1')
    })

    it('throws JobNotFoundError for an unknown job', async () => {
      const daemon = await startDaemon((_req, res) =>
        json(res, 404, { error: 'job not found: j9', timestamp: 'x' }),
      )
      expect(await caught(client(daemon).getProgress('j9'))).toBeInstanceOf(JobNotFoundError)
    })
  })

  describe('capabilities, health, checkDaemonStatus and version', () => {
    it('maps GET /capabilities', async () => {
      const daemon = await startDaemon((_req, res) =>
        json(res, 200, {
          capabilities: {
            ctl: {
              method: 'ctl',
              available: true,
              version: '',
              path: '/usr/bin/hyperctl',
              priority: 100,
              last_checked: 'x',
            },
            govc: {
              method: 'govc',
              available: false,
              version: '',
              path: '',
              priority: 90,
              last_checked: 'x',
            },
            web: {
              method: 'web',
              available: true,
              version: 'govmomi',
              path: '',
              priority: 10,
              last_checked: 'x',
            },
          },
          default_method: 'ctl',
          timestamp: 'x',
        }),
      )
      expect(await client(daemon).capabilities()).toEqual({
        defaultMethod: 'ctl',
        methods: {
          ctl: { available: true, path: '/usr/bin/hyperctl', priority: 100 },
          govc: { available: false, priority: 90 },
          web: { available: true, version: 'govmomi', priority: 10 },
        },
      })
    })

    it('maps GET /health', async () => {
      const daemon = await startDaemon((_req, res) =>
        json(res, 200, { status: 'healthy', timestamp: '2026-02-10T14:05:00Z' }),
      )
      expect(await client(daemon).health()).toEqual({ status: 'healthy', timestamp: '2026-02-10T14:05:00Z' })
      expect(daemon.requests[0]!.url).toBe('/health')
    })

    it('reads the daemon version from GET /status', async () => {
      const status = fixtures.find((f) => f.name === 'status-zero-jobs')!
      const daemon = await startDaemon(replay(status))
      const c = client(daemon)
      expect(await c.version()).toEqual({ daemon: '0.0.1' })
      expect(await c.checkDaemonStatus()).toEqual({
        version: '0.0.1',
        uptime: '12.481516234s',
        url: daemon.url,
        totalJobs: 0,
        runningJobs: 0,
        completedJobs: 0,
        failedJobs: 0,
        cancelledJobs: 0,
      })
    })
  })

  describe('cancelJobs', () => {
    it('returns no result and sends nothing for no IDs', async () => {
      const daemon = await startDaemon((_req, res) => json(res, 200, { cancelled: [], failed: [] }))
      expect(await client(daemon).cancelJobs([])).toEqual({ cancelled: [], failed: [] })
      expect(daemon.requests).toHaveLength(0)
    })

    it('counts a job as cancelled when a resent cancel finds it already cancelled', async () => {
      const daemon = await startDaemon((_req, res, n) =>
        n === 0
          ? json(res, 503, { error: 'busy' })
          : json(res, 200, {
              cancelled: ['b'],
              failed: ['a', 'c'],
              errors: { a: 'job a cannot be cancelled (status: cancelled)', c: 'job not found: c' },
            }),
      )
      expect(await client(daemon).cancelJobs(['a', 'b', 'c'])).toEqual({
        cancelled: ['b', 'a'],
        failed: [{ id: 'c', error: 'job not found: c' }],
      })
      expect(daemon.requests.map((r) => r.body)).toEqual([
        '{"job_ids":["a","b","c"]}',
        '{"job_ids":["a","b","c"]}',
      ])
    })

    it('keeps the daemon answer when the first attempt got it', async () => {
      const daemon = await startDaemon((_req, res) =>
        json(res, 200, {
          cancelled: [],
          failed: ['a'],
          errors: { a: 'job a cannot be cancelled (status: cancelled)' },
        }),
      )
      expect(await client(daemon).cancelJobs(['a'])).toEqual({
        cancelled: [],
        failed: [{ id: 'a', error: 'job a cannot be cancelled (status: cancelled)' }],
      })
    })
  })

  describe('submitJobs', () => {
    const specs: JobSpec[] = [
      {
        id: 'web-02',
        vmPath: '/Datacenter/vm/web-02',
        outputPath: '/exports/web-02',
        options: { parallelDownloads: 8 },
      },
      { id: 'nightly-db', vmPath: '/Datacenter/vm/db-01', outputPath: '/exports/db-01', name: 'nightly db' },
    ]

    it('posts {"jobs": [...]} with our IDs and maps a duplicate rejection to its job', async () => {
      const daemon = await startDaemon((_req, res) =>
        json(res, 200, {
          job_ids: ['web-02'],
          accepted: 1,
          rejected: 1,
          errors: ['job with ID nightly-db already exists'],
          timestamp: 'x',
        }),
      )
      const result = await client(daemon).submitJobs(specs)
      const sent = daemon.requests[0]!
      expect(sent).toMatchObject({ method: 'POST', url: '/jobs/submit' })
      expect(sent.headers['content-type']).toBe('application/json')
      expect(JSON.parse(sent.body)).toEqual({
        jobs: [
          {
            id: 'web-02',
            name: 'web-02',
            vm_path: '/Datacenter/vm/web-02',
            output_path: '/exports/web-02',
            export_method: 'web',
            options: { parallel_downloads: 8 },
          },
          {
            id: 'nightly-db',
            name: 'nightly db',
            vm_path: '/Datacenter/vm/db-01',
            output_path: '/exports/db-01',
            export_method: 'web',
          },
        ],
      })
      expect(result.jobs).toEqual([
        {
          index: 0,
          id: 'web-02',
          vmPath: '/Datacenter/vm/web-02',
          name: 'web-02',
          accepted: true,
          exportMethod: 'web',
        },
        {
          index: 1,
          id: 'nightly-db',
          vmPath: '/Datacenter/vm/db-01',
          name: 'nightly db',
          accepted: false,
          error: 'job with ID nightly-db already exists',
          exportMethod: 'web',
        },
      ])
      expect(result.warnings).toEqual([
        'job web-02: parallel-downloads was passed to hypervisord, but this hypervisord stores it without using it',
      ])
    })

    it('sends one job in the {"jobs": [...]} form too', async () => {
      const daemon = await startDaemon((_req, res) =>
        json(res, 200, { job_ids: ['one'], accepted: 1, rejected: 0 }),
      )
      const result = await client(daemon).submitJobs([
        { id: 'one', vmPath: '/vm/one', outputPath: '/exports/one' },
      ])
      expect(JSON.parse(daemon.requests[0]!.body).jobs).toHaveLength(1)
      expect(result).toEqual({
        jobs: [{ index: 0, id: 'one', vmPath: '/vm/one', name: 'one', accepted: true, exportMethod: 'web' }],
        warnings: [],
      })
    })

    it('sends exactly one request when the daemon answers 500', async () => {
      const daemon = await startDaemon((_req, res) =>
        json(res, 500, { error: 'internal error', timestamp: 'x' }),
      )
      const error = await caught(client(daemon).submitJobs(specs))
      expect(error).toBeInstanceOf(DaemonError)
      expect(error).toMatchObject({ status: 500, daemonMessage: 'internal error' })
      expect(daemon.requests).toHaveLength(1)
    })

    it('sends exactly one request and says the jobs may exist when the connection is reset', async () => {
      const daemon = await startDaemon((_req, res) => res.socket?.destroy())
      const error = await caught(client(daemon).submitJobs(specs))
      expect(error).toBeInstanceOf(DaemonUnreachableError)
      expect(error.message).toContain('may or may not have reached the daemon')
      expect(error.message).toContain('web-02, nightly-db')
      expect((error as DaemonUnreachableError).notSent).toBe(false)
      expect(daemon.requests).toHaveLength(1)
    })

    it('says nothing was submitted when the connection is refused', async () => {
      const error = await caught(client({ url: await closedPort() }).submitJobs(specs))
      expect(error).toBeInstanceOf(DaemonUnreachableError)
      expect(error.message).toContain('nothing was submitted')
      expect(error.message).toContain('ECONNREFUSED')
      expect((error as DaemonUnreachableError).notSent).toBe(true)
    })

    it('says nothing was submitted, in one short line, when fetch will not dial the port (9: "bad port")', async () => {
      const error = await caught(client({ url: 'http://127.0.0.1:9' }).submitJobs(specs))
      expect(error).toBeInstanceOf(DaemonUnreachableError)
      expect((error as DaemonUnreachableError).notSent).toBe(true)
      expect(error.message).toBe(
        'hypervisord at http://127.0.0.1:9 could not be reached: POST /jobs/submit failed: fetch will not connect to port 9 (bad port); nothing was submitted',
      )
      // not "check that hypervisord is running": nothing listening there would help
      expect((error as DaemonUnreachableError).hint).toMatch(
        /^Node's fetch never connects to port 9 .* another port/,
      )
    })

    it('says nothing was submitted when the TLS handshake fails before the request', async () => {
      // why: an http server answering a TLS hello: the handshake fails, our request is never written
      const daemon = await startDaemon((_req, res) => json(res, 200, {}))
      const error = await caught(client({ url: daemon.url.replace('http:', 'https:') }).submitJobs(specs))
      expect(error).toBeInstanceOf(DaemonUnreachableError)
      expect((error as DaemonUnreachableError).notSent).toBe(true)
      expect(error.message).toContain('nothing was submitted')
      expect(daemon.requests).toHaveLength(0)
    })

    it('says nothing was submitted when the name does not resolve', async () => {
      // why: no DNS lookup leaves this machine in a test; the error is the one undici throws for ENOTFOUND
      const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND exporter.invalid'), {
        code: 'ENOTFOUND',
      })
      const fetch = async () => {
        throw new TypeError('fetch failed', { cause: notFound })
      }
      const error = await caught(client({ url: 'http://exporter.invalid:8080' }, { fetch }).submitJobs(specs))
      expect((error as DaemonUnreachableError).notSent).toBe(true)
      expect(error.message).toContain('ENOTFOUND exporter.invalid; nothing was submitted')
    })

    it('throws DaemonError with the daemon message for a 400', async () => {
      const daemon = await startDaemon((_req, res) =>
        json(
          res,
          400,
          '{"error":"failed to parse jobs: invalid JSON format","timestamp":"2026-02-10T14:05:00Z"}\n',
        ),
      )
      const error = await caught(client(daemon).submitJobs(specs))
      expect(error).toMatchObject({ status: 400, daemonMessage: 'failed to parse jobs: invalid JSON format' })
      expect(daemon.requests).toHaveLength(1)
    })

    it('reduces a proxy HTML error page to its text', async () => {
      const html =
        '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n'
      const daemon = await startDaemon((_req, res) => text(res, 502, html, 'text/html'))
      const error = await caught(client(daemon).submitJobs(specs))
      expect(error).toMatchObject({
        status: 502,
        daemonMessage: '502 Bad Gateway 502 Bad Gateway nginx/1.24.0',
      })
      expect(daemon.requests).toHaveLength(1)
    })

    it('throws UsageError before any request for an invalid job', async () => {
      const daemon = await startDaemon((_req, res) => json(res, 200, { job_ids: [] }))
      expect(await caught(client(daemon).submitJobs([{ vmPath: '', outputPath: '/x' }]))).toBeInstanceOf(
        UsageError,
      )
      expect(daemon.requests).toHaveLength(0)
    })
  })

  describe('secrets', () => {
    const password = 'Vc-P@ss<word>&1'
    const apiKey = 'key-0123456789abcdef'
    const vcenter = {
      server: 'vcenter.example.com',
      username: 'exporter@vsphere.local',
      password,
      insecure: true,
    }
    // the daemon writes < > & as \u003c \u003e \u0026
    const goJson = (value: unknown) =>
      `${JSON.stringify(value).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)}\n`
    const echoed = {
      definition: { id: 'j1', name: 'j1', vm_path: '/vm/j1', output_path: '/exports/j1', vcenter },
      status: 'running',
      progress: { phase: 'connecting', percent_complete: 0, export_method: 'web' },
      error: `login as exporter with ${password} failed`,
      updated_at: 'x',
    }

    it('keeps the echoed vCenter password out of every returned job', async () => {
      const daemon = await startDaemon((req, res) =>
        req.url === '/jobs/j1'
          ? json(res, 200, goJson(echoed))
          : json(res, 200, goJson({ jobs: [echoed], total: 1 })),
      )
      const c = client(daemon, { apiKey })
      const jobs = await c.queryJobs({ all: true })
      const job = await c.getJob('j1')
      for (const value of [jobs, job]) {
        const serialised = JSON.stringify(value)
        expect(serialised).not.toContain(password)
        expect(serialised).not.toContain('P@ss')
      }
      expect(job.definition).toMatchObject({
        vcenter: { password: '[redacted]', username: 'exporter@vsphere.local' },
      })
      expect(job.error).toBe('login as exporter with *** failed')
    })

    it('keeps the password out of a parse error about a job reply', async () => {
      const daemon = await startDaemon((_req, res) => json(res, 200, goJson({ ...echoed, status: 'weird' })))
      const error = await caught(client(daemon).getJob('j1'))
      expect(error).toBeInstanceOf(HyperctlParseError)
      expect((error as HyperctlParseError).raw).toContain('"password":"[redacted]"')
      expect(everything(error)).not.toContain('P@ss')
    })

    it('keeps submitted passwords and the API key out of daemon errors', async () => {
      const daemon = await startDaemon((_req, res) =>
        json(res, 400, {
          error: `bad request from key ${apiKey} for ${JSON.stringify(password).slice(1, -1)}`,
        }),
      )
      const error = await caught(
        client(daemon, { apiKey }).submitJobs([
          { id: 'j1', vmPath: '/vm/j1', outputPath: '/exports/j1', vcenter },
        ]),
      )
      expect(error).toBeInstanceOf(DaemonError)
      expect(everything(error)).not.toContain(apiKey)
      expect(everything(error)).not.toContain('P@ss')
      expect(JSON.parse(daemon.requests[0]!.body).jobs[0].vcenter.password).toBe(password)
    })

    it('keeps the password out of a text error body that quotes it', async () => {
      const daemon = await startDaemon((_req, res) => text(res, 422, `rejected ${goJson({ vcenter })}`))
      const error = await caught(client(daemon).queryJobs({ all: true }))
      expect(error).toBeInstanceOf(DaemonError)
      expect(everything(error)).not.toContain('P@ss')
    })
  })

  describe('authentication', () => {
    it('sends X-API-Key when a key is given', async () => {
      const daemon = await startDaemon((_req, res) => json(res, 200, { status: 'healthy', timestamp: 'x' }))
      await client(daemon, { apiKey: 'k-123' }).health()
      expect(daemon.requests[0]!.headers['x-api-key']).toBe('k-123')
      expect(daemon.requests[0]!.headers.authorization).toBeUndefined()
      expect(daemon.requests[0]!.url).toBe('/health')
    })

    it('reads the key from HYPERVISORD_API_KEY, trimmed', async () => {
      const daemon = await startDaemon((_req, res) => json(res, 200, { status: 'healthy', timestamp: 'x' }))
      await client(daemon, { env: { HYPERVISORD_API_KEY: 'from-env\n' } }).health()
      expect(daemon.requests[0]!.headers['x-api-key']).toBe('from-env')
    })

    it('sends no key header when no key is given', async () => {
      const daemon = await startDaemon((_req, res) => json(res, 200, { status: 'healthy', timestamp: 'x' }))
      await client(daemon).health()
      expect(daemon.requests[0]!.headers).not.toHaveProperty('x-api-key')
    })

    it('throws AuthFailedError on 401 without retrying and without the key in the message', async () => {
      const status = fixtures.find((f) => f.name === 'status-unauthorized')!
      const daemon = await startDaemon(replay(status))
      const error = await caught(client(daemon, { apiKey: 'wrong-key-value' }).checkDaemonStatus())
      expect(error).toBeInstanceOf(AuthFailedError)
      expect(error).toMatchObject({ status: 401, kind: 'auth-failed' })
      expect((error as AuthFailedError).hint).toContain('the api-key setting')
      expect(everything(error)).not.toContain('wrong-key-value')
      expect(daemon.requests).toHaveLength(1)
    })

    it('throws AuthFailedError on 403', async () => {
      const daemon = await startDaemon((_req, res) => text(res, 403, 'forbidden\n'))
      expect(await caught(client(daemon).queryJobs({ all: true }))).toBeInstanceOf(AuthFailedError)
      expect(daemon.requests).toHaveLength(1)
    })

    it('refuses a key that cannot be sent in a header, without echoing it', () => {
      let error: unknown
      try {
        new HypervisordClient({ apiKey: 'bad\nkey-secret', env: {} })
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(UsageError)
      expect((error as Error).message).not.toContain('key-secret')
    })

    it('does not follow a redirect that would carry the key elsewhere', async () => {
      const elsewhere = await startDaemon((_req, res) =>
        json(res, 200, { status: 'healthy', timestamp: 'x' }),
      )
      const daemon = await startDaemon((_req, res) => {
        res.writeHead(307, { Location: `${elsewhere.url}/health` })
        res.end()
      })
      const error = await caught(client(daemon, { apiKey: 'k-123' }).health())
      expect(error).toBeInstanceOf(DaemonError)
      expect(error).toMatchObject({ status: 307 })
      expect(elsewhere.requests).toHaveLength(0)
      expect(daemon.requests).toHaveLength(1)
    })
  })

  describe('retries', () => {
    it('retries a burst of 503s on a read, then succeeds', async () => {
      const daemon = await startDaemon((_req, res, n) =>
        n < 2 ? json(res, 503, { error: 'busy' }) : json(res, 200, { jobs: null, total: 0 }),
      )
      expect(await client(daemon).queryJobs({ all: true })).toEqual([])
      expect(daemon.requests).toHaveLength(3)
    })

    it('gives up after the configured retries with the last DaemonError', async () => {
      const daemon = await startDaemon((_req, res) => json(res, 500, { error: 'still broken' }))
      const error = await caught(client(daemon, { retries: 2 }).checkDaemonStatus())
      expect(error).toMatchObject({ status: 500, daemonMessage: 'still broken' })
      expect(daemon.requests).toHaveLength(3)
    })

    it('retries a 429 and bounds its Retry-After', async () => {
      const daemon = await startDaemon((_req, res, n) =>
        n === 0
          ? json(res, 429, { error: 'slow down' }, { 'Retry-After': '3600' })
          : json(res, 200, { status: 'healthy', timestamp: 'x' }),
      )
      // an unbounded Retry-After would hold the test for an hour
      expect(await client(daemon, { retryAfterMaxMs: 5 }).health()).toMatchObject({ status: 'healthy' })
      expect(daemon.requests).toHaveLength(2)
    })

    it('retries a read after the connection is reset', async () => {
      const daemon = await startDaemon((_req, res, n) =>
        n < 2 ? res.socket?.destroy() : json(res, 200, { status: 'healthy', timestamp: 'x' }),
      )
      expect(await client(daemon).health()).toMatchObject({ status: 'healthy' })
      expect(daemon.requests).toHaveLength(3)
    })

    it('throws DaemonUnreachableError naming the URL when nothing listens', async () => {
      const url = await closedPort()
      const error = await caught(client({ url }, { retries: 2 }).checkDaemonStatus())
      expect(error).toBeInstanceOf(DaemonUnreachableError)
      expect(error.message).toContain(url)
      expect(error.message).toContain('ECONNREFUSED')
    })

    for (const status of [400, 405, 409, 422]) {
      it(`does not retry a ${status}`, async () => {
        const daemon = await startDaemon((_req, res) => json(res, status, { error: `no (${status})` }))
        const error = await caught(client(daemon).queryJobs({ all: true }))
        expect(error).toMatchObject({ status, daemonMessage: `no (${status})` })
        expect(daemon.requests).toHaveLength(1)
      })
    }
  })

  describe('timeouts and aborts', () => {
    it('throws DaemonUnreachableError after the request timeout when the daemon never answers', async () => {
      const daemon = await startDaemon(() => {})
      const error = await caught(client(daemon, { requestTimeoutMs: 200 }).checkDaemonStatus())
      expect(error).toBeInstanceOf(DaemonUnreachableError)
      expect(error.message).toContain('no answer to GET /status within 200ms')
      expect(daemon.requests).toHaveLength(1)
    })

    it('ends the whole call at CallOptions.timeoutMs', async () => {
      const daemon = await startDaemon(() => {})
      const error = await caught(client(daemon).queryJobs({ all: true }, { timeoutMs: 150 }))
      expect(error.message).toContain('within 150ms')
    })

    it('throws OperationAbortedError without retrying when the caller aborts', async () => {
      const daemon = await startDaemon(() => {})
      const controller = new AbortController()
      const call = caught(client(daemon).queryJobs({ all: true }, { signal: controller.signal }))
      await daemon.arrived(0)
      controller.abort()
      const error = await call
      expect(error).toBeInstanceOf(OperationAbortedError)
      expect(error).toMatchObject({ kind: 'aborted' })
      expect(daemon.requests).toHaveLength(1)
    })

    it('sends nothing when the signal is already aborted', async () => {
      const daemon = await startDaemon((_req, res) => json(res, 200, { status: 'healthy', timestamp: 'x' }))
      const error = await caught(client(daemon).health({ signal: AbortSignal.abort() }))
      expect(error).toBeInstanceOf(OperationAbortedError)
      expect(daemon.requests).toHaveLength(0)
    })

    it('says an aborted submit may have reached the daemon', async () => {
      const daemon = await startDaemon(() => {})
      const controller = new AbortController()
      const call = caught(
        client(daemon).submitJobs([{ id: 'a1', vmPath: '/vm/a', outputPath: '/x' }], {
          signal: controller.signal,
        }),
      )
      await daemon.arrived(0)
      controller.abort()
      const error = await call
      expect(error).toBeInstanceOf(OperationAbortedError)
      expect(error.message).toContain('may or may not have reached the daemon')
    })
  })

  describe('daemonUrl', () => {
    for (const url of [
      'ftp://localhost:8080',
      'javascript:alert(1)',
      'not a url',
      'localhost:8080',
      'file:///etc/passwd',
    ]) {
      it(`refuses ${url} with UsageError`, () => {
        expect(() => new HypervisordClient({ daemonUrl: url, env: {} })).toThrow(UsageError)
      })
    }

    it('refuses a URL with a password without echoing it', () => {
      expect(() => new HypervisordClient({ daemonUrl: 'http://u:hunter22@localhost:8080', env: {} })).toThrow(
        expect.objectContaining({ message: expect.not.stringContaining('hunter22') }),
      )
    })

    it('tolerates a trailing slash and keeps a path prefix', async () => {
      const daemon = await startDaemon((_req, res) => json(res, 200, { status: 'healthy', timestamp: 'x' }))
      await client({ url: `${daemon.url}/` }).health()
      await client({ url: `${daemon.url}/hv/` }).health()
      expect(daemon.requests.map((r) => r.url)).toEqual(['/health', '/hv/health'])
    })

    it('defaults to HYPERVISORD_URL, then http://localhost:8080', () => {
      expect(new HypervisordClient({ env: { HYPERVISORD_URL: 'https://hv.example:9443/' } }).daemonUrl).toBe(
        'https://hv.example:9443',
      )
      const c = new HypervisordClient({ env: {} })
      expect(c.daemonUrl).toBe('http://localhost:8080')
      expect(c.transport).toBe('api')
      expect(c.target).toContain('http://localhost:8080')
    })
  })
})
