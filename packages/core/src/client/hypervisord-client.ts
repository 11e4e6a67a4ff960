import { JobNotFoundError, UsageError } from '../errors.js'
import { prepareJobs, toJobDefinition } from '../jobs/job-definition.js'
import type {
  CallOptions,
  CancelResult,
  DaemonStatus,
  ExportBackend,
  JobFilter,
  JobInfo,
  JobSpec,
  SubmitResult,
  TransportListener,
} from '../types.js'
import { type Capabilities, toCapabilities, toDaemonStatus, toHealth } from './daemon-mapping.js'
import { DEFAULT_DAEMON_URL, normalizeDaemonUrl } from './daemon-url.js'
import { type DaemonReply, type DaemonRequest, type HttpClientConfig, requestDaemon } from './http-request.js'
import {
  type JobProgress,
  mapReply,
  toCancelResult,
  toJobInfo,
  toJobList,
  toJobProgress,
} from './job-mapping.js'
import { ReplyShapeError } from './json-shape.js'
import { toSubmitResult } from './submit-mapping.js'

export interface HypervisordClientOptions {
  /** Default: HYPERVISORD_URL, else http://localhost:8080. http: and https: only; a trailing slash is fine. */
  daemonUrl?: string
  /** Default: HYPERVISORD_API_KEY. Sent only as the X-API-Key header. */
  apiKey?: string
  /** Per HTTP request (each retry gets its own), default 30 s like hyperctl. */
  requestTimeoutMs?: number
  /** How often a failed read is sent again (5xx, 429, connection errors), default 4. Submit is never resent. */
  retries?: number
  /** First backoff ceiling, default 500 ms; each retry doubles it, with jitter between half and all of it. */
  retryMinDelayMs?: number
  /** Backoff cap, default 8 s. */
  retryMaxDelayMs?: number
  /** Cap on a 429/503 `Retry-After`, default 30 s. */
  retryAfterMaxMs?: number
  fetch?: typeof fetch
  env?: NodeJS.ProcessEnv
  /** Told of each HTTP attempt (method, path, status, ms), for a verbose log. */
  onEvent?: TransportListener
}

const DEFAULTS = {
  requestTimeoutMs: 30_000,
  retries: 4,
  retryMinDelayMs: 500,
  retryMaxDelayMs: 8_000,
  retryAfterMaxMs: 30_000,
}

// why: the daemon takes the last path element as the ID and serves these names as other routes (docs/hyperctl.md#get-job)
const UNFETCHABLE_IDS = new Set(['submit', 'query', 'cancel', '.', '..'])

/** The ExportBackend over hypervisord's REST API: can send an API key and reach any daemon URL. */
export class HypervisordClient implements ExportBackend {
  readonly transport = 'api' as const
  readonly target: string
  readonly daemonUrl: string
  readonly #config: HttpClientConfig

