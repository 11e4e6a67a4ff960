import { timingSafeEqual } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import { posix } from 'node:path'
import { goFilepathBase } from '../go/go-format.js'
import { GoJsonError } from '../go/go-json-decode.js'
import { encoderLine, goJsonAny, goJsonArray, goJsonMap, goJsonObject } from '../go/go-json-encode.js'
import { durationSeconds, formatGoDuration, formatRfc3339, formatRfc3339Nano } from '../go/go-time.js'
import type { JobManager } from './job-manager.js'
import { encodeJob, type Job } from './job-model.js'
import { decodeCancelRequest, decodeQueryRequest, parseSubmitBody } from './request-parse.js'

/**
 * hypervisord's HTTP surface for jobs (hypersdk daemon/api/server.go, progress_handlers.go,
 * enhanced_server.go): the auth middleware, Go 1.22 ServeMux routing (cleaned paths, `/tree` → `/tree/`
 * redirects, 404 text), and each job handler's status codes and bodies.
 */

export interface SimRequest {
  method: string
  /** The request-target as sent (`/jobs/query?all=true`). */
  target: string
  /** Header values by lower-case name, in arrival order. */
  headers: Readonly<Record<string, readonly string[]>>
  body: Buffer
  /** The body went past the size limit (it is cut to the limit). */
  bodyTooLarge: boolean
}

export type SimReply =
  | { kind: 'reply'; status: number; headers: Record<string, string>; body: string; close?: boolean }
  /** The connection is closed without a reply (a Go handler panic does that). */
  | { kind: 'drop'; reason: string }

export interface RouteContext {
  manager: JobManager
  /** null: auth off (as shipped). A string: auth on with this API key. */
  apiKey: string | null
  sessionTokens: ReadonlySet<string>
  /** The daemon's local time zone as a UTC offset. */
  utcOffsetMinutes: number
  disableWeb: boolean
}

export const DAEMON_VERSION = '0.0.1'

type Handler = (req: SimRequest, ctx: RouteContext) => SimReply
type JobHandler = (job: Job, id: string, ctx: RouteContext) => SimReply

/** The exact patterns, each with the one method its handler accepts (query takes GET and POST). */
const EXACT: Record<string, [method: string | undefined, handler: Handler]> = {
  '/health': ['GET', (_, ctx) => json(200, { status: 'healthy', timestamp: seconds(ctx) })],
  '/status': ['GET', statusReply],
  '/capabilities': ['GET', capabilitiesReply],
  '/jobs/submit': ['POST', submitReply],
  '/jobs/query': [undefined, queryReply],
  '/jobs/cancel': ['POST', cancelReply],
}
/** The subtree patterns for one job, most specific first; the last path element is the job ID. */
const JOB_SUBTREES: Record<string, JobHandler> = {
  '/jobs/progress/': progressReply,
  '/jobs/logs/': logsReply,
  '/jobs/eta/': etaReply,
  '/jobs/': (job, _, ctx) => json(200, new Json(encodeJob(job, ctx.utcOffsetMinutes))),
}
const DASHBOARD = '/web/dashboard/'
const WEBSOCKET_PATHS = new Set([
  '/ws',
  '/vsphere/metrics/stream',
  '/vsphere/events/stream',
  '/vsphere/tasks/stream',
])
const AUTH_EXEMPT = new Set(['/api/login', '/health', '/'])

export function route(req: SimRequest, ctx: RouteContext): SimReply {
  const target = parseTarget(req.target)
  if (!target) {
    return { kind: 'reply', status: 400, headers: TEXT, body: '400 Bad Request', close: true }
  }
  if (WEBSOCKET_PATHS.has(target.path)) {
    // why: these bypass every middleware; without an Upgrade handshake gorilla/websocket answers 400
    return httpError(400, 'Bad Request', { 'Sec-Websocket-Version': '13' })
  }
  if (!authorized(req, target.path, target.rawQuery, ctx)) return httpError(401, 'unauthorized')
  return mux(req, ctx, target)
}

type Target = NonNullable<ReturnType<typeof parseTarget>>

