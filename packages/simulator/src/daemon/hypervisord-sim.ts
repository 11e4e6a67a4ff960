import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type AdvanceableClock, ManualClock, realClock, type SimClock } from './clock.js'
import { route, type SimReply, type SimRequest } from './daemon-routes.js'
import type { SimExportDamage } from './export-damage.js'
import { JobManager, type JobManagerOptions } from './job-manager.js'
import { type ExportMethod, toWireJob, type WireJob } from './job-model.js'

/** Options of `startHypervisordSim`. Every one is optional; the defaults behave like a stock daemon. */
export interface HypervisordSimOptions extends Omit<JobManagerOptions, 'clock'> {
  /** TCP port; 0 (default) picks a free one. */
  port?: number
  /** Listen address (default 127.0.0.1). */
  host?: string
  /** Turns API-key auth on with this key (the shipped daemon has auth off). */
  apiKey?: string
  /** Inject a clock; every timer and timestamp uses it. */
  clock?: SimClock
  /** false: an internal ManualClock; nothing moves until `control.advance(ms)`. Default true. */
  autoAdvance?: boolean
  /** Start of the internal manual clock (ms since epoch, Date, or ns bigint); default 2026-01-01T00:00:00Z. */
  startTime?: number | Date | bigint
  /** The daemon's local zone as a UTC offset in minutes (default 0: timestamps end in `Z`). */
  utcOffsetMinutes?: number
  /** The `-disable-web` flag: `GET /` is a 404 instead of a redirect to the dashboard. */
  disableWeb?: boolean
  /** Request body limit (default 10 MiB, as `requestSizeLimitMiddleware`). */
  maxBodyBytes?: number
  /** Called after each request is answered (or not); for logging. */
  onRequest?: (request: RecordedRequest) => void
}

/** A request as the simulator saw it, secrets replaced by `[redacted]`. */
export interface RecordedRequest {
  method: string
  /** Decoded path without the query. */
  path: string
  /** Raw query string without `?` (`api_key` redacted). */
  query: string
  /** Header values by lower-case name (X-API-Key and Authorization redacted). */
  headers: Record<string, string>
  /** The body as text (vCenter passwords redacted). */
  body: string
  /** Clock time of arrival, ms since the epoch. */
  at: number
  /** Status sent, undefined when no reply was written. */
  status?: number
  /** Set when a fault decided the outcome. */
  fault?: 'fail' | 'throttle' | 'drop-submit-reply' | 'panic'
}

export interface RequestMatch {
  method?: string
  path?: string
}

export interface GoDownOptions {
  /** Come back by itself after this long (clock time); without it, call `comeBack()`. */
  forMs?: number
  /** true: jobs survive (an outage, not a crash). Default false: a restart that forgets every job. */
  keepJobs?: boolean
}

export interface SimControl {
  /** The clock in use. */
  readonly clock: SimClock
  /** Moves a manual clock on, running due work; resolves once side effects (a listener reopening) settle. */
  advance(ms: number): Promise<void>
  /** Every job, in submission order, as GET /jobs/{id} shows it. */
  jobs(): WireJob[]
  job(id: string): WireJob | undefined
  /** Adds jobs exactly as given (reply shape); they never change by themselves. */
  seedJobs(jobs: readonly unknown[]): void
  /** Requests received so far. */
  readonly requests: readonly RecordedRequest[]
  clearRequests(): void
  /** Ends a job's export successfully now (files written); throws if it has none in progress. */
  completeJob(id: string): WireJob
  /** Ends a job's export now with this error text. */
  failJob(id: string, message: string): WireJob
  /** The job never finishes on its own. */
  hangJob(id: string): WireJob
  /** A daemon restart: jobs forgotten, uptime from now. */
  restart(): void
  setDefaultMethod(method: ExportMethod): void
  /** Stops listening (connections refused); resolves once the port is closed. */
  goDown(options?: GoDownOptions): Promise<void>
  /** Listens again on the same port. */
  comeBack(): Promise<void>
  readonly isDown: boolean
  /** The next n matching requests get `status` (default 500) without reaching the daemon. */
  failNext(
    n: number,
    status?: number,
    reply?: { body?: string; contentType?: string; match?: RequestMatch },
  ): void
  /** The next n matching requests get 429 (with Retry-After when given). */
  throttleNext(n: number, retryAfterSeconds?: number, match?: RequestMatch): void
  /** Every reply waits this long (clock time) after the request was handled; 0 turns it off. */
  delayReplies(ms: number): void
  /** Turns API-key auth on with `key`, or off with null. */
  requireApiKey(key: string | null): void
  /** A session token (as /api/login would issue) that `Authorization: Bearer` accepts. */
  addSessionToken(token: string): void
  /** The next POST /jobs/submit is processed (jobs stored), then its connection is closed with no reply. */
  dropNextSubmitReply(): void
  /**
   * The next export that completes with files written is left damaged this way, and still reported
   * completed (each call damages one export, in order). See SimExportDamage.
   */
  damageNextExport(damage: SimExportDamage): void
}

