import { timingSafeEqual } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import { GoJsonError } from '../go/go-json-decode.js'
import {
  encoderLine,
  goJsonFloat,
  goJsonInt,
  goJsonMap,
  goJsonObject,
  goJsonString,
  goJsonStrings,
} from '../go/go-json-encode.js'
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

const EXACT_ROUTES = new Set([
  '/health',
  '/status',
  '/capabilities',
  '/jobs/submit',
  '/jobs/query',
  '/jobs/cancel',
])
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
  const { rawPath, rawQuery, path } = target
  if (WEBSOCKET_PATHS.has(path)) {
    // why: these bypass every middleware; without an Upgrade handshake gorilla/websocket answers 400
    return {
      kind: 'reply',
      status: 400,
      headers: { ...ERROR_TEXT, 'Sec-Websocket-Version': '13' },
      body: 'Bad Request\n',
    }
  }
  if (!authorized(req, path, rawQuery, ctx)) return httpError(401, 'unauthorized')
  return mux(req, ctx, { rawPath, rawQuery, path })
}

interface Target {
  rawPath: string
  rawQuery: string
  /** Go's `r.URL.Path`: percent-decoded. */
  path: string
}

function parseTarget(target: string): Target | undefined {
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

/** Go's `url.PathUnescape` as the server applies it: every `%` needs two hex digits. */
function unescapePath(raw: string): string | undefined {
  if (!raw.includes('%')) return raw
  const bytes: number[] = []
  const src = Buffer.from(raw, 'utf8')
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as number
    if (c !== 0x25) {
      bytes.push(c)
      continue
    }
    const hex = src.subarray(i + 1, i + 3).toString('latin1')
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined
    bytes.push(Number.parseInt(hex, 16))
    i += 2
  }
  return Buffer.from(bytes).toString('utf8')
}

function header(req: SimRequest, name: string): string {
  return req.headers[name]?.[0] ?? ''
}

