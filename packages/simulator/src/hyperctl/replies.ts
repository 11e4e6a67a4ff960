import type { WallClock } from '../go/go-rfc3339.js'
import type { GoField, GoType } from './go-json.js'

/** hypersdk daemon/models as Go types, so decoding reproduces Go's type errors field for field. */

const str: GoType = { kind: 'string', name: 'string' }
const int: GoType = { kind: 'int', name: 'int' }
const int64: GoType = { kind: 'int', name: 'int64' }
const bool: GoType = { kind: 'bool' }
const time: GoType = { kind: 'time' }
const strings: GoType = { kind: 'slice', elem: str }

const fields = (spec: Record<string, GoType>): GoField[] =>
  Object.entries(spec).map(([json, type]) => ({ json, type }))

const model = (name: string, spec: Record<string, GoType>): GoType => ({
  kind: 'struct',
  pkg: 'models',
  name,
  fields: fields(spec),
})

const exportOptions = model('ExportOptions', {
  parallel_downloads: int,
  remove_cdrom: bool,
  show_individual_progress: bool,
  enable_pipeline: bool,
  hyper2kvm_path: str,
  pipeline_inspect: bool,
  pipeline_fix: bool,
  pipeline_convert: bool,
  pipeline_validate: bool,
  pipeline_compress: bool,
  compress_level: int,
  libvirt_integration: bool,
  libvirt_uri: str,
  libvirt_autostart: bool,
  libvirt_bridge: str,
  libvirt_pool: str,
  hyper2kvm_daemon: bool,
  hyper2kvm_instance: str,
  hyper2kvm_watch_dir: str,
  hyper2kvm_output_dir: str,
  hyper2kvm_poll_interval: int,
  hyper2kvm_daemon_timeout: int,
})

const vcenterConfig = model('VCenterConfig', { server: str, username: str, password: str, insecure: bool })

// `password` is `json:"-"` in Go, so a "password" key is ignored.
const jobDefinition = model('JobDefinition', {
  id: str,
  name: str,
  vm_path: str,
  output_path: str,
  output_dir: str,
  options: { kind: 'ptr', elem: exportOptions },
  vcenter_url: str,
  vcenter: { kind: 'ptr', elem: vcenterConfig },
  username: str,
  insecure: bool,
  datacenter: str,
  format: str,
  export_method: str,
  method: str,
  compress: bool,
  thin: bool,
  created_at: time,
  metadata: { kind: 'map', elem: { kind: 'any' } },
})

const jobProgress = model('JobProgress', {
  phase: str,
  current_file: str,
  current_step: str,
  files_downloaded: int,
  total_files: int,
  bytes_downloaded: int64,
  bytes_transferred: int64,
  total_bytes: int64,
  percent_complete: { kind: 'float64' },
  estimated_remaining: str,
  export_method: str,
})

const jobResult = model('JobResult', {
  vm_name: str,
  output_dir: str,
  ovf_path: str,
  files: strings,
  output_files: strings,
  total_size: int64,
  duration: { kind: 'int', name: 'time.Duration' },
  success: bool,
  export_method: str,
  error: str,
})

const job = model('Job', {
  definition: jobDefinition,
  status: { kind: 'string', name: 'models.JobStatus' },
  progress: { kind: 'ptr', elem: jobProgress },
  result: { kind: 'ptr', elem: jobResult },
  error: str,
  started_at: { kind: 'ptr', elem: time },
  completed_at: { kind: 'ptr', elem: time },
  updated_at: time,
})

export const QUERY_RESPONSE = model('QueryResponse', {
  jobs: { kind: 'slice', elem: { kind: 'ptr', elem: job } },
  total: int,
  timestamp: time,
})

export const SUBMIT_RESPONSE = model('SubmitResponse', {
  job_ids: strings,
  accepted: int,
  rejected: int,
  errors: strings,
  timestamp: time,
})

export const CANCEL_RESPONSE = model('CancelResponse', {
  cancelled: strings,
  failed: strings,
  errors: { kind: 'map', elem: str },
  timestamp: time,
})

export const DAEMON_STATUS = model('DaemonStatus', {
  version: str,
  uptime: str,
  total_jobs: int,
  running_jobs: int,
  completed_jobs: int,
  failed_jobs: int,
  cancelled_jobs: int,
  timestamp: time,
})

/** The decoded shapes (only the fields hyperctl prints are typed). Go ints are bigints. */
export interface DecodedJob {
  definition: { id: string; name: string; vm_path: string }
  status: string
  progress: { phase: string; percent_complete: number } | null
  started_at: WallClock | null
}

export interface DecodedQueryReply {
  jobs: Array<DecodedJob | null> | null
  total: bigint
}

export interface DecodedSubmitReply {
  job_ids: string[] | null
  accepted: bigint
  rejected: bigint
  errors: string[] | null
}

export interface DecodedCancelReply {
  cancelled: string[] | null
  failed: string[] | null
  errors: Map<string, string> | null
}

export interface DecodedDaemonStatus {
  version: string
  uptime: string
  total_jobs: bigint
  running_jobs: bigint
  completed_jobs: bigint
  failed_jobs: bigint
}