export interface HypervisordSim {
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  readonly port: number
  readonly host: string
  close(): Promise<void>
  readonly control: SimControl
}

interface QueuedFault {
  kind: 'fail' | 'throttle'
  status: number
  body: string
  contentType: string
  retryAfter?: number
  match?: RequestMatch
}

const MAX_SETTLE_ROUNDS = 100

/** Starts a hypervisord simulator on 127.0.0.1 (port 0 by default) and resolves once it listens. */
export async function startHypervisordSim(options: HypervisordSimOptions = {}): Promise<HypervisordSim> {
  const clock: SimClock =
    options.clock ?? (options.autoAdvance === false ? new ManualClock(options.startTime) : realClock())
  const managerOptions: JobManagerOptions = { ...options, clock }
  const manager = new JobManager(managerOptions)
  const host = options.host ?? '127.0.0.1'
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024
  const requests: RecordedRequest[] = []
  const sessionTokens = new Set<string>()
  const faults: QueuedFault[] = []
  const pending = new Set<Promise<void>>()
  const replyTimers = new Set<unknown>()
  let apiKey: string | null = options.apiKey ?? null
  let delayMs = 0
  let dropSubmit = false
  let down = false
  let downKeepsJobs = false
  let upTimer: unknown
  let closed = false

  const server = createServer((req, res) => {
    collectBody(req, maxBody, (body, tooLarge) => handle(req, res, body, tooLarge))
  })

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer, tooLarge: boolean) => {
    const target = req.url ?? '/'
    const simReq: SimRequest = {
      method: req.method ?? 'GET',
      target,
      headers: distinctHeaders(req),
      body,
      bodyTooLarge: tooLarge,
    }
    const record = recordOf(simReq, clock.now())
    requests.push(record)
    const finish = () => options.onRequest?.(record)

    const fault = takeFault(faults, simReq.method, record.path)
    let reply: SimReply
    if (fault) {
      record.fault = fault.kind
      const headers: Record<string, string> = { 'Content-Type': fault.contentType }
      if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter)
      reply = { kind: 'reply', status: fault.status, headers, body: fault.body }
    } else {
      try {
        reply = route(simReq, {
          manager,
          apiKey,
          sessionTokens,
          utcOffsetMinutes: options.utcOffsetMinutes ?? 0,
          disableWeb: options.disableWeb ?? false,
        })
      } catch (error) {
        reply = { kind: 'drop', reason: error instanceof Error ? error.message : String(error) }
      }
      if (reply.kind === 'drop') record.fault = 'panic'
      if (dropSubmit && simReq.method === 'POST' && record.path === '/jobs/submit') {
        dropSubmit = false
        record.fault = 'drop-submit-reply'
        reply = { kind: 'drop', reason: 'dropNextSubmitReply' }
      }
    }

    const send = () => {
      if (reply.kind === 'drop') {
        req.socket.destroy()
      } else if (!res.destroyed && !res.writableEnded) {
        const headers = reply.close ? { ...reply.headers, Connection: 'close' } : reply.headers
        res.writeHead(reply.status, headers)
        res.end(reply.body)
        record.status = reply.status
      }
      finish()
    }
    if (delayMs > 0) {
      const handleId = clock.setTimeout(() => {
        replyTimers.delete(handleId)
        send()
      }, delayMs)
      replyTimers.add(handleId)
    } else {
      send()
    }
  }

  const listen = (port: number) =>
    new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen)
      server.listen(port, host, () => {
        server.off('error', rejectListen)
        resolveListen()
      })
    })

  const stopListening = () =>
    new Promise<void>((resolveClose) => {
      if (!server.listening) return resolveClose()
      server.close(() => resolveClose())
      server.closeAllConnections()
    })

  const track = (p: Promise<void>) => {
    pending.add(p)
    p.finally(() => pending.delete(p)).catch(() => {})
  }

  await listen(options.port ?? 0)
  const port = (server.address() as AddressInfo).port
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  const comeBack = async () => {
    if (!down || closed) return
    if (upTimer !== undefined) clock.clearTimeout(upTimer)
    upTimer = undefined
    // why: a crashed daemon comes back as a fresh process: uptime counts from its new start
    if (!downKeepsJobs) manager.restart()
    await listen(port)
    down = false
  }

  const snapshot = (id: string) =>
    toWireJob(manager.get(id) as NonNullable<ReturnType<typeof manager.get>>, options.utcOffsetMinutes ?? 0)

  const control: SimControl = {
    clock,
    async advance(ms) {
      if (!isAdvanceable(clock)) {
        throw new Error('control.advance needs autoAdvance: false or a clock with an advance(ms) method')
      }
      clock.advance(ms)
      for (let round = 0; pending.size > 0; round++) {
        if (round >= MAX_SETTLE_ROUNDS) throw new Error('simulator side effects did not settle')
        await Promise.all([...pending])
      }
    },
    jobs: () => manager.inOrder().map((j) => toWireJob(j, options.utcOffsetMinutes ?? 0)),
    job: (id) => (manager.get(id) ? snapshot(id) : undefined),
    seedJobs: (jobs) => manager.seed(jobs),
    get requests() {
      return requests
    },
    clearRequests: () => {
      requests.length = 0
    },
    completeJob: (id) => {
      manager.completeJob(id)
      return snapshot(id)
    },
    failJob: (id, message) => {
      manager.failJob(id, message)
      return snapshot(id)
    },
    hangJob: (id) => {
      manager.hangJob(id)
      return snapshot(id)
    },
    restart: () => manager.restart(),
    setDefaultMethod: (method) => manager.setDefaultMethod(method),
    async goDown({ forMs, keepJobs = false } = {}) {
      if (closed) throw new Error('the simulator is closed')
      if (down) throw new Error('the simulator is already down')
      down = true
      downKeepsJobs = keepJobs
      if (!keepJobs) manager.restart()
      await stopListening()
      if (forMs !== undefined) {
        upTimer = clock.setTimeout(() => track(comeBack()), forMs)
      }
    },
    comeBack,
    get isDown() {
      return down
    },
    failNext(n, status = 500, reply = {}) {
      const body = reply.body ?? `${STATUS_CODES[status] ?? 'Error'}\n`
      const contentType = reply.contentType ?? 'text/plain; charset=utf-8'
      for (let i = 0; i < n; i++) faults.push({ kind: 'fail', status, body, contentType, match: reply.match })
    },
    throttleNext(n, retryAfterSeconds, match) {
      for (let i = 0; i < n; i++) {
        faults.push({
          kind: 'throttle',
          status: 429,
          body: 'Too Many Requests\n',
          contentType: 'text/plain; charset=utf-8',
          retryAfter: retryAfterSeconds,
          match,
        })
      }
    },
    delayReplies(ms) {
      delayMs = Math.max(0, ms)
    },
    requireApiKey(key) {
      apiKey = key
    },
    addSessionToken(token) {
      sessionTokens.add(token)
    },
    dropNextSubmitReply() {
      dropSubmit = true
    },
    damageNextExport: (damage) => manager.damageNextExport(damage),
  }

  return {
    url,
    port,
    host,
    control,
    async close() {
      if (closed) return
      closed = true
      manager.dispose()
      if (upTimer !== undefined) clock.clearTimeout(upTimer)
      for (const t of replyTimers) clock.clearTimeout(t)
      replyTimers.clear()
      await stopListening()
    },
  }
}

