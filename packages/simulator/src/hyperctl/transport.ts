import http from 'node:http'
import https from 'node:https'
import { gunzipSync } from 'node:zlib'
import { goQuote } from '../go/go-format.js'

/**
 * hyperctl's apiRequest: one request with Go's net/http client behaviour that shows in its output —
 * a 30 s timeout for the whole exchange, redirects followed (at most 10), transparent gzip, and Go's
 * error texts (`Post "<url>": dial tcp [::1]:8080: connect: connection refused`).
 */

export interface HttpRequest {
  method: 'GET' | 'POST'
  url: string
  contentType: string
  body: Buffer | null
}

export interface HttpReply {
  status: number
  body: Buffer
  /** Go text of an error that cut the body short (the decoder reports it if the value is incomplete). */
  bodyError?: string
}

/** A fetch-compatible function, for callers that route requests themselves (no real socket needed). */
export type FetchLike = (
  url: string,
  init: {
    method: string
    headers: Record<string, string>
    body?: Uint8Array
    signal: AbortSignal
    redirect: 'follow'
  },
) => Promise<{ status: number; arrayBuffer(): Promise<ArrayBuffer> }>

export interface TransportOptions {
  timeoutMs: number
  /** Replaces the base URL in error texts (the real hyperctl always names http://localhost:8080). */
  displayBase: string
  actualBase: string
  /** Replaces the cause of a failed dial (e.g. `dial tcp [::1]:8080: connect: connection refused`). */
  dialError?: string
  fetch?: FetchLike
}

export type TransportOutcome = { ok: true; reply: HttpReply } | { ok: false; error: string }

const REDIRECT_LIMIT = 10
const HEADER_TIMEOUT = {
  error: 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
  dialFailed: false,
}

export async function sendRequest(
  request: HttpRequest,
  options: TransportOptions,
): Promise<TransportOutcome> {
  const op = request.method === 'GET' ? 'Get' : 'Post'
  const shown = (url: string) =>
    stripPassword(
      url.startsWith(options.actualBase) ? options.displayBase + url.slice(options.actualBase.length) : url,
    )
  const deadline = AbortSignal.timeout(options.timeoutMs)
  let current = request
  for (let hops = 0; ; hops++) {
    if (!URL.canParse(current.url)) return { ok: false, error: `parse ${goQuote(current.url)}: invalid URL` }
    const parsed = new URL(current.url)
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return {
        ok: false,
        error: `${op} ${goQuote(shown(current.url))}: unsupported protocol scheme "${parsed.protocol.slice(0, -1)}"`,
      }
    }
    const outcome = options.fetch
      ? await viaFetch(options.fetch, current, deadline)
      : await viaNode(parsed, current, deadline)
    if ('error' in outcome) {
      const cause = outcome.dialFailed && options.dialError !== undefined ? options.dialError : outcome.error
      return { ok: false, error: `${op} ${goQuote(shown(current.url))}: ${cause}` }
    }
    const { reply, location } = outcome
    const redirect = redirectFor(reply.status, current, location)
    if (!redirect || options.fetch) return { ok: true, reply }
    if (hops + 1 >= REDIRECT_LIMIT) {
      return { ok: false, error: `${op} ${goQuote(shown(redirect.url))}: stopped after 10 redirects` }
    }
    current = redirect
  }
}

/** Go's Client keeps a URL's password out of its errors: `http://user:***@host/...`. */
export function stripPassword(url: string): string {
  const password = URL.canParse(url) ? new URL(url).password : ''
  return password === '' ? url : url.replace(`:${password}@`, ':***@')
}

/** Go's Client.Do redirect rules: 301/302/303 turn a POST into a GET without body, 307/308 resend. */
function redirectFor(status: number, request: HttpRequest, location = ''): HttpRequest | undefined {
  // why: a 3xx without a Location is an answer, not a redirect
  if (location === '' || ![301, 302, 303, 307, 308].includes(status) || !URL.canParse(location, request.url))
    return undefined
  const url = new URL(location, request.url).toString()
  return status >= 307
    ? { ...request, url }
    : { method: 'GET', url, contentType: request.contentType, body: null }
}

type Attempt = { reply: HttpReply; location?: string } | { error: string; dialFailed: boolean }

