import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type AdvanceableClock, ManualClock, realClock, type SimClock } from './clock.js'
import { parseTarget, type RouteContext, route, type SimReply, type SimRequest } from './daemon-routes.js'
import type { SimExportDamage } from './export-damage.js'
import { JobManager, type JobManagerOptions } from './job-manager.js'
import { type ExportMethod, type Job, toWireJob, type WireJob } from './job-model.js'

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

/** A fault's reply: the body defaults to the status text, the content type to plain text. */
interface FaultReply {
  body?: string
  contentType?: string
  headers?: Record<string, string>
  match?: RequestMatch
}

const MAX_SETTLE_ROUNDS = 100

/** Starts a hypervisord simulator on 127.0.0.1 (port 0 by default) and resolves once it listens. */
export async function startHypervisordSim(options: HypervisordSimOptions = {}) {
  const clock: SimClock =
    options.clock ?? (options.autoAdvance === false ? new ManualClock(options.startTime) : realClock())
  const manager = new JobManager({ ...options, clock })
  const host = options.host ?? '127.0.0.1'
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024
  const tz = options.utcOffsetMinutes ?? 0
  const requests: RecordedRequest[] = []
  const sessionTokens = new Set<string>()
  const routing: RouteContext = {
    manager,
    apiKey: options.apiKey ?? null,
    sessionTokens,
    utcOffsetMinutes: tz,
    disableWeb: options.disableWeb ?? false,
  }
  const faults: Array<{ kind: 'fail' | 'throttle'; match?: RequestMatch; reply: SimReply }> = []
  const pending = new Set<Promise<void>>()
  const replyTimers = new Set<unknown>()
  let delayMs = 0
  let dropSubmit = false
  let down = false
  let downKeepsJobs = false
  let upTimer: unknown
  let closed = false

  const server = createServer((req, res) => {
    // a request whose body breaks off is never answered, as net/http cannot answer it either
    readBody(req, maxBody).then(
      ({ body, tooLarge }) => handle(req, res, body, tooLarge),
      () => {},
    )
  })

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer, tooLarge: boolean) => {
    const simReq: SimRequest = {
      method: req.method ?? 'GET',
      target: req.url ?? '/',
      // Node's Dict type allows undefined values; it only ever holds the headers that came
      headers: req.headersDistinct as Record<string, string[]>,
      body,
      bodyTooLarge: tooLarge,
    }
    const record = recordOf(simReq, clock.now())
    requests.push(record)
    const reply = replyTo(simReq, record)
    const send = () => {
      if (reply.kind === 'drop') {
        req.socket.destroy()
      } else if (!res.destroyed && !res.writableEnded) {
        res.writeHead(reply.status, reply.close ? { ...reply.headers, Connection: 'close' } : reply.headers)
        res.end(reply.body)
        record.status = reply.status
      }
      options.onRequest?.(record)
    }
    if (delayMs <= 0) return send()
    const handleId = clock.setTimeout(() => {
      replyTimers.delete(handleId)
      send()
    }, delayMs)
    replyTimers.add(handleId)
  }

  const replyTo = (req: SimRequest, record: RecordedRequest): SimReply => {
    const index = faults.findIndex(
      ({ match }) =>
        (!match?.method || match.method === req.method) && (!match?.path || match.path === record.path),
    )
    const fault = index < 0 ? undefined : faults.splice(index, 1)[0]
    if (fault) {
      record.fault = fault.kind
      return fault.reply
    }
    let reply: SimReply
    try {
      reply = route(req, routing)
    } catch (error) {
      reply = { kind: 'drop', reason: error instanceof Error ? error.message : String(error) }
    }
    if (reply.kind === 'drop') record.fault = 'panic'
    if (dropSubmit && req.method === 'POST' && record.path === '/jobs/submit') {
      dropSubmit = false
      record.fault = 'drop-submit-reply'
      reply = { kind: 'drop', reason: 'dropNextSubmitReply' }
    }
    return reply
  }

  const listen = async (port: number) => {
    server.listen(port, host)
    await once(server, 'listening')
  }

  const stopListening = () =>
    new Promise<void>((resolveClose) => {
      if (!server.listening) return resolveClose()
      server.close(() => resolveClose())
      server.closeAllConnections()
    })

  await listen(options.port ?? 0)
  const port = (server.address() as AddressInfo).port

  /** Listens again on the same port. */
  const comeBack = async () => {
    if (!down || closed) return
    if (upTimer !== undefined) clock.clearTimeout(upTimer)
    upTimer = undefined
    // why: a crashed daemon comes back as a fresh process: uptime counts from its new start
    if (!downKeepsJobs) manager.restart()
    await listen(port)
    down = false
  }

  const wire = (job: Job) => toWireJob(job, tz)
  const queue = (n: number, kind: 'fail' | 'throttle', status: number, reply: FaultReply) => {
    const headers = { 'Content-Type': reply.contentType ?? 'text/plain; charset=utf-8', ...reply.headers }
    const body = reply.body ?? `${STATUS_CODES[status] ?? 'Error'}\n`
    const fault = { kind, match: reply.match, reply: { kind: 'reply', status, headers, body } as const }
    for (let i = 0; i < n; i++) faults.push(fault)
  }

  /** What a test steers the simulator with (see the README's control table). */
  const control = {
    /** The clock in use. */
    clock,
    /** Moves a manual clock on, running due work; resolves once side effects (a listener reopening) settle. */
    async advance(ms: number): Promise<void> {
      const manual = clock as Partial<AdvanceableClock>
      if (!manual.advance)
        throw new Error('control.advance needs autoAdvance: false or a clock with an advance(ms) method')
      manual.advance(ms)
      for (let round = 0; pending.size > 0; round++) {
        if (round >= MAX_SETTLE_ROUNDS) throw new Error('simulator side effects did not settle')
        await Promise.all([...pending])
      }
    },
    /** Every job, in submission order, as GET /jobs/{id} shows it. */
    jobs: (): WireJob[] => manager.inOrder().map(wire),
    job: (id: string): WireJob | undefined => {
      const job = manager.get(id)
      return job && wire(job)
    },
    /** Adds jobs exactly as given (reply shape); they never change by themselves. */
    seedJobs: (jobs: readonly unknown[]) => manager.seed(jobs),
    /** Requests received so far, secrets redacted. */
    get requests(): readonly RecordedRequest[] {
      return requests
    },
    clearRequests: () => {
      requests.length = 0
    },
    /** Ends a job's export successfully now (files written); throws if it has none in progress. */
    completeJob: (id: string) => wire(manager.completeJob(id)),
    /** Ends a job's export now with this error text. */
    failJob: (id: string, message: string) => wire(manager.failJob(id, message)),
    /** The job never finishes on its own. */
    hangJob: (id: string) => wire(manager.hangJob(id)),
    /** A daemon restart: jobs forgotten, uptime from now. */
    restart: () => manager.restart(),
    setDefaultMethod: (method: ExportMethod) => manager.setDefaultMethod(method),
    /** Stops listening (connections refused); resolves once the port is closed. */
    async goDown({ forMs, keepJobs = false }: GoDownOptions = {}): Promise<void> {
      if (closed) throw new Error('the simulator is closed')
      if (down) throw new Error('the simulator is already down')
      down = true
      downKeepsJobs = keepJobs
      if (!keepJobs) manager.restart()
      await stopListening()
      if (forMs === undefined) return
      upTimer = clock.setTimeout(() => {
        const p = comeBack()
        pending.add(p)
        p.finally(() => pending.delete(p)).catch(() => {})
      }, forMs)
    },
    comeBack,
    get isDown(): boolean {
      return down
    },
    /** The next n matching requests get `status` (default 500) without reaching the daemon. */
    failNext: (n: number, status = 500, reply: FaultReply = {}) => queue(n, 'fail', status, reply),
    /** The next n matching requests get 429 (with Retry-After when given). */
    throttleNext: (n: number, retryAfterSeconds?: number, match?: RequestMatch) => {
      const headers: Record<string, string> = {}
      if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds)
      queue(n, 'throttle', 429, { match, headers })
    },
    /** Every reply waits this long (clock time) after the request was handled; 0 turns it off. */
    delayReplies(ms: number) {
      delayMs = Math.max(0, ms)
    },
    /** Turns API-key auth on with `key`, or off with null. */
    requireApiKey(key: string | null) {
      routing.apiKey = key
    },
    /** A session token (as /api/login would issue) that `Authorization: Bearer` accepts. */
    addSessionToken(token: string) {
      sessionTokens.add(token)
    },
    /** The next POST /jobs/submit is processed (jobs stored), then its connection is closed with no reply. */
    dropNextSubmitReply() {
      dropSubmit = true
    },
    /**
     * The next export that completes with files written is left damaged this way, and still reported
     * completed (each call damages one export, in order). See SimExportDamage.
     */
    damageNextExport: (damage: SimExportDamage) => manager.damageNextExport(damage),
  }

  return {
    /** `http://127.0.0.1:PORT` */
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    host,
    control,
    async close(): Promise<void> {
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

export type HypervisordSim = Awaited<ReturnType<typeof startHypervisordSim>>
export type SimControl = HypervisordSim['control']

/** The body cut to `limit` bytes, and whether it went past that. */
async function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  const chunks: Buffer[] = []
  let seen = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if (seen < limit) chunks.push(chunk.subarray(0, limit - seen))
    seen += chunk.length
  }
  return { body: Buffer.concat(chunks), tooLarge: seen > limit }
}

