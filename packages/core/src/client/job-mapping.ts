import { HyperctlParseError } from '../errors.js'
import { type CancelResult, type ExportResult, JOB_STATUSES, type JobInfo, type JobStatus } from '../types.js'
import {
  asRecord,
  ReplyShapeError,
  readOptionalBoolean,
  readOptionalNumber,
  readOptionalString,
  readString,
  readStringList,
} from './json-shape.js'

/** What GET /jobs/progress/{id} reports (docs/hyperctl.md#get-job-progress); counters are 0 for every built-in exporter. */
export interface JobProgress {
  jobId: string
  status: JobStatus
  phase?: string
  /** The exporter's last percentage; the web exporter never reports one (docs/hyperctl.md#progress). */
  percent?: number
  currentStep?: string
  currentFile?: string
  exportMethod?: string
  estimatedRemaining?: string
  filesDownloaded?: number
  totalFiles?: number
  bytesDownloaded?: number
  totalBytes?: number
  /** Seconds since the start; keeps growing after the job ended. */
  elapsedSeconds?: number
  transferRateMbps?: number
  startedAt?: string
  completedAt?: string
  error?: string
  /** The daemon's clock when it answered. */
  timestamp?: string
}

/** Runs a mapping of a parsed reply; a reply of the wrong shape becomes HyperctlParseError with the raw text. */
export function mapReply<T>(what: string, rawRedacted: string, map: () => T): T {
  try {
    return map()
  } catch (error) {
    if (error instanceof ReplyShapeError)
      throw new HyperctlParseError(what, rawRedacted, { cause: error, source: 'hypervisord' })
    throw error
  }
}

/** The daemon's Job object (docs/hyperctl.md#get-job), already redacted, as a JobInfo. */
export function toJobInfo(value: unknown, path = 'job'): JobInfo {
  const job = asRecord(value, path)
  const definition = asRecord(job.definition, `${path}.definition`)
  const progress =
    job.progress === undefined || job.progress === null
      ? undefined
      : asRecord(job.progress, `${path}.progress`)
  const result =
    job.result === undefined || job.result === null ? undefined : toExportResult(job.result, `${path}.result`)
  const id = readString(definition, 'id', `${path}.definition`)
  if (id === '') throw new ReplyShapeError(`${path}.definition.id`, 'a job ID', id)

  const info: JobInfo = {
    id,
    name: readOptionalString(definition, 'name', `${path}.definition`) ?? '',
    // why: the daemon accepts a batch element without vm_path (it fails right after starting, docs/hyperctl.md#post-jobs-submit)
    vmPath: readOptionalString(definition, 'vm_path', `${path}.definition`) ?? '',
    status: readStatus(job, path),
    source: 'api',
  }
  const phase = progress && readOptionalString(progress, 'phase', `${path}.progress`)
  const percent = progress && readOptionalNumber(progress, 'percent_complete', `${path}.progress`)
  const exportMethod =
    (progress && readOptionalString(progress, 'export_method', `${path}.progress`)) ??
    result?.exportMethod ??
    readOptionalString(definition, 'export_method', `${path}.definition`) ??
    readOptionalString(definition, 'method', `${path}.definition`)
  // why: output_dir wins over output_path in the daemon, and the daemon copies one into the other on start
  const outputPath =
    readOptionalString(definition, 'output_dir', `${path}.definition`) ??
    readOptionalString(definition, 'output_path', `${path}.definition`)
  assign(info, {
    phase,
    percent,
    startedAt: readOptionalString(job, 'started_at', path),
    completedAt: readOptionalString(job, 'completed_at', path),
    updatedAt: readOptionalString(job, 'updated_at', path),
    error: readOptionalString(job, 'error', path),
    result,
    exportMethod,
    outputPath,
  })
  info.definition = definition
  return info
}