  constructor(options: HypervisordClientOptions = {}) {
    const env = options.env ?? process.env
    this.daemonUrl = normalizeDaemonUrl(options.daemonUrl || env.HYPERVISORD_URL || DEFAULT_DAEMON_URL)
    this.target = `hypervisord REST API → ${this.daemonUrl}`
    const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
    this.#config = {
      daemonUrl: this.daemonUrl,
      apiKey: checkApiKey(options.apiKey ?? env.HYPERVISORD_API_KEY),
      knownSecrets: new Set(),
      requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs),
      retries: count('retries', options.retries ?? DEFAULTS.retries),
      backoff: {
        minDelayMs: nonNegative('retryMinDelayMs', options.retryMinDelayMs ?? DEFAULTS.retryMinDelayMs),
        maxDelayMs: nonNegative('retryMaxDelayMs', options.retryMaxDelayMs ?? DEFAULTS.retryMaxDelayMs),
      },
      retryAfterMaxMs: nonNegative('retryAfterMaxMs', options.retryAfterMaxMs ?? DEFAULTS.retryAfterMaxMs),
      fetch: fetchImpl,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    }
  }

  /** GET /health, which never needs the API key. */
  async health(options?: CallOptions): Promise<{ status: string; timestamp: string }> {
    const reply = await this.#read('GET', '/health', options)
    return mapReply('a health reply', reply.text, () => toHealth(reply.body))
  }

  /** The daemon's version from GET /status (`0.0.1` for every hypersdk build so far). */
  async version(options?: CallOptions): Promise<{ daemon?: string }> {
    return { daemon: (await this.checkDaemonStatus(options)).version }
  }

  async checkDaemonStatus(options?: CallOptions): Promise<DaemonStatus> {
    const reply = await this.#read('GET', '/status', options)
    return mapReply('a status reply', reply.text, () => toDaemonStatus(reply.body, this.daemonUrl))
  }

  /**
   * POST /jobs/submit with every job under our own ID. Sent once: a resend after a lost reply
   * could export twice, so a transport failure says whether the jobs may exist.
   */
  async submitJobs(jobs: JobSpec[], options?: CallOptions): Promise<SubmitResult> {
    const prepared = prepareJobs(jobs)
    const ids = prepared.map((j) => j.id).join(', ')
    for (const j of prepared) if (j.vcenter?.password) this.#config.knownSecrets?.add(j.vcenter.password)
    const reply = await requestDaemon(this.#config, {
      method: 'POST',
      path: '/jobs/submit',
      // why: the {"jobs": [...]} form is accepted for one job too, and never mistaken for one job (docs/hyperctl.md#post-jobs-submit)
      body: { jobs: prepared.map(toJobDefinition) },
      retry: false,
      secrets: prepared.flatMap((j) => (j.vcenter?.password ? [j.vcenter.password] : [])),
      deliveryNote: (notSent) =>
        notSent
          ? '; nothing was submitted'
          : `; the submit may or may not have reached the daemon, so job(s) ${ids} may exist: look them up by ID before submitting again`,
      call: options,
    })
    return mapReply('a submit reply', reply.text, () => toSubmitResult(reply.body, prepared))
  }

  /** POST /jobs/query: `ids` (even empty) wins, then `all`, then `status`; no filter means all jobs. */
  async queryJobs(filter: JobFilter, options?: CallOptions): Promise<JobInfo[]> {
    let body: Record<string, unknown>
    if (filter.ids !== undefined) {
      if (filter.ids.length === 0) return []
      body = { job_ids: filter.ids }
    } else if (!filter.all && filter.status !== undefined && filter.status.length > 0) {
      body = { status: filter.status }
    } else {
      body = { all: true }
    }
    const reply = await this.#read('POST', '/jobs/query', options, body)
    return mapReply('a job reply', reply.text, () => toJobList(reply.body))
  }

  /** GET /jobs/{id}; throws JobNotFoundError when the daemon does not know the ID. */
  async getJob(id: string, options?: CallOptions): Promise<JobInfo> {
    const reply = await this.#read('GET', `/jobs/${fetchableId(id)}`, options, undefined, id)
    return mapReply('a job reply', reply.text, () => {
      const job = toJobInfo(reply.body)
      if (job.id !== id) throw new ReplyShapeError('job.definition.id', `the job ID ${id}`, job.id)
      return job
    })
  }

  /**
   * POST /jobs/cancel. Resent after a failure like a read: cancelling is only a label (docs/hyperctl.md#cancel-is-a-label), and
   * a job our lost first attempt already cancelled is counted as cancelled.
   */
  async cancelJobs(ids: string[], options?: CallOptions): Promise<CancelResult> {
    if (ids.length === 0) return { cancelled: [], failed: [] }
    const reply = await this.#read('POST', '/jobs/cancel', options, { job_ids: ids })
    const result = mapReply('a cancel reply', reply.text, () => toCancelResult(reply.body))
    if (reply.attempts === 1) return result
    const ours = result.failed.filter(
      (f) => f.error === `job ${f.id} cannot be cancelled (status: cancelled)`,
    )
    return {
      cancelled: [...result.cancelled, ...ours.map((f) => f.id)],
      failed: result.failed.filter((f) => !ours.includes(f)),
    }
  }

  /** GET /jobs/progress/{id}; throws JobNotFoundError when the daemon does not know the ID. */
  async getProgress(id: string, options?: CallOptions): Promise<JobProgress> {
    const reply = await this.#read('GET', `/jobs/progress/${fetchableId(id)}`, options, undefined, id)
    return mapReply('a progress reply', reply.text, () => toJobProgress(reply.body))
  }

  /** GET /capabilities: the export methods the daemon detected and the one it picks by default. */
  async capabilities(options?: CallOptions): Promise<Capabilities> {
    const reply = await this.#read('GET', '/capabilities', options)
    return mapReply('a capabilities reply', reply.text, () => toCapabilities(reply.body))
  }

  #read(
    method: DaemonRequest['method'],
    path: string,
    call: CallOptions | undefined,
    body?: unknown,
    jobId?: string,
  ): Promise<DaemonReply> {
    return requestDaemon(this.#config, {
      method,
      path,
      body,
      retry: true,
      call,
      ...(jobId === undefined
        ? {}
        : { onNotFound: () => new JobNotFoundError(jobId, false, { daemon: this.daemonUrl }) }),
    })
  }
}

function fetchableId(id: string): string {
  if (typeof id !== 'string' || id === '' || id.includes('/') || UNFETCHABLE_IDS.has(id)) {
    throw new UsageError(
      `job ID ${JSON.stringify(id)} cannot be looked up on hypervisord: it is empty, holds '/' or names another route`,
      'Check the job ID; query by ID finds jobs with any ID.',
    )
  }
  return encodeURIComponent(id)
}

function checkApiKey(raw: string | undefined): string | undefined {
  // why: keys from files and secret stores often end in a newline
  const key = raw?.trim()
  if (!key) return undefined
  if (!/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(key)) {
    // the key itself is never echoed
    throw new UsageError('the API key holds characters that cannot be sent in an HTTP header', {
      fact: 'set',
      setting: 'api-key',
      to: 'to the key exactly as the daemon has it (printable ASCII)',
    })
  }
  return key
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${name} must be a positive number of milliseconds`)
  return value
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new UsageError(`${name} must be 0 or more milliseconds`)
  return value
}

function count(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 20)
    throw new UsageError(`${name} must be a whole number from 0 to 20`)
  return value
}
