import type { GoStruct, GoType } from '../go/go-json-decode.js'
import {
  goJsonAny,
  goJsonFloat,
  goJsonInt,
  goJsonObject,
  goJsonString,
  goJsonStrings,
} from '../go/go-json-encode.js'
import { formatRfc3339Nano, parseRfc3339 } from '../go/go-time.js'

/**
 * hypervisord's job structs (hypersdk daemon/models/job.go) held with Go zero values, and their JSON
 * encoders: fields in declaration order, `omitempty` honoured, times as Go prints them.
 */

export type ExportMethod = 'ctl' | 'govc' | 'ovftool' | 'web'
export const EXPORT_METHODS: readonly ExportMethod[] = ['ctl', 'govc', 'ovftool', 'web']

export type JobStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled'

/** `ExportOptions`, in declaration order with their Go kinds. */
export const EXPORT_OPTION_FIELDS = [
  ['parallel_downloads', 'int'],
  ['remove_cdrom', 'bool'],
  ['show_individual_progress', 'bool'],
  ['enable_pipeline', 'bool'],
  ['hyper2kvm_path', 'string'],
  ['pipeline_inspect', 'bool'],
  ['pipeline_fix', 'bool'],
  ['pipeline_convert', 'bool'],
  ['pipeline_validate', 'bool'],
  ['pipeline_compress', 'bool'],
  ['compress_level', 'int'],
  ['libvirt_integration', 'bool'],
  ['libvirt_uri', 'string'],
  ['libvirt_autostart', 'bool'],
  ['libvirt_bridge', 'string'],
  ['libvirt_pool', 'string'],
  ['hyper2kvm_daemon', 'bool'],
  ['hyper2kvm_instance', 'string'],
  ['hyper2kvm_watch_dir', 'string'],
  ['hyper2kvm_output_dir', 'string'],
  ['hyper2kvm_poll_interval', 'int'],
  ['hyper2kvm_daemon_timeout', 'int'],
] as const

export type ExportOptions = Partial<
  Record<(typeof EXPORT_OPTION_FIELDS)[number][0], number | boolean | string>
>

export interface VCenterConfig {
  server: string
  username: string
  password: string
  insecure: boolean
}

/** `JobDefinition` with Go zero values ('' / false / null). `created_at` is ns since the epoch. */
export interface JobDefinition {
  id: string
  name: string
  vm_path: string
  output_path: string
  output_dir: string
  options: ExportOptions | null
  vcenter_url: string
  vcenter: VCenterConfig | null
  username: string
  /** YAML only (`json:"-"`): never serialised. */
  password: string
  insecure: boolean
  datacenter: string
  format: string
  export_method: string
  method: string
  compress: boolean
  thin: boolean
  created_at: bigint
  metadata: Record<string, unknown> | null
}

export interface JobProgress {
  phase: string
  current_file: string
  current_step: string
  files_downloaded: number
  total_files: number
  bytes_downloaded: number
  bytes_transferred: number
  total_bytes: number
  percent_complete: number
  estimated_remaining: string
  export_method: string
}

export interface JobResult {
  vm_name: string
  output_dir: string
  ovf_path: string
  files: string[] | null
  output_files: string[] | null
  total_size: number
  /** Go `time.Duration`: nanoseconds. */
  duration: number
  success: boolean
  export_method: string
  error: string
}

export interface Job {
  definition: JobDefinition
  status: string
  progress: JobProgress | null
  result: JobResult | null
  error: string
  started_at: bigint | null
  completed_at: bigint | null
  updated_at: bigint
}

export function emptyDefinition(): JobDefinition {
  return {
    id: '',
    name: '',
    vm_path: '',
    output_path: '',
    output_dir: '',
    options: null,
    vcenter_url: '',
    vcenter: null,
    username: '',
    password: '',
    insecure: false,
    datacenter: '',
    format: '',
    export_method: '',
    method: '',
    compress: false,
    thin: false,
    created_at: 0n,
    metadata: null,
  }
}