function isAdvanceable(clock: SimClock): clock is AdvanceableClock {
  return typeof (clock as Partial<AdvanceableClock>).advance === 'function'
}

function collectBody(
  req: IncomingMessage,
  limit: number,
  done: (body: Buffer, tooLarge: boolean) => void,
): void {
  const chunks: Buffer[] = []
  let kept = 0
  let seen = 0
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length
    if (kept <= limit) {
      const part = chunk.subarray(0, limit + 1 - kept)
      chunks.push(part)
      kept += part.length
    }
  })
  req.on('end', () => {
    const body = Buffer.concat(chunks)
    done(body.subarray(0, limit), seen > limit)
  })
  req.on('error', () => {})
}

function distinctHeaders(req: IncomingMessage): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values) out[name] = values
  }
  return out
}

function takeFault(faults: QueuedFault[], method: string, path: string): QueuedFault | undefined {
  const index = faults.findIndex(
    (f) => (!f.match?.method || f.match.method === method) && (!f.match?.path || f.match.path === path),
  )
  if (index < 0) return undefined
  return faults.splice(index, 1)[0]
}

const REDACTED = '[redacted]'

function recordOf(req: SimRequest, at: number): RecordedRequest {
  const q = req.target.indexOf('?')
  const rawPath = q < 0 ? req.target : req.target.slice(0, q)
  let path: string
  try {
    path = decodeURIComponent(rawPath.replace(/^https?:\/\/[^/]*/i, ''))
  } catch {
    path = rawPath
  }
  const params = new URLSearchParams(q < 0 ? '' : req.target.slice(q + 1))
  if (params.has('api_key')) params.set('api_key', REDACTED)
  const headers: Record<string, string> = {}
  for (const [name, values] of Object.entries(req.headers)) {
    headers[name] =
      name === 'x-api-key' || name === 'authorization' ? redactAuth(values.join(', ')) : values.join(', ')
  }
  return {
    method: req.method,
    path,
    query: params.toString(),
    headers,
    body: redactBody(req.body.toString('utf8')),
    at,
  }
}

function redactAuth(value: string): string {
  return value.startsWith('Bearer ') ? `Bearer ${REDACTED}` : REDACTED
}

/** Hides vCenter passwords in JSON (`"password": "..."`) and YAML (`password: ...`) bodies. */
export function redactBody(text: string): string {
  return text
    .replace(/("password"\s*:\s*)"(?:[^"\\]|\\.)*"/g, `$1"${REDACTED}"`)
    .replace(/^([ \t]*(?:-[ \t]+)?password[ \t]*:[ \t]*)(\S.*)$/gm, `$1${REDACTED}`)
}