function toExportResult(value: unknown, path: string): ExportResult {
  const result = asRecord(value, path)
  // why: the built-in exporters leave `files` nil and list what they wrote in `output_files`
  const files = [
    ...new Set([...readStringList(result, 'files', path), ...readStringList(result, 'output_files', path)]),
  ]
  const duration = readOptionalNumber(result, 'duration', path)
  const out: ExportResult = { files }
  assign(out, {
    vmName: readOptionalString(result, 'vm_name', path),
    outputDir: readOptionalString(result, 'output_dir', path),
    ovfPath: readOptionalString(result, 'ovf_path', path),
    totalSize: readOptionalNumber(result, 'total_size', path),
    // Go's time.Duration is nanoseconds
    durationMs: duration === undefined ? undefined : duration / 1e6,
    success: readOptionalBoolean(result, 'success', path),
    exportMethod: readOptionalString(result, 'export_method', path),
    error: readOptionalString(result, 'error', path),
  })
  return out
}

/** GET /jobs/progress/{id}'s map as a JobProgress. */
export function toJobProgress(value: unknown): JobProgress {
  const path = 'progress reply'
  const reply = asRecord(value, path)
  const jobId = readString(reply, 'job_id', path)
  const out: JobProgress = { jobId, status: readStatus(reply, path) }
  const progress =
    reply.progress === undefined || reply.progress === null
      ? undefined
      : asRecord(reply.progress, `${path}.progress`)
  const at = `${path}.progress`
  assign(out, {
    phase: progress && readOptionalString(progress, 'phase', at),
    percent: progress && readOptionalNumber(progress, 'percent_complete', at),
    currentStep: progress && readOptionalString(progress, 'current_step', at),
    currentFile: progress && readOptionalString(progress, 'current_file', at),
    exportMethod: progress && readOptionalString(progress, 'export_method', at),
    estimatedRemaining: progress && readOptionalString(progress, 'estimated_remaining', at),
    filesDownloaded: progress && readOptionalNumber(progress, 'files_downloaded', at),
    totalFiles: progress && readOptionalNumber(progress, 'total_files', at),
    bytesDownloaded: progress && readOptionalNumber(progress, 'bytes_downloaded', at),
    totalBytes: progress && readOptionalNumber(progress, 'total_bytes', at),
    elapsedSeconds: readOptionalNumber(reply, 'elapsed_seconds', path),
    transferRateMbps: readOptionalNumber(reply, 'transfer_rate_mbps', path),
    startedAt: readOptionalString(reply, 'started_at', path),
    completedAt: readOptionalString(reply, 'completed_at', path),
    error: readOptionalString(reply, 'error', path),
    timestamp: readOptionalString(reply, 'timestamp', path),
  })
  return out
}

/** POST /jobs/query's `{"jobs": [...] | null}`; every element must be a job. */
export function toJobList(value: unknown): JobInfo[] {
  const reply = asRecord(value, 'query reply')
  if (reply.jobs === null || reply.jobs === undefined) return []
  if (!Array.isArray(reply.jobs)) throw new ReplyShapeError('query reply.jobs', 'a list of jobs', reply.jobs)
  return reply.jobs.map((job, i) => toJobInfo(job, `query reply.jobs[${i}]`))
}

/** POST /jobs/cancel's reply; a failed ID without an entry in `errors` gets '' (as hyperctl prints it). */
export function toCancelResult(value: unknown): CancelResult {
  const path = 'cancel reply'
  const reply = asRecord(value, path)
  const errors =
    reply.errors === undefined || reply.errors === null ? {} : asRecord(reply.errors, `${path}.errors`)
  return {
    cancelled: readStringList(reply, 'cancelled', path),
    failed: readStringList(reply, 'failed', path).map((id) => {
      const error = errors[id] ?? ''
      if (typeof error !== 'string') throw new ReplyShapeError(`${path}.errors.${id}`, 'a string', error)
      return { id, error }
    }),
  }
}

function readStatus(obj: Record<string, unknown>, path: string): JobStatus {
  const status = readString(obj, 'status', path)
  if (!(JOB_STATUSES as readonly string[]).includes(status)) {
    throw new ReplyShapeError(`${path}.status`, JOB_STATUSES.join(', '), status)
  }
  return status as JobStatus
}

/** Copies only the defined values, so optional fields are absent rather than `undefined`. */
export function assign<T extends object>(target: T, values: Partial<T>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value
  }
}