function viaNode(url: URL, request: HttpRequest, deadline: AbortSignal): Promise<Attempt> {
  // why: a promise settles once, so the first of timeout, error and end decides the attempt
  return new Promise((done) => {
    const headers: Record<string, string> = {
      'User-Agent': 'Go-http-client/1.1',
      'Accept-Encoding': 'gzip',
    }
    if (request.contentType !== '') headers['Content-Type'] = request.contentType
    if (request.body) headers['Content-Length'] = String(request.body.length)
    const module = url.protocol === 'https:' ? https : http
    let connected = false
    if (deadline.aborted) return done(HEADER_TIMEOUT)
    const req = module.request(url, { method: request.method, headers, agent: false })
    const onAbort = () => {
      done(HEADER_TIMEOUT)
      req.destroy()
    }
    deadline.addEventListener('abort', onAbort, { once: true })
    req.on('socket', (socket) => {
      socket.once('connect', () => {
        connected = true
      })
    })
    req.on('error', (error) => {
      deadline.removeEventListener('abort', onAbort)
      done({ error: goNetError(error, url, connected), dialFailed: !connected && isDialError(error) })
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      let bodyError: string | undefined
      const finish = () => {
        deadline.removeEventListener('abort', onBodyTimeout)
        let body = Buffer.concat(chunks)
        if (/^gzip$/i.test(String(res.headers['content-encoding'] ?? ''))) {
          try {
            body = gunzipSync(body)
          } catch {
            bodyError ??= 'gzip: invalid header'
            body = Buffer.alloc(0)
          }
        }
        const location = res.headers.location
        done({ reply: { status: res.statusCode ?? 0, body, ...(bodyError ? { bodyError } : {}) }, location })
      }
      deadline.removeEventListener('abort', onAbort)
      const onBodyTimeout = () => {
        bodyError = 'context deadline exceeded (Client.Timeout or context cancellation while reading body)'
        res.destroy()
        finish()
      }
      deadline.addEventListener('abort', onBodyTimeout, { once: true })
      const cut = () => {
        bodyError ??= 'unexpected EOF'
        finish()
      }
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', finish)
      res.on('error', cut)
      res.on('close', () => (res.complete ? finish() : cut()))
    })
    req.end(request.body ?? undefined)
  })
}

async function viaFetch(fetchFn: FetchLike, request: HttpRequest, deadline: AbortSignal): Promise<Attempt> {
  const headers: Record<string, string> = { 'User-Agent': 'Go-http-client/1.1' }
  if (request.contentType !== '') headers['Content-Type'] = request.contentType
  try {
    const response = await fetchFn(request.url, {
      method: request.method,
      headers,
      ...(request.body ? { body: request.body } : {}),
      signal: deadline,
      redirect: 'follow',
    })
    return { reply: { status: response.status, body: Buffer.from(await response.arrayBuffer()) } }
  } catch (error) {
    if (deadline.aborted) return HEADER_TIMEOUT
    const cause = (error as { cause?: unknown }).cause ?? error
    const url = new URL(request.url)
    return { error: goNetError(cause as Error, url, false), dialFailed: isDialError(cause as Error) }
  }
}

interface NodeNetError extends Error {
  code?: string
  address?: string
  port?: number
  errors?: NodeNetError[]
}

const DIAL_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
  ETIMEDOUT: 'connection timed out',
}

function isDialError(error: Error): boolean {
  const e = firstAttempt(error as NodeNetError)
  return e.code !== undefined && (e.code in DIAL_CAUSES || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN')
}

/** Happy-eyeballs failures arrive as an AggregateError; Go reports the first address it tried. */
function firstAttempt(error: NodeNetError): NodeNetError {
  return error.errors && error.errors.length > 0 ? error.errors[0]! : error
}

function hostPort(address: string, port: number | string): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`
}

/** The cause part of Go's *url.Error for a Node network error. */
export function goNetError(raw: Error, url: URL, connected: boolean): string {
  const error = firstAttempt(raw as NodeNetError)
  const code = error.code ?? ''
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (code in DIAL_CAUSES && !connected) {
    return `dial tcp ${hostPort(error.address ?? host, error.port ?? port)}: connect: ${DIAL_CAUSES[code]}`
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `dial tcp: lookup ${host}: no such host`
  // why: Node says "socket hang up" when the server closed the connection without answering; Go says EOF
  if (error.message === 'socket hang up') return 'EOF'
  if (code === 'ECONNRESET') return 'read: connection reset by peer'
  if (code === 'EPIPE') return 'write: broken pipe'
  if (code.startsWith('HPE_'))
    return `net/http: HTTP/1.x transport connection broken: malformed HTTP response`
  return error.message
}