/** The raw path and query of a request-target, and Go's `r.URL.Path` (percent-decoded). */
export function parseTarget(target: string) {
  let t = target
  const absolute = /^https?:\/\/[^/?#]*/i.exec(t)
  if (absolute) t = t.slice(absolute[0].length) || '/'
  const q = t.indexOf('?')
  const rawPath = q < 0 ? t : t.slice(0, q)
  const rawQuery = q < 0 ? '' : t.slice(q + 1)
  if (!rawPath.startsWith('/')) return undefined
  const path = unescapePath(rawPath)
  return path === undefined ? undefined : { rawPath, rawQuery, path }
}

/** Go's `url.PathUnescape` as the server applies it: every `%` needs two hex digits; the bytes are UTF-8. */
function unescapePath(raw: string): string | undefined {
  if (/%(?![0-9a-fA-F]{2})/.test(raw)) return undefined
  // split with a capture group: the odd pieces are the escapes' hex digits
  const pieces = raw.split(/%([0-9a-fA-F]{2})/)
  const bytes = pieces.map((p, i) => (i % 2 ? Buffer.from([Number.parseInt(p, 16)]) : Buffer.from(p, 'utf8')))
  return Buffer.concat(bytes).toString('utf8')
}

function header(req: SimRequest, name: string): string {
  return req.headers[name]?.[0] ?? ''
}

/** `EnhancedServer.authMiddleware`, in its order (docs/hyperctl.md#authentication). */
function authorized(req: SimRequest, path: string, rawQuery: string, ctx: RouteContext): boolean {
  if (AUTH_EXEMPT.has(path) || path.startsWith(DASHBOARD)) return true
  const authorization = header(req, 'authorization')
  const bearer = authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined
  if (bearer !== undefined && ctx.sessionTokens.has(bearer)) return true
  if (ctx.apiKey === null) return true
  if (ctx.apiKey === '') return false
  const key =
    header(req, 'x-api-key') ||
    (bearer ?? authorization) ||
    new URLSearchParams(rawQuery).get('api_key') ||
    ''
  const [x, y] = [Buffer.from(key, 'utf8'), Buffer.from(ctx.apiKey, 'utf8')]
  return key !== '' && x.length === y.length && timingSafeEqual(x, y)
}

/** Go's `path.Clean` plus ServeMux's `cleanPath` (a trailing slash survives): posix.normalize of the rooted path. */
export function cleanPath(p: string): string {
  return posix.normalize(p.startsWith('/') ? p : `/${p}`)
}

function mux(req: SimRequest, ctx: RouteContext, t: Target): SimReply {
  const cleaned = cleanPath(t.rawPath)
  const query = t.rawQuery === '' ? '' : `?${t.rawQuery}`
  const subtrees = [...Object.keys(JOB_SUBTREES), ...(ctx.disableWeb ? [] : [DASHBOARD])]
  const exact = EXACT[cleaned]
  if (!exact && !cleaned.endsWith('/') && subtrees.includes(`${cleaned}/`)) {
    return redirect(req.method, `${cleanPath(t.path)}/${query}`, 301)
  }
  if (cleaned !== t.rawPath) return redirect(req.method, `${cleaned}${query}`, 301)
  if (exact) {
    const [method, handler] = exact
    return method && req.method !== method ? httpError(405, 'method not allowed') : handler(req, ctx)
  }
  const subtree = subtrees.find((p) => cleaned.startsWith(p))
  const jobHandler = subtree && JOB_SUBTREES[subtree]
  if (jobHandler) {
    if (req.method !== 'GET') return httpError(405, 'method not allowed')
    const id = goFilepathBase(t.path)
    if (id === '' || id === subtree.split('/').at(-2)) return errorResponse(ctx, 400, 'job ID required')
    const job = ctx.manager.get(id)
    return job ? jobHandler(job, id, ctx) : errorResponse(ctx, 404, `job not found: ${id}`)
  }
  if (!subtree && t.path === '/' && !ctx.disableWeb) return redirect(req.method, DASHBOARD, 302)
  // the simulator serves no dashboard files, so the file server has nothing to find
  return httpError(404, '404 page not found')
}

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' }
const ERROR_TEXT = { ...TEXT, 'X-Content-Type-Options': 'nosniff' }

/** `http.Error`: text/plain, nosniff, message plus newline. */
export function httpError(status: number, message: string, headers = {}): SimReply {
  return { kind: 'reply', status, headers: { ...ERROR_TEXT, ...headers }, body: `${message}\n` }
}

/**
 * Go JSON already encoded, or a struct: its fields keep the order written. A plain object is a
 * `map[string]interface{}` (keys sorted); `undefined` members are left out of either.
 */
class Json {
  constructor(readonly text: string) {}
}
const struct = (fields: Record<string, unknown>) => new Json(goJsonObject(members(fields)))
const members = (o: object) =>
  Object.entries(o).map(([k, v]): [string, string | undefined] => [
    k,
    v === undefined ? undefined : encode(v),
  ])

function encode(v: unknown): string {
  if (v instanceof Json) return v.text
  if (Array.isArray(v)) return goJsonArray(v.map(encode))
  return v !== null && typeof v === 'object' ? goJsonMap(members(v)) : goJsonAny(v)
}

/** A 200 reply whose body is a Go struct. */
const ok = (fields: Record<string, unknown>) => json(200, struct(fields))

function json(status: number, body: unknown, close = false): SimReply {
  const headers = { 'Content-Type': 'application/json' }
  return { kind: 'reply', status, headers, body: encoderLine(encode(body)), close }
}

/** `errorResponse`: `{"error":..., "timestamp": RFC 3339 in whole seconds}`. */
function errorResponse(ctx: RouteContext, status: number, message: string, close = false): SimReply {
  return json(status, { error: message, timestamp: seconds(ctx) }, close)
}

/** A JSON decoding failure of a request body is a 400; anything else is a handler panic. */
function invalidRequest(ctx: RouteContext, req: SimRequest, error: unknown): SimReply {
  if (!(error instanceof GoJsonError)) throw error
  return errorResponse(ctx, 400, `invalid request: ${error.message}`, req.bodyTooLarge)
}

function redirect(method: string, location: string, status: 301 | 302): SimReply {
  const headers: Record<string, string> = { Location: location }
  if (method === 'GET' || method === 'HEAD') headers['Content-Type'] = 'text/html; charset=utf-8'
  const body = method === 'GET' ? `<a href="${htmlEscape(location)}">${STATUS_CODES[status]}</a>.\n\n` : ''
  return { kind: 'reply', status, headers, body }
}

function htmlEscape(s: string): string {
  const map: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' }
  return s.replace(/[&<>"']/g, (c) => map[c] ?? c)
}

/** `time.Now().Format(time.RFC3339)`: whole seconds. */
const seconds = (ctx: RouteContext) => formatRfc3339(ctx.manager.now(), ctx.utcOffsetMinutes)
/** A `time.Time` as encoding/json writes it. */
const stamp = (ns: bigint, ctx: RouteContext) => formatRfc3339Nano(ns, ctx.utcOffsetMinutes)
const duration = (ns: number | bigint) => formatGoDuration(BigInt(ns))

function statusReply(_: SimRequest, ctx: RouteContext): SimReply {
  const m = ctx.manager
  const now = m.now()
  const jobs = m.inOrder()
  const count = (status: string) => jobs.filter((j) => j.status === status).length
  return ok({
    version: DAEMON_VERSION,
    uptime: duration(now - m.startNs),
    total_jobs: jobs.length,
    running_jobs: count('running'),
    completed_jobs: count('completed'),
    failed_jobs: count('failed'),
    cancelled_jobs: count('cancelled'),
    timestamp: stamp(now, ctx),
  })
}

function capabilitiesReply(_: SimRequest, ctx: RouteContext): SimReply {
  const m = ctx.manager
  const capability = (method: string, priority: number, version: string, path: string) => {
    const available = method === 'web' || m.isAvailable(method)
    return struct({
      method,
      available,
      version: available ? version : '',
      path: available ? path : '',
      priority,
      last_checked: stamp(m.startNs, ctx),
    })
  }
  const ctl = m.hyperctlOnPath
  const capabilities = {
    // why: `hyperctl version` is not a hyperctl command, so detection records version "unknown"
    ctl: capability('ctl', 1, ctl ? 'unknown' : 'simulated', ctl ? '/usr/bin/hyperctl' : '(simulated)'),
    govc: capability('govc', 2, 'simulated', '(simulated)'),
    ovftool: capability('ovftool', 3, 'simulated', '(simulated)'),
    web: capability('web', 4, 'built-in', 'internal'),
  }
  return json(200, { capabilities, default_method: m.defaultMethod, timestamp: stamp(m.now(), ctx) })
}

function submitReply(req: SimRequest, ctx: RouteContext): SimReply {
  if (req.bodyTooLarge) {
    // why: MaxBytesReader also marks the connection to close after this reply
    return errorResponse(ctx, 400, 'failed to read request body: http: request body too large', true)
  }
  const parsed = parseSubmitBody(header(req, 'content-type'), req.body)
  if (!parsed.ok) return errorResponse(ctx, 400, `failed to parse jobs: ${parsed.error}`)
  const { ids, errors } = ctx.manager.submitBatch(parsed.definitions)
  return ok({
    job_ids: ids,
    accepted: ids.length,
    rejected: errors.length,
    errors: errors.length > 0 ? errors : undefined,
    timestamp: stamp(ctx.manager.now(), ctx),
  })
}

function queryReply(req: SimRequest, ctx: RouteContext): SimReply {
  const m = ctx.manager
  if (req.method !== 'GET' && req.method !== 'POST') return httpError(405, 'method not allowed')
  let jobs: Job[]
  try {
    // any GET lists every job: `?all=true` and an empty filter mean the same
    const q = req.method === 'GET' ? undefined : decodeQueryRequest(req.body, req.bodyTooLarge)
    if (q?.job_ids?.length) jobs = q.job_ids.flatMap((id) => m.get(id) ?? [])
    else jobs = !q || q.all ? m.list(null, 0) : m.list(q.status, q.limit)
  } catch (error) {
    return invalidRequest(ctx, req, error)
  }
  return ok({
    jobs: jobs.length === 0 ? null : jobs.map((j) => new Json(encodeJob(j, ctx.utcOffsetMinutes))),
    total: jobs.length,
    timestamp: stamp(m.now(), ctx),
  })
}

function cancelReply(req: SimRequest, ctx: RouteContext): SimReply {
  let ids: string[] | null
  try {
    ids = decodeCancelRequest(req.body, req.bodyTooLarge).job_ids
  } catch (error) {
    return invalidRequest(ctx, req, error)
  }
  const outcomes = (ids ?? []).map((id) => [id, ctx.manager.cancel(id)] as const)
  const errors = outcomes.filter(([, error]) => error !== undefined)
  return ok({
    cancelled: outcomes.filter(([, error]) => error === undefined).map(([id]) => id),
    failed: errors.map(([id]) => id),
    errors: errors.length > 0 ? Object.fromEntries(errors) : undefined,
    timestamp: stamp(ctx.manager.now(), ctx),
  })
}

function progressReply(job: Job, id: string, ctx: RouteContext): SimReply {
  const now = ctx.manager.now()
  const p = job.progress
  // why: the handler's map lists every JobProgress field but bytes_transferred
  const { bytes_transferred, ...progressMap } = p ?? {}
  const elapsed = job.started_at === null ? undefined : durationSeconds(now - job.started_at)
  return json(200, {
    job_id: id,
    status: job.status,
    timestamp: stamp(now, ctx),
    progress: p ? progressMap : undefined,
    transfer_rate_mbps:
      p && job.status === 'running' && elapsed !== undefined && elapsed > 0
        ? p.bytes_downloaded / elapsed / (1024 * 1024)
        : undefined,
    started_at: job.started_at === null ? undefined : stamp(job.started_at, ctx),
    elapsed_seconds: elapsed,
    completed_at: job.completed_at === null ? undefined : stamp(job.completed_at, ctx),
    error: job.error === '' ? undefined : job.error,
  })
}

/** The level and message of a finished job's last log entry, by status. */
const ENDINGS = new Map<string, [string, string]>([
  ['failed', ['error', 'Job failed']],
  ['cancelled', ['warn', 'Job cancelled']],
])

function logsReply(job: Job, id: string, ctx: RouteContext): SimReply {
  const def = job.definition
  const entry = (ns: bigint, level: string, message: string, more: object = {}) => ({
    timestamp: stamp(ns, ctx),
    level,
    message,
    ...more,
  })
  const logs = [
    entry(def.created_at, 'info', 'Job created', {
      details: {
        vm_path: def.vm_path,
        output_dir: def.output_dir !== '' ? def.output_dir : def.output_path,
        format: def.format,
        method: def.export_method || def.method || 'auto',
      },
    }),
  ]
  if (job.started_at !== null) logs.push(entry(job.started_at, 'info', 'Job started'))
  const p = job.progress
  if (p && p.phase !== '') {
    const { phase, current_step, percent_complete } = p
    logs.push(
      entry(job.updated_at, 'info', 'Progress update', {
        details: { phase, current_step, percent_complete },
      }),
    )
  }
  if (job.completed_at !== null) {
    const [level, message] = ENDINGS.get(job.status) ?? ['info', 'Job completed successfully']
    const r = job.result
    const details = r
      ? { total_size: r.total_size, duration: duration(r.duration), files_count: r.files?.length ?? 0 }
      : undefined
    logs.push(entry(job.completed_at, level, message, { error: job.error || undefined, details }))
  }
  return json(200, { job_id: id, logs, log_count: logs.length, timestamp: stamp(ctx.manager.now(), ctx) })
}

function etaReply(job: Job, id: string, ctx: RouteContext): SimReply {
  const now = ctx.manager.now()
  let eta: object
  if (job.status === 'running' && job.started_at !== null && job.progress) {
    const percent = job.progress.percent_complete
    if (percent > 0 && percent < 100) {
      // why: Go computes elapsed / time.Duration(percent/100); the divisor truncates to 0 and the
      // integer division panics, so net/http closes the connection without a reply
      return { kind: 'drop', reason: 'runtime error: integer divide by zero' }
    }
    eta = { message: 'ETA calculation not available yet', elapsed: duration(now - job.started_at) }
  } else if (job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled') {
    eta = {
      message: `Job already ${job.status}`,
      total_duration: job.result ? duration(job.result.duration) : undefined,
    }
  } else {
    eta = { message: 'Job not started yet', status: job.status }
  }
  return json(200, { job_id: id, status: job.status, timestamp: stamp(now, ctx), eta })
}
