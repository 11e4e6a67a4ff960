import pRetry, { AbortError } from 'p-retry'
import {
  AuthFailedError,
  DaemonError,
  DaemonUnreachableError,
  formatDuration,
  HyperctlError,
  HyperctlParseError,
  OperationAbortedError,
} from '../errors.js'
import type { CallOptions, TransportListener } from '../types.js'
import { isRecord, redactBodyText, scrubReply } from './redact-reply.js'
import { type BackoffOptions, backoffDelayMs, parseRetryAfter, sleep } from './retry-delay.js'
import { blockedPort, blockedPortHint, neverLeft, transportDetail } from './transport-failure.js'

export interface HttpClientConfig {
  /** Normalised, no trailing slash. */
  daemonUrl: string
  apiKey: string | undefined
  /** Secrets this client has sent (vCenter passwords): a later reply can quote one without its field. */
  knownSecrets?: Set<string>
  requestTimeoutMs: number
  retries: number
  backoff: BackoffOptions
  retryAfterMaxMs: number
  fetch: typeof fetch
  random?: () => number
  /** Told of each attempt as it ends (method, path, status or error, ms). */
  onEvent?: TransportListener
}

export interface DaemonRequest {
  method: 'GET' | 'POST'
  /** Starts with '/', already encoded. */
  path: string
  body?: unknown
  /** Reads and cancel may be sent again after a failure; submit never (it could export twice). */
  retry: boolean
  /** The error for a 404 that carries the daemon's JSON error body (a job route's "job not found"). */
  onNotFound?: () => HyperctlError
  /** Secrets inside the request (vCenter passwords) to keep out of anything returned or thrown. */
  secrets?: readonly string[]
  /**
   * Appended to transport failures and aborts of a request that is not retried, saying whether it
   * reached the daemon; `notSent` is true when it surely did not (refused, or aborted before sending).
   */
  deliveryNote?: (notSent: boolean) => string
  call?: CallOptions
}

export interface DaemonReply {
  status: number
  /** Parsed JSON with every secret masked. */
  body: unknown
  /** The body text with every secret masked, for parse errors. */
  text: string
  attempts: number
}

/** Sends one request to hypervisord, retrying reads, and maps every failure to the error hierarchy. */
export async function requestDaemon(config: HttpClientConfig, request: DaemonRequest): Promise<DaemonReply> {
  const what = `${request.method} ${request.path}`
  const caller = request.call?.signal
  const secrets = [
    ...(request.secrets ?? []),
    ...(config.knownSecrets ?? []),
    ...(config.apiKey ? [config.apiKey] : []),
  ]
  if (caller?.aborted) throw abortedError(what, request, true, caller.reason)
  const callTimeoutMs = request.call?.timeoutMs
  const deadline = callTimeoutMs === undefined ? undefined : AbortSignal.timeout(callTimeoutMs)
  const endsAt = callTimeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + callTimeoutMs
  const waitSignal = anySignal([caller, deadline])
  let lastFailure: HyperctlError | undefined

  try {
    return await pRetry(
      async (attempt) => {
        try {
          return await attemptOnce(config, request, {
            what,
            secrets,
            attempt,
            caller,
            deadline,
            callTimeoutMs,
          })
        } catch (error) {
          if (error instanceof RetryableFailure) lastFailure = error.failure
          throw error
        }
      },
      {
        retries: request.retry ? config.retries : 0,
        // why: we wait ourselves, so that Retry-After can replace the backoff and aborts end the wait
        minTimeout: 0,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          if (!(error instanceof RetryableFailure) || retriesLeft <= 0) return
          const delay =
            error.retryAfterMs === undefined
              ? backoffDelayMs(attemptNumber, config.backoff, config.random)
              : Math.min(error.retryAfterMs, config.retryAfterMaxMs)
          // why: retries stop at the call's deadline; a wait that would end past it only delays the failure
          if (Date.now() + delay >= endsAt) throw error
          await sleep(delay, waitSignal)
        },
      },
    )
  } catch (error) {
    if (error instanceof RetryableFailure) throw error.failure
    if (error instanceof HyperctlError) throw error
    if (caller?.aborted) throw abortedError(what, request, false, caller.reason)
    // the call's own time ran out while waiting to retry: the last answer says most
    if (deadline?.aborted && lastFailure) throw lastFailure
    throw error
  }
}

/** A failure worth another attempt; carries the error to throw when no attempt is left. */
class RetryableFailure extends Error {
  readonly failure: HyperctlError
  readonly retryAfterMs: number | undefined
  constructor(failure: HyperctlError, retryAfterMs?: number) {
    super(failure.message, { cause: failure })
    this.name = 'RetryableFailure'
    this.failure = failure
    this.retryAfterMs = retryAfterMs
  }
}

interface AttemptContext {
  what: string
  secrets: string[]
  attempt: number
  caller: AbortSignal | undefined
  deadline: AbortSignal | undefined
  callTimeoutMs: number | undefined
}