export function emptyProgress(phase: string): JobProgress {
  return {
    phase,
    current_file: '',
    current_step: '',
    files_downloaded: 0,
    total_files: 0,
    bytes_downloaded: 0,
    bytes_transferred: 0,
    total_bytes: 0,
    percent_complete: 0,
    estimated_remaining: '',
    export_method: '',
  }
}

export function emptyResult(): JobResult {
  return {
    vm_name: '',
    output_dir: '',
    ovf_path: '',
    files: null,
    output_files: null,
    total_size: 0,
    duration: 0,
    success: false,
    export_method: '',
    error: '',
  }
}

const str = (name = 'string'): GoType => ({ kind: 'string', name })
const GO_KIND: Record<'int' | 'bool' | 'string', GoType> = {
  int: { kind: 'int' },
  bool: { kind: 'bool' },
  string: str(),
}

export const EXPORT_OPTIONS_TYPE: GoStruct = {
  kind: 'struct',
  name: 'models.ExportOptions',
  fields: EXPORT_OPTION_FIELDS.map(([name, kind]) => ({ name, type: GO_KIND[kind] })),
}

export const VCENTER_TYPE: GoStruct = {
  kind: 'struct',
  name: 'models.VCenterConfig',
  fields: [
    { name: 'server', type: str() },
    { name: 'username', type: str() },
    { name: 'password', type: str() },
    { name: 'insecure', type: { kind: 'bool' } },
  ],
}

function definitionType(withPassword: boolean): GoStruct {
  const fields: Array<{ name: string; type: GoType }> = [
    { name: 'id', type: str() },
    { name: 'name', type: str() },
    { name: 'vm_path', type: str() },
    { name: 'output_path', type: str() },
    { name: 'output_dir', type: str() },
    { name: 'options', type: { kind: 'ptr', elem: EXPORT_OPTIONS_TYPE } },
    { name: 'vcenter_url', type: str() },
    { name: 'vcenter', type: { kind: 'ptr', elem: VCENTER_TYPE } },
    { name: 'username', type: str() },
    ...(withPassword ? [{ name: 'password', type: str() }] : []),
    { name: 'insecure', type: { kind: 'bool' } },
    { name: 'datacenter', type: str() },
    { name: 'format', type: str() },
    { name: 'export_method', type: str() },
    { name: 'method', type: str() },
    { name: 'compress', type: { kind: 'bool' } },
    { name: 'thin', type: { kind: 'bool' } },
    { name: 'created_at', type: { kind: 'time' } },
    { name: 'metadata', type: { kind: 'map' } },
  ]
  return { kind: 'struct', name: 'models.JobDefinition', fields }
}

/** `JobDefinition` as encoding/json sees it (`password` is `json:"-"`). */
export const JOB_DEFINITION_JSON_TYPE = definitionType(false)
/** `JobDefinition` as yaml.v3 sees it (`password` included). */
export const JOB_DEFINITION_YAML_TYPE = definitionType(true)

export const BATCH_JSON_TYPE: GoStruct = {
  kind: 'struct',
  name: 'models.BatchJobDefinition',
  fields: [{ name: 'jobs', type: { kind: 'slice', elem: JOB_DEFINITION_JSON_TYPE } }],
}

export const QUERY_REQUEST_TYPE: GoStruct = {
  kind: 'struct',
  name: 'models.QueryRequest',
  fields: [
    { name: 'job_ids', type: { kind: 'slice', elem: str() } },
    { name: 'status', type: { kind: 'slice', elem: str('models.JobStatus') } },
    { name: 'all', type: { kind: 'bool' } },
    { name: 'limit', type: { kind: 'int' } },
  ],
}

export const CANCEL_REQUEST_TYPE: GoStruct = {
  kind: 'struct',
  name: 'models.CancelRequest',
  fields: [{ name: 'job_ids', type: { kind: 'slice', elem: str() } }],
}

