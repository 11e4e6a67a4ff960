import {
  decodeType,
  encodeStruct,
  fill,
  type GoValue,
  ptr,
  type StructDecl,
  slice,
  struct,
  type Wire,
} from './go-struct.js'

/**
 * hypervisord's job structs (hypersdk daemon/models/job.go), each declared once: field order, Go type
 * and JSON tag as Go has them. Values hold Go zero values ('' / false / null), times as ns since the epoch.
 */

export type ExportMethod = 'ctl' | 'govc' | 'ovftool' | 'web'
export const EXPORT_METHODS: readonly ExportMethod[] = ['ctl', 'govc', 'ovftool', 'web']

export type JobStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled'

const decl = <const F extends StructDecl['fields']>(name: string, fields: F): StructDecl<F> => ({
  name: `models.${name}`,
  fields,
})

const EXPORT_OPTIONS = decl('ExportOptions', {
  parallel_downloads: 'int,omitempty',
  remove_cdrom: 'bool,omitempty',
  show_individual_progress: 'bool,omitempty',
  enable_pipeline: 'bool,omitempty',
  hyper2kvm_path: 'string,omitempty',
  pipeline_inspect: 'bool,omitempty',
  pipeline_fix: 'bool,omitempty',
  pipeline_convert: 'bool,omitempty',
  pipeline_validate: 'bool,omitempty',
  pipeline_compress: 'bool,omitempty',
  compress_level: 'int,omitempty',
  libvirt_integration: 'bool,omitempty',
  libvirt_uri: 'string,omitempty',
  libvirt_autostart: 'bool,omitempty',
  libvirt_bridge: 'string,omitempty',
  libvirt_pool: 'string,omitempty',
  hyper2kvm_daemon: 'bool,omitempty',
  hyper2kvm_instance: 'string,omitempty',
  hyper2kvm_watch_dir: 'string,omitempty',
  hyper2kvm_output_dir: 'string,omitempty',
  hyper2kvm_poll_interval: 'int,omitempty',
  hyper2kvm_daemon_timeout: 'int,omitempty',
})

const VCENTER = decl('VCenterConfig', {
  server: 'string',
  username: 'string',
  password: 'string',
  insecure: 'bool',
})

export const JOB_DEFINITION = decl('JobDefinition', {
  id: 'string',
  name: 'string',
  vm_path: 'string',
  output_path: 'string,omitempty',
  output_dir: 'string,omitempty',
  options: ptr(EXPORT_OPTIONS),
  vcenter_url: 'string,omitempty',
  vcenter: ptr(VCENTER),
  username: 'string,omitempty',
  password: 'string,yaml',
  insecure: 'bool,omitempty',
  datacenter: 'string,omitempty',
  format: 'string,omitempty',
  export_method: 'string,omitempty',
  method: 'string,omitempty',
  compress: 'bool,omitempty',
  thin: 'bool,omitempty',
  created_at: 'time.Time',
  metadata: 'map[string]interface {},omitempty',
})

const JOB_PROGRESS = decl('JobProgress', {
  phase: 'string',
  current_file: 'string,omitempty',
  current_step: 'string,omitempty',
  files_downloaded: 'int',
  total_files: 'int',
  bytes_downloaded: 'int64',
  bytes_transferred: 'int64',
  total_bytes: 'int64',
  percent_complete: 'float64',
  estimated_remaining: 'string,omitempty',
  export_method: 'string,omitempty',
})

const JOB_RESULT = decl('JobResult', {
  vm_name: 'string',
  output_dir: 'string',
  ovf_path: 'string',
  files: '[]string',
  output_files: '[]string,omitempty',
  total_size: 'int64',
  duration: 'time.Duration',
  success: 'bool',
  export_method: 'string,omitempty',
  error: 'string,omitempty',
})

const JOB = decl('Job', {
  definition: struct(JOB_DEFINITION),
  status: 'models.JobStatus',
  progress: ptr(JOB_PROGRESS),
  result: ptr(JOB_RESULT),
  error: 'string,omitempty',
  started_at: '*time.Time,omitempty',
  completed_at: '*time.Time,omitempty',
  updated_at: 'time.Time',
})

export const BATCH = decl('BatchJobDefinition', { jobs: slice(JOB_DEFINITION) })

export const QUERY_REQUEST = decl('QueryRequest', {
  job_ids: '[]string',
  status: '[]models.JobStatus',
  all: 'bool',
  limit: 'int',
})

export const CANCEL_REQUEST = decl('CancelRequest', { job_ids: '[]string' })

export type ExportOptions = GoValue<typeof EXPORT_OPTIONS>
export type VCenterConfig = GoValue<typeof VCENTER>
export type JobDefinition = GoValue<typeof JOB_DEFINITION>
export type JobProgress = GoValue<typeof JOB_PROGRESS>
export type JobResult = GoValue<typeof JOB_RESULT>
export type Job = GoValue<typeof JOB>

/** A job as GET /jobs/{id} shows it: what `control.jobs()` returns. */
export type WireJob = Wire<typeof JOB>
export type WireJobDefinition = Wire<typeof JOB_DEFINITION>
export type WireJobProgress = Wire<typeof JOB_PROGRESS>
export type WireJobResult = Wire<typeof JOB_RESULT>

/** `JobDefinition` as encoding/json sees it (`password` is `json:"-"`). */
export const JOB_DEFINITION_JSON_TYPE = decodeType(JOB_DEFINITION)
export const QUERY_REQUEST_TYPE = decodeType(QUERY_REQUEST)
/** `Job` as hyperctl decodes it from a reply. */
export const JOB_JSON_TYPE = decodeType(JOB)

export const definitionFrom = (record: unknown): JobDefinition => fill(JOB_DEFINITION, record)
export const progressOf = (fields: Partial<JobProgress>): JobProgress => fill(JOB_PROGRESS, fields)
export const resultOf = (fields: Partial<JobResult>): JobResult => fill(JOB_RESULT, fields)
export const jobOf = (fields: Partial<Job>): Job => fill(JOB, fields)

export const encodeJob = (job: Job, tz = 0): string => encodeStruct(JOB, job, tz)
export const toWireJob = (job: Job, tz = 0) => JSON.parse(encodeJob(job, tz)) as WireJob

/**
 * The reverse of `toWireJob`, for seeding: takes a job as a daemon reply shows it (for instance one
 * parsed from a captured `/jobs/query` body). Throws TypeError for anything that is not such a job.
 */
export function jobFromWire(wire: unknown): Job {
  const job = fill(JOB, wire, 'job')
  if (job.definition.id === '') throw new TypeError('a seeded job needs definition.id')
  return job
}
