export const JOB_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const
export type JobStatus = (typeof JOB_STATUSES)[number]

export const EXPORT_METHODS = ['web', 'govc', 'ovftool', 'ctl'] as const
export type ExportMethod = (typeof EXPORT_METHODS)[number]

export type Transport = 'cli' | 'api'

/** `auto`: verify where the output directory is readable here; `required`: fail where it is not; `off`. */
export type VerifyMode = 'auto' | 'required' | 'off'
export const VERIFY_MODES: readonly VerifyMode[] = ['auto', 'required', 'off']

export interface VCenterConnection {
  /** A host name (`vcenter.example.com`), never a URL: the exporters build `https://<server>/sdk`. */
  server: string
  username: string
  password: string
  insecure?: boolean
}

/** Passed to the daemon verbatim (as snake_case); this hypervisord stores them but no exporter reads them. */
export interface ExportOptions {
  parallelDownloads?: number
  removeCdrom?: boolean
  showIndividualProgress?: boolean
  enablePipeline?: boolean
  compressLevel?: number
}

/** A job to submit. camelCase here; the job file and the REST body use the daemon's snake_case names. */
export interface JobSpec {
  vmPath: string
  outputPath: string
  name?: string
  /** Client-chosen job ID, `[A-Za-z0-9._-]` only. Assigned (random UUID v4) when absent. */
  id?: string
  vcenter?: VCenterConnection
  /** Default `web`: never let the daemon choose (`ctl` is broken, `ctl`/`ovftool` put the password in argv). */
  exportMethod?: ExportMethod
  format?: string
  datacenter?: string
  compress?: boolean
  thin?: boolean
  options?: ExportOptions
}

export interface ExportResult {
  vmName?: string
  outputDir?: string
  ovfPath?: string
  files: string[]
  totalSize?: number
  durationMs?: number
  success?: boolean
  exportMethod?: string
  error?: string
}

/** A job as read back from the daemon. Fields the transport cannot see are absent. */
export interface JobInfo {
  id: string
  name: string
  vmPath: string
  status: JobStatus
  phase?: string
  percent?: number
  /** RFC 3339 from the API; `HH:MM:SS` (the daemon's clock) from the hyperctl table. */
  startedAt?: string
  completedAt?: string
  updatedAt?: string
  /** The daemon's own error text. The hyperctl table never shows it. */
  error?: string
  result?: ExportResult
  exportMethod?: string
  outputPath?: string
  /** hyperctl cuts VM paths to their last 27 bytes; true when `vmPath` is such a tail. */
  vmPathTruncated?: boolean
  /** hyperctl's row could not tell the name from the path (a " | " in them): both are '', the ID is certain. */
  vmPathUnreadable?: boolean
  /**
   * hyperctl shows only the first 8 bytes of a longer ID; true when `id` is such a prefix (CLI queries
   * by status or of all jobs; queries by ID map rows back to the full IDs).
   */
  idTruncated?: boolean
  /** The daemon's job definition with every secret redacted (API transport only). */
  definition?: Record<string, unknown>
  source: Transport
}

export interface JobFilter {
  ids?: string[]
  status?: JobStatus[]
  all?: boolean
}

export interface SubmittedJob {
  /** Position in the submitted list. */
  index: number
  id: string
  vmPath: string
  name: string
  accepted: boolean
  /** The daemon's reason when not accepted (e.g. `job with ID x already exists`). */
  error?: string
  exportMethod: ExportMethod
}

export interface SubmitResult {
  /** One entry per submitted job, in input order. */
  jobs: SubmittedJob[]
  /** E.g. options the daemon stores but ignores. Never secret. */
  warnings: string[]
}

export interface CancelResult {
  cancelled: string[]
  failed: Array<{ id: string; error: string }>
}

export interface DaemonStatus {
  version: string
  uptime: string
  url: string
  totalJobs: number
  runningJobs: number
  completedJobs: number
  failedJobs: number
  cancelledJobs?: number
}

/**
 * What a transport did, for a verbose log: the request line and status, or hyperctl's argv and exit code.
 * Never a body, a header or an environment: nothing in it can hold a secret.
 */
export type TransportEvent =
  | {
      kind: 'request'
      method: string
      path: string
      status?: number
      ms: number
      attempt: number
      error?: string
    }
  | {
      kind: 'command'
      file: string
      args: readonly string[]
      exitCode: number | null
      ms: number
      error?: string
    }

export type TransportListener = (event: TransportEvent) => void

export interface CallOptions {
  signal?: AbortSignal
  /** Per call; defaults are the backend's. */
  timeoutMs?: number
}

/** One interface over hyperctl (child process) and hypervisord's REST API. */
export interface ExportBackend {
  readonly transport: Transport
  /** Where it goes, for messages: `hyperctl (/usr/bin/hyperctl) → http://localhost:8080`. */
  readonly target: string
  version(options?: CallOptions): Promise<{ hyperctl?: string; daemon?: string }>
  checkDaemonStatus(options?: CallOptions): Promise<DaemonStatus>
  submitJobs(jobs: JobSpec[], options?: CallOptions): Promise<SubmitResult>
  queryJobs(filter: JobFilter, options?: CallOptions): Promise<JobInfo[]>
  /** Throws JobNotFoundError when the daemon does not know the ID. */
  getJob(id: string, options?: CallOptions): Promise<JobInfo>
  cancelJobs(ids: string[], options?: CallOptions): Promise<CancelResult>
}