/** Turns a decoded struct record (fields present only when they appeared) into a JobDefinition. */
export function definitionFromRecord(record: Record<string, unknown> | null | undefined): JobDefinition {
  const def = emptyDefinition()
  if (!record) return def
  const target = def as unknown as Record<string, unknown>
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined || !(key in def)) continue
    if (key === 'vcenter') {
      def.vcenter = value === null ? null : vcenterFromRecord(value as Record<string, unknown>)
    } else if (key === 'options') {
      def.options = value === null ? null : { ...(value as ExportOptions) }
    } else {
      target[key] = value
    }
  }
  return def
}

function vcenterFromRecord(record: Record<string, unknown>): VCenterConfig {
  return {
    server: typeof record.server === 'string' ? record.server : '',
    username: typeof record.username === 'string' ? record.username : '',
    password: typeof record.password === 'string' ? record.password : '',
    insecure: record.insecure === true,
  }
}

const omitString = (s: string) => (s === '' ? undefined : goJsonString(s))
const omitBool = (b: boolean) => (b ? 'true' : undefined)
const omitInt = (n: number) => (n === 0 ? undefined : goJsonInt(n))
const time = (ns: bigint, tz: number) => goJsonString(formatRfc3339Nano(ns, tz))

export function encodeExportOptions(options: ExportOptions): string {
  return goJsonObject(
    EXPORT_OPTION_FIELDS.map(([name, kind]) => {
      const value = options[name]
      if (kind === 'int') return [name, omitInt(typeof value === 'number' ? value : 0)]
      if (kind === 'bool') return [name, omitBool(value === true)]
      return [name, omitString(typeof value === 'string' ? value : '')]
    }),
  )
}

export function encodeDefinition(def: JobDefinition, tz = 0): string {
  const v = def.vcenter
  return goJsonObject([
    ['id', goJsonString(def.id)],
    ['name', goJsonString(def.name)],
    ['vm_path', goJsonString(def.vm_path)],
    ['output_path', omitString(def.output_path)],
    ['output_dir', omitString(def.output_dir)],
    ['options', def.options ? encodeExportOptions(def.options) : undefined],
    ['vcenter_url', omitString(def.vcenter_url)],
    [
      'vcenter',
      v
        ? goJsonObject([
            ['server', goJsonString(v.server)],
            ['username', goJsonString(v.username)],
            ['password', goJsonString(v.password)],
            ['insecure', v.insecure ? 'true' : 'false'],
          ])
        : undefined,
    ],
    ['username', omitString(def.username)],
    ['insecure', omitBool(def.insecure)],
    ['datacenter', omitString(def.datacenter)],
    ['format', omitString(def.format)],
    ['export_method', omitString(def.export_method)],
    ['method', omitString(def.method)],
    ['compress', omitBool(def.compress)],
    ['thin', omitBool(def.thin)],
    ['created_at', time(def.created_at, tz)],
    ['metadata', def.metadata && Object.keys(def.metadata).length > 0 ? goJsonAny(def.metadata) : undefined],
  ])
}

export function encodeProgress(p: JobProgress): string {
  return goJsonObject([
    ['phase', goJsonString(p.phase)],
    ['current_file', omitString(p.current_file)],
    ['current_step', omitString(p.current_step)],
    ['files_downloaded', goJsonInt(p.files_downloaded)],
    ['total_files', goJsonInt(p.total_files)],
    ['bytes_downloaded', goJsonInt(p.bytes_downloaded)],
    ['bytes_transferred', goJsonInt(p.bytes_transferred)],
    ['total_bytes', goJsonInt(p.total_bytes)],
    ['percent_complete', goJsonFloat(p.percent_complete)],
    ['estimated_remaining', omitString(p.estimated_remaining)],
    ['export_method', omitString(p.export_method)],
  ])
}

export function encodeResult(r: JobResult): string {
  return goJsonObject([
    ['vm_name', goJsonString(r.vm_name)],
    ['output_dir', goJsonString(r.output_dir)],
    ['ovf_path', goJsonString(r.ovf_path)],
    ['files', goJsonStrings(r.files)],
    ['output_files', r.output_files && r.output_files.length > 0 ? goJsonStrings(r.output_files) : undefined],
    ['total_size', goJsonInt(r.total_size)],
    ['duration', goJsonInt(r.duration)],
    ['success', r.success ? 'true' : 'false'],
    ['export_method', omitString(r.export_method)],
    ['error', omitString(r.error)],
  ])
}