async function attemptOnce(
  config: HttpClientConfig,
  request: DaemonRequest,
  context: AttemptContext,
): Promise<DaemonReply> {
  const { what, secrets, caller, deadline } = context
  const attemptTimeout = AbortSignal.timeout(config.requestTimeoutMs)
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (request.body !== undefined) headers['Content-Type'] = 'application/json'
  if (config.apiKey) headers['X-API-Key'] = config.apiKey

  let response: Response
  let text: string
  const started = performance.now()
  const report = (status: number | undefined, error?: unknown) =>
    config.onEvent?.({
      kind: 'request',
      method: request.method,
      path: request.path,
      ...(status === undefined ? {} : { status }),
      ms: Math.round(performance.now() - started),
      attempt: context.attempt,
      ...(error === undefined ? {} : { error: redactBodyText(transportDetail(error), secrets) }),
    })
  try {
    response = await config.fetch(`${config.daemonUrl}${request.path}`, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: anySignal([caller, deadline, attemptTimeout]),
      // why: a redirect could carry X-API-Key to another host; fetch drops only Authorization
      redirect: 'manual',
    })
    text = await response.text()
  } catch (cause) {
    report(undefined, cause)
    if (caller?.aborted) throw new AbortError(abortedError(what, request, false, cause))
    const note = request.retry ? '' : (request.deliveryNote?.(false) ?? '')
    if (deadline?.aborted || attemptTimeout.aborted) {
      const ms = deadline?.aborted ? (context.callTimeoutMs ?? 0) : config.requestTimeoutMs
      throw new AbortError(
        new DaemonUnreachableError(
          config.daemonUrl,
          `no answer to ${what} within ${formatDuration(ms)}${note}`,
          {
            cause,
          },
        ),
      )
    }
    const notSent = neverLeft(cause)
    const blocked = blockedPort(cause, config.daemonUrl)
    const detail = blocked
      ? `fetch will not connect to port ${blocked} (bad port)`
      : redactBodyText(transportDetail(cause), secrets)
    const sentNote = request.retry ? '' : (request.deliveryNote?.(notSent) ?? '')
    const failure = new DaemonUnreachableError(config.daemonUrl, `${what} failed: ${detail}${sentNote}`, {
      cause,
      notSent,
      ...(blocked ? { hint: blockedPortHint(blocked) } : {}),
    })
    if (request.retry) throw new RetryableFailure(failure)
    throw new AbortError(failure)
  }

  const { status } = response
  report(status)
  if (status >= 200 && status < 300) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (cause) {
      throw new AbortError(
        new HyperctlParseError(`a JSON reply to ${what}`, redactBodyText(text, secrets), {
          cause,
          source: 'hypervisord',
        }),
      )
    }
    const scrubbed = scrubReply(parsed, secrets)
    return {
      status,
      body: scrubbed.value,
      text: redactBodyText(text, scrubbed.secrets),
      attempts: context.attempt,
    }
  }

  if (status === 401 || status === 403) {
    const why = config.apiKey ? 'the key sent in X-API-Key was refused' : 'no API key was sent'
    throw new AbortError(new AuthFailedError(config.daemonUrl, status, { cause: new Error(why) }))
  }
  const errorBody = readErrorBody(text, secrets)
  if (status === 404 && request.onNotFound && errorBody.json) throw new AbortError(request.onNotFound())
  if (status >= 300 && status < 400) {
    const location = response.headers.get('location')
    const where = location ? ` to ${redactBodyText(location, secrets)}` : ''
    throw new AbortError(
      new DaemonError(`${what} was redirected${where}; the daemon URL may point at the wrong place`, status),
    )
  }
  const message = errorBody.message || `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}`
  const retryAfterMs = isRetryableStatus(status)
    ? parseRetryAfter(response.headers.get('retry-after'))
    : undefined
  // why: a request we do not resend (submit) still hands the daemon's Retry-After to whoever resends it
  const failure = new DaemonError(message, status, { retryAfterMs })
  if (request.retry && isRetryableStatus(status)) throw new RetryableFailure(failure, retryAfterMs)
  throw new AbortError(failure)
}

/** 429 and server faults; 501 and 505 say the request can never work. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status < 600 && status !== 501 && status !== 505)
}

/** The daemon's `{"error": ...}` text, or the body text (HTML reduced to its words), shortened. */
function readErrorBody(text: string, secrets: readonly string[]): { message: string; json: boolean } {
  try {
    const parsed: unknown = JSON.parse(text)
    const scrubbed = scrubReply(parsed, secrets).value
    if (isRecord(scrubbed) && typeof scrubbed.error === 'string')
      return { message: scrubbed.error, json: true }
  } catch {
    // not JSON: use the text below
  }
  let plain = redactBodyText(text, secrets)
  if (/^\s*</.test(plain))
    plain = plain.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ')
  plain = plain.replace(/\s+/g, ' ').trim()
  return { message: plain.length > 300 ? `${plain.slice(0, 300)}…` : plain, json: false }
}

function abortedError(
  what: string,
  request: DaemonRequest,
  notSent: boolean,
  cause: unknown,
): OperationAbortedError {
  const note = request.retry ? '' : (request.deliveryNote?.(notSent) ?? '')
  return new OperationAbortedError(`the request ${what} to hypervisord${note}`, { cause })
}

function anySignal(signals: ReadonlyArray<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined)
  if (present.length <= 1) return present[0]
  return AbortSignal.any(present)
}