/** `EnhancedServer.authMiddleware`, in its order (docs/hyperctl.md#authentication). */
function authorized(req: SimRequest, path: string, rawQuery: string, ctx: RouteContext): boolean {
  if (AUTH_EXEMPT.has(path) || path.startsWith('/web/dashboard/')) return true
  const authorization = header(req, 'authorization')
  if (authorization.startsWith('Bearer ') && ctx.sessionTokens.has(authorization.slice('Bearer '.length)))
    return true
  if (ctx.apiKey === null) return true
  if (ctx.apiKey === '') return false
  let key = header(req, 'x-api-key')
  if (key === '')
    key = authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : authorization
  if (key === '') key = new URLSearchParams(rawQuery).get('api_key') ?? ''
  return key !== '' && constantTimeEqual(key, ctx.apiKey)
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8')
  const y = Buffer.from(b, 'utf8')
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Go's `path.Clean` plus ServeMux's `cleanPath` (a trailing slash survives). */
export function cleanPath(p: string): string {
  if (p === '') return '/'
  const withRoot = p.startsWith('/') ? p : `/${p}`
  const out: string[] = []
  for (const seg of withRoot.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') out.pop()
    else out.push(seg)
  }
  let np = `/${out.join('/')}`
  if (withRoot.endsWith('/') && np !== '/') np += '/'
  return np
}

/** Go's `filepath.Base`. */
function goBase(p: string): string {
  if (p === '') return '.'
  const trimmed = p.replace(/\/+$/, '')
  if (trimmed === '') return '/'
  return trimmed.slice(trimmed.lastIndexOf('/') + 1)
}

function subtreePatterns(ctx: RouteContext): string[] {
  const patterns = ['/jobs/progress/', '/jobs/logs/', '/jobs/eta/', '/jobs/']
  if (!ctx.disableWeb) patterns.push('/web/dashboard/')
  return patterns
}

function mux(req: SimRequest, ctx: RouteContext, t: Target): SimReply {
  const cleaned = cleanPath(t.rawPath)
  const query = t.rawQuery === '' ? '' : `?${t.rawQuery}`
  const subtrees = subtreePatterns(ctx)
  if (!EXACT_ROUTES.has(cleaned) && !cleaned.endsWith('/') && subtrees.includes(`${cleaned}/`)) {
    return redirect(req.method, `${cleanPath(t.path)}/${query}`, 301)
  }
  if (cleaned !== t.rawPath) return redirect(req.method, `${cleaned}${query}`, 301)

  if (EXACT_ROUTES.has(cleaned)) return exactRoute(cleaned, req, ctx)
  const subtree = subtrees.find((p) => cleaned.startsWith(p))
  switch (subtree) {
    case '/jobs/progress/':
      return withJob(req, ctx, t.path, 'progress', (job, id) => progressReply(job, id, ctx))
    case '/jobs/logs/':
      return withJob(req, ctx, t.path, 'logs', (job, id) => logsReply(job, id, ctx))
    case '/jobs/eta/':
      return withJob(req, ctx, t.path, 'eta', (job, id) => etaReply(job, id, ctx))
    case '/jobs/':
      return withJob(req, ctx, t.path, 'jobs', (job) => json(200, encodeJob(job, ctx.utcOffsetMinutes)))
    case '/web/dashboard/':
      // the simulator serves no dashboard files, so the file server has nothing to find
      return httpError(404, '404 page not found')
    default:
      if (t.path === '/' && !ctx.disableWeb) return redirect(req.method, '/web/dashboard/', 302)
      return httpError(404, '404 page not found')
  }
}

function exactRoute(path: string, req: SimRequest, ctx: RouteContext): SimReply {
  const m = ctx.manager
  const tz = ctx.utcOffsetMinutes
  switch (path) {
    case '/health':
      if (req.method !== 'GET') return httpError(405, 'method not allowed')
      return json(
        200,
        goJsonMap([
          ['status', goJsonString('healthy')],
          ['timestamp', goJsonString(formatRfc3339(m.now(), tz))],
        ]),
      )
    case '/status':
      if (req.method !== 'GET') return httpError(405, 'method not allowed')
      return statusReply(ctx)
    case '/capabilities':
      if (req.method !== 'GET') return httpError(405, 'method not allowed')
      return capabilitiesReply(ctx)
    case '/jobs/submit':
      return submitReply(req, ctx)
    case '/jobs/query':
      return queryReply(req, ctx)
    default:
      return cancelReply(req, ctx)
  }
}

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' }
const ERROR_TEXT = { ...TEXT, 'X-Content-Type-Options': 'nosniff' }

/** `http.Error`: text/plain, nosniff, message plus newline. */
export function httpError(status: number, message: string): SimReply {
  return { kind: 'reply', status, headers: { ...ERROR_TEXT }, body: `${message}\n` }
}

function json(status: number, body: string, close = false): SimReply {
  return {
    kind: 'reply',
    status,
    headers: { 'Content-Type': 'application/json' },
    body: encoderLine(body),
    close,
  }
}

/** `errorResponse`: `{"error":..., "timestamp": RFC 3339 in whole seconds}`. */
function errorResponse(ctx: RouteContext, status: number, message: string, close = false): SimReply {
  return json(
    status,
    goJsonMap([
      ['error', goJsonString(message)],
      ['timestamp', goJsonString(formatRfc3339(ctx.manager.now(), ctx.utcOffsetMinutes))],
    ]),
    close,
  )
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

function time(ns: bigint, ctx: RouteContext): string {
  return goJsonString(formatRfc3339Nano(ns, ctx.utcOffsetMinutes))
}

function statusReply(ctx: RouteContext): SimReply {
  const m = ctx.manager
  const now = m.now()
  const c = m.counts()
  return json(
    200,
    goJsonObject([
      ['version', goJsonString(DAEMON_VERSION)],
      ['uptime', goJsonString(formatGoDuration(now - m.startNs))],
      ['total_jobs', goJsonInt(c.total)],
      ['running_jobs', goJsonInt(c.running)],
      ['completed_jobs', goJsonInt(c.completed)],
      ['failed_jobs', goJsonInt(c.failed)],
      ['cancelled_jobs', goJsonInt(c.cancelled)],
      ['timestamp', time(now, ctx)],
    ]),
  )
}

function capabilitiesReply(ctx: RouteContext): SimReply {
  const m = ctx.manager
  const checked = time(m.detectedNs, ctx)
  const capability = (method: string, priority: number, version: string, path: string) => {
    const available = method === 'web' || m.isAvailable(method)
    return goJsonObject([
      ['method', goJsonString(method)],
      ['available', available ? 'true' : 'false'],
      ['version', goJsonString(available ? version : '')],
      ['path', goJsonString(available ? path : '')],
      ['priority', goJsonInt(priority)],
      ['last_checked', checked],
    ])
  }
  const ctlFound = m.hyperctlOnPath
  return json(
    200,
    goJsonMap([
      [
        'capabilities',
        goJsonMap([
          // why: `hyperctl version` is not a hyperctl command, so detection records version "unknown"
          [
            'ctl',
            capability(
              'ctl',
              1,
              ctlFound ? 'unknown' : 'simulated',
              ctlFound ? '/usr/bin/hyperctl' : '(simulated)',
            ),
          ],
          ['govc', capability('govc', 2, 'simulated', '(simulated)')],
          ['ovftool', capability('ovftool', 3, 'simulated', '(simulated)')],
          ['web', capability('web', 4, 'built-in', 'internal')],
        ]),
      ],
      ['default_method', goJsonString(m.defaultMethod)],
      ['timestamp', time(m.now(), ctx)],
    ]),
  )
}

function submitReply(req: SimRequest, ctx: RouteContext): SimReply {
  if (req.method !== 'POST') return httpError(405, 'method not allowed')
  if (req.bodyTooLarge) {
    // why: MaxBytesReader also marks the connection to close after this reply
    return errorResponse(ctx, 400, 'failed to read request body: http: request body too large', true)
  }
  const parsed = parseSubmitBody(header(req, 'content-type'), req.body)
  if (!parsed.ok) return errorResponse(ctx, 400, `failed to parse jobs: ${parsed.error}`)
  const { ids, errors } = ctx.manager.submitBatch(parsed.definitions)
  return json(
    200,
    goJsonObject([
      ['job_ids', goJsonStrings(ids)],
      ['accepted', goJsonInt(ids.length)],
      ['rejected', goJsonInt(errors.length)],
      ['errors', errors.length > 0 ? goJsonStrings(errors) : undefined],
      ['timestamp', time(ctx.manager.now(), ctx)],
    ]),
  )
}

function queryReply(req: SimRequest, ctx: RouteContext): SimReply {
  const m = ctx.manager
  let jobs: Job[]
  if (req.method === 'GET') {
    // any GET lists every job: `?all=true` and an empty filter mean the same
    jobs = m.list(null, 0)
  } else if (req.method === 'POST') {
    let q: ReturnType<typeof decodeQueryRequest>
    try {
      q = decodeQueryRequest(req.body, req.bodyTooLarge)
    } catch (error) {
      if (error instanceof GoJsonError)
        return errorResponse(ctx, 400, `invalid request: ${error.message}`, req.bodyTooLarge)
      throw error
    }
    if (q.job_ids && q.job_ids.length > 0) {
      jobs = q.job_ids.flatMap((id) => m.get(id) ?? [])
    } else if (q.all) {
      jobs = m.list(null, 0)
    } else {
      jobs = m.list(q.status, q.limit)
    }
  } else {
    return httpError(405, 'method not allowed')
  }
  return json(
    200,
    goJsonObject([
      [
        'jobs',
        jobs.length === 0 ? 'null' : `[${jobs.map((j) => encodeJob(j, ctx.utcOffsetMinutes)).join(',')}]`,
      ],
      ['total', goJsonInt(jobs.length)],
      ['timestamp', time(m.now(), ctx)],
    ]),
  )
}

function cancelReply(req: SimRequest, ctx: RouteContext): SimReply {
  if (req.method !== 'POST') return httpError(405, 'method not allowed')
  let ids: string[] | null
  try {
    ids = decodeCancelRequest(req.body, req.bodyTooLarge).job_ids
  } catch (error) {
    if (error instanceof GoJsonError)
      return errorResponse(ctx, 400, `invalid request: ${error.message}`, req.bodyTooLarge)
    throw error
  }
  const cancelled: string[] = []
  const failed: string[] = []
  const errors = new Map<string, string>()
  for (const id of ids ?? []) {
    const error = ctx.manager.cancel(id)
    if (error === undefined) {
      cancelled.push(id)
    } else {
      failed.push(id)
      errors.set(id, error)
    }
  }
  return json(
    200,
    goJsonObject([
      ['cancelled', goJsonStrings(cancelled)],
      ['failed', goJsonStrings(failed)],
      ['errors', errors.size > 0 ? goJsonMap([...errors].map(([k, v]) => [k, goJsonString(v)])) : undefined],
      ['timestamp', time(ctx.manager.now(), ctx)],
    ]),
  )
}

function withJob(
  req: SimRequest,
  ctx: RouteContext,
  path: string,
  routeWord: string,
  reply: (job: Job, id: string) => SimReply,
): SimReply {
  if (req.method !== 'GET') return httpError(405, 'method not allowed')
  const id = goBase(path)
  if (id === routeWord || id === '') return errorResponse(ctx, 400, 'job ID required')
  const job = ctx.manager.get(id)
  if (!job) return errorResponse(ctx, 404, `job not found: ${id}`)
  return reply(job, id)
}

function progressReply(job: Job, id: string, ctx: RouteContext): SimReply {
  const now = ctx.manager.now()
  const members: Array<[string, string | undefined]> = [
    ['job_id', goJsonString(id)],
    ['status', goJsonString(job.status)],
    ['timestamp', time(now, ctx)],
  ]
  const p = job.progress
  if (p) {
    members.push([
      'progress',
      goJsonMap([
        ['phase', goJsonString(p.phase)],
        ['current_file', goJsonString(p.current_file)],
        ['current_step', goJsonString(p.current_step)],
        ['files_downloaded', goJsonInt(p.files_downloaded)],
        ['total_files', goJsonInt(p.total_files)],
        ['bytes_downloaded', goJsonInt(p.bytes_downloaded)],
        ['total_bytes', goJsonInt(p.total_bytes)],
        ['percent_complete', goJsonFloat(p.percent_complete)],
        ['estimated_remaining', goJsonString(p.estimated_remaining)],
        ['export_method', goJsonString(p.export_method)],
      ]),
    ])
    if (job.status === 'running' && job.started_at !== null) {
      const elapsed = durationSeconds(now - job.started_at)
      if (elapsed > 0)
        members.push(['transfer_rate_mbps', goJsonFloat(p.bytes_downloaded / elapsed / (1024 * 1024))])
    }
  }
  if (job.started_at !== null) {
    members.push(['started_at', time(job.started_at, ctx)])
    members.push(['elapsed_seconds', goJsonFloat(durationSeconds(now - job.started_at))])
  }
  if (job.completed_at !== null) members.push(['completed_at', time(job.completed_at, ctx)])
  if (job.error !== '') members.push(['error', goJsonString(job.error)])
  return json(200, goJsonMap(members))
}

function logsReply(job: Job, id: string, ctx: RouteContext): SimReply {
  const def = job.definition
  const entries: string[] = []
  const entry = (members: Array<[string, string | undefined]>) => entries.push(goJsonMap(members))
  entry([
    ['timestamp', time(def.created_at, ctx)],
    ['level', goJsonString('info')],
    ['message', goJsonString('Job created')],
    [
      'details',
      goJsonMap([
        ['vm_path', goJsonString(def.vm_path)],
        ['output_dir', goJsonString(def.output_dir !== '' ? def.output_dir : def.output_path)],
        ['format', goJsonString(def.format)],
        ['method', goJsonString(def.export_method || def.method || 'auto')],
      ]),
    ],
  ])
  if (job.started_at !== null) {
    entry([
      ['timestamp', time(job.started_at, ctx)],
      ['level', goJsonString('info')],
      ['message', goJsonString('Job started')],
    ])
  }
  if (job.progress && job.progress.phase !== '') {
    entry([
      ['timestamp', time(job.updated_at, ctx)],
      ['level', goJsonString('info')],
      ['message', goJsonString('Progress update')],
      [
        'details',
        goJsonMap([
          ['phase', goJsonString(job.progress.phase)],
          ['current_step', goJsonString(job.progress.current_step)],
          ['percent_complete', goJsonFloat(job.progress.percent_complete)],
        ]),
      ],
    ])
  }
  if (job.completed_at !== null) {
    let level = 'info'
    let message = 'Job completed successfully'
    if (job.status === 'failed') {
      level = 'error'
      message = 'Job failed'
    } else if (job.status === 'cancelled') {
      level = 'warn'
      message = 'Job cancelled'
    }
    const r = job.result
    entry([
      ['timestamp', time(job.completed_at, ctx)],
      ['level', goJsonString(level)],
      ['message', goJsonString(message)],
      ['error', job.error !== '' ? goJsonString(job.error) : undefined],
      [
        'details',
        r
          ? goJsonMap([
              ['total_size', goJsonInt(r.total_size)],
              ['duration', goJsonString(formatGoDuration(BigInt(r.duration)))],
              ['files_count', goJsonInt(r.files?.length ?? 0)],
            ])
          : undefined,
      ],
    ])
  }
  return json(
    200,
    goJsonMap([
      ['job_id', goJsonString(id)],
      ['logs', `[${entries.join(',')}]`],
      ['log_count', goJsonInt(entries.length)],
      ['timestamp', time(ctx.manager.now(), ctx)],
    ]),
  )
}

function etaReply(job: Job, id: string, ctx: RouteContext): SimReply {
  const now = ctx.manager.now()
  let eta: string
  if (job.status === 'running' && job.started_at !== null && job.progress) {
    const elapsed = now - job.started_at
    const percent = job.progress.percent_complete
    if (percent > 0 && percent < 100) {
      // why: Go computes elapsed / time.Duration(percent/100); the divisor truncates to 0 and the
      // integer division panics, so net/http closes the connection without a reply
      return { kind: 'drop', reason: 'runtime error: integer divide by zero' }
    }
    eta = goJsonMap([
      ['message', goJsonString('ETA calculation not available yet')],
      ['elapsed', goJsonString(formatGoDuration(elapsed))],
    ])
  } else if (job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled') {
    eta = goJsonMap([
      ['message', goJsonString(`Job already ${job.status}`)],
      [
        'total_duration',
        job.result ? goJsonString(formatGoDuration(BigInt(job.result.duration))) : undefined,
      ],
    ])
  } else {
    eta = goJsonMap([
      ['message', goJsonString('Job not started yet')],
      ['status', goJsonString(job.status)],
    ])
  }
  return json(
    200,
    goJsonMap([
      ['job_id', goJsonString(id)],
      ['status', goJsonString(job.status)],
      ['timestamp', time(now, ctx)],
      ['eta', eta],
    ]),
  )
}