export function encodeJob(job: Job, tz = 0): string {
  return goJsonObject([
    ['definition', encodeDefinition(job.definition, tz)],
    ['status', goJsonString(job.status)],
    ['progress', job.progress ? encodeProgress(job.progress) : undefined],
    ['result', job.result ? encodeResult(job.result) : undefined],
    ['error', omitString(job.error)],
    ['started_at', job.started_at === null ? undefined : time(job.started_at, tz)],
    ['completed_at', job.completed_at === null ? undefined : time(job.completed_at, tz)],
    ['updated_at', time(job.updated_at, tz)],
  ])
}

/** A job as GET /jobs/{id} shows it: what `control.jobs()` returns. */
export interface WireJob {
  definition: WireJobDefinition
  status: string
  progress?: WireJobProgress
  result?: WireJobResult
  error?: string
  started_at?: string
  completed_at?: string
  updated_at: string
}

export interface WireJobDefinition {
  id: string
  name: string
  vm_path: string
  output_path?: string
  output_dir?: string
  options?: ExportOptions
  vcenter_url?: string
  vcenter?: VCenterConfig
  username?: string
  insecure?: boolean
  datacenter?: string
  format?: string
  export_method?: string
  method?: string
  compress?: boolean
  thin?: boolean
  created_at: string
  metadata?: Record<string, unknown>
}

export interface WireJobProgress {
  phase: string
  current_file?: string
  current_step?: string
  files_downloaded: number
  total_files: number
  bytes_downloaded: number
  bytes_transferred: number
  total_bytes: number
  percent_complete: number
  estimated_remaining?: string
  export_method?: string
}

export interface WireJobResult {
  vm_name: string
  output_dir: string
  ovf_path: string
  files: string[] | null
  output_files?: string[]
  total_size: number
  duration: number
  success: boolean
  export_method?: string
  error?: string
}

export function toWireJob(job: Job, tz = 0): WireJob {
  return JSON.parse(encodeJob(job, tz)) as WireJob
}

/**
 * The reverse of `toWireJob`, for seeding: takes a job as a daemon reply shows it (for instance one
 * parsed from a captured `/jobs/query` body). Throws TypeError for anything that is not such a job.
 */
export function jobFromWire(wire: unknown): Job {
  if (!isObject(wire) || !isObject(wire.definition)) throw new TypeError('a job needs a definition object')
  const d = wire.definition
  if (typeof d.id !== 'string' || d.id === '') throw new TypeError('a seeded job needs definition.id')
  const def = definitionFromRecord({
    ...d,
    created_at: wireTime(d.created_at, 'definition.created_at'),
    password: '',
  })
  const progress = isObject(wire.progress)
    ? { ...emptyProgress(''), ...(wire.progress as Partial<JobProgress>) }
    : null
  const result = isObject(wire.result)
    ? {
        ...emptyResult(),
        ...(wire.result as Partial<JobResult>),
        files: arrayOrNull(wire.result.files),
        output_files: arrayOrNull(wire.result.output_files),
      }
    : null
  return {
    definition: def,
    status: typeof wire.status === 'string' ? wire.status : '',
    progress,
    result,
    error: typeof wire.error === 'string' ? wire.error : '',
    started_at: wire.started_at === undefined ? null : wireTime(wire.started_at, 'started_at'),
    completed_at: wire.completed_at === undefined ? null : wireTime(wire.completed_at, 'completed_at'),
    updated_at: wireTime(wire.updated_at, 'updated_at'),
  }
}

function wireTime(value: unknown, what: string): bigint {
  const ns = typeof value === 'string' ? parseRfc3339(value) : undefined
  if (ns === undefined) throw new TypeError(`${what} must be an RFC 3339 time, got ${JSON.stringify(value)}`)
  return ns
}

function arrayOrNull(value: unknown): string[] | null {
  return Array.isArray(value) ? value.map(String) : null
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