const REDACTED = '[redacted]'

function recordOf(req: SimRequest, at: number): RecordedRequest {
  const q = req.target.indexOf('?')
  // the path as the daemon reads it (percent-decoded), or as sent when the daemon cannot read it
  const path = parseTarget(req.target)?.path ?? (q < 0 ? req.target : req.target.slice(0, q))
  const params = new URLSearchParams(q < 0 ? '' : req.target.slice(q + 1))
  if (params.has('api_key')) params.set('api_key', REDACTED)
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([name, values]) => {
      const value = values.join(', ')
      if (name !== 'x-api-key' && name !== 'authorization') return [name, value]
      return [name, value.startsWith('Bearer ') ? `Bearer ${REDACTED}` : REDACTED]
    }),
  )
  return {
    method: req.method,
    path,
    query: params.toString(),
    headers,
    body: redactBody(req.body.toString('utf8')),
    at,
  }
}

/** Hides vCenter passwords in JSON (`"password": "..."`) and YAML (`password: ...`) bodies. */
export function redactBody(text: string): string {
  return text
    .replace(/("password"\s*:\s*)"(?:[^"\\]|\\.)*"/g, `$1"${REDACTED}"`)
    .replace(/^([ \t]*(?:-[ \t]+)?password[ \t]*:[ \t]*)(\S.*)$/gm, `$1${REDACTED}`)
}
