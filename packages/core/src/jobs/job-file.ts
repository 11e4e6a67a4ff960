import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { parse as parseYaml, YAMLParseError } from 'yaml'
import { UsageError } from '../errors.js'
import {
  EXPORT_METHODS,
  type ExportMethod,
  type ExportOptions,
  type JobSpec,
  type VCenterConnection,
} from '../types.js'
import {
  describe,
  isRecord,
  type JobFileFormat,
  lowerCaseKeys,
  readBooleanField,
  readIntField,
  readStringField,
  YAML_NULL,
} from './go-field-values.js'
import { vcenterHost } from './vcenter-host.js'

export type { JobFileFormat }

/**
 * A job as a job file gives it: the daemon's fields mapped to JobSpec names, but possibly incomplete
 * (no output path, part of the vCenter connection), so a caller can fill the gaps from its own options.
 */
export interface JobFileJob extends Omit<JobSpec, 'outputPath' | 'vcenter'> {
  outputPath?: string
  vcenter?: Partial<VCenterConnection>
}

export interface JobFileContents {
  jobs: JobFileJob[]
  /** Fields that are dropped or changed, one sentence each; never holds a secret. */
  warnings: string[]
}

const FILE_HINT =
  'Fix the job file: one job object, {"jobs": [...]} or a list of jobs, with the daemon field names.'

const STRING_FIELDS = [
  'id',
  'name',
  'vm_path',
  'output_path',
  'output_dir',
  'vcenter_url',
  'username',
  'password',
  'datacenter',
  'format',
  'export_method',
  'method',
  'created_at',
] as const
const BOOLEAN_FIELDS = ['insecure', 'compress', 'thin'] as const
const OBJECT_FIELDS = ['vcenter', 'options', 'metadata'] as const
const KNOWN_FIELDS = new Set<string>([...STRING_FIELDS, ...BOOLEAN_FIELDS, ...OBJECT_FIELDS])

// why: these are the options JobSpec carries; the daemon stores the rest too, but none is read (docs/hyperctl.md#defect-ignored-options)
const OPTION_FIELDS = {
  parallel_downloads: ['parallelDownloads', 'int'],
  remove_cdrom: ['removeCdrom', 'bool'],
  show_individual_progress: ['showIndividualProgress', 'bool'],
  enable_pipeline: ['enablePipeline', 'bool'],
  compress_level: ['compressLevel', 'int'],
} as const satisfies Record<string, [keyof ExportOptions, 'int' | 'bool']>

/**
 * Reads a job file the way hypervisord reads one (docs/hyperctl.md#post-jobs-submit, #job-files): JSON or YAML, one job object,
 * `{"jobs": [...]}` or a top-level list, snake_case field names (JSON keys case-insensitive), legacy
 * `vcenter_url`/`username`/`password`/`insecure`, `method` as an alias, `output_dir` over `output_path`.
 * Throws UsageError naming the file and the field; parse errors never quote the text (it may hold a password).
 */
export function parseJobFile(
  text: string,
  options: { format?: JobFileFormat; source?: string } = {},
): JobFileContents {
  const source = options.source ?? 'the job file'
  const fail = (what: string): never => {
    throw new UsageError(`${source}: ${what}`, FILE_HINT)
  }
  let format: JobFileFormat
  let document: unknown
  if (options.format === 'yaml') {
    format = 'yaml'
    document = readYaml(text, fail)
  } else {
    try {
      document = JSON.parse(text)
      format = 'json'
    } catch (error) {
      if (options.format === 'json') fail(`it is not valid JSON${jsonPosition(text, error)}`)
      // why: the daemon falls back to YAML for a body that is not JSON
      format = 'yaml'
      document = readYaml(text, fail)
    }
  }
  if (format === 'json') document = lowerCaseKeys(document)

  let elements: unknown[]
  if (Array.isArray(document)) {
    elements = document
  } else if (isRecord(document)) {
    const vmPath = document.vm_path
    if (typeof vmPath === 'string' && vmPath !== '') elements = [document]
    else if (Array.isArray(document.jobs)) elements = document.jobs
    else if ('jobs' in document) return fail('"jobs" is not a list')
    else return fail('it holds neither a job with a vm_path nor a "jobs" list')
  } else {
    return fail(`it holds ${describe(document)}, not a job, a "jobs" list or a list of jobs`)
  }
  if (elements.length === 0) fail('it holds no job')

  const warnings: string[] = []
  const jobs = elements.map((element, index) => {
    const where = elements.length > 1 ? `job ${index + 1}` : 'the job'
    if (!isRecord(element)) return fail(`${where} is ${describe(element)}, not an object`)
    return readJob(element, format, where, warnings, fail)
  })
  return { jobs, warnings }
}

/** Reads and parses a job file; `.yaml`/`.yml` are YAML, `.json` is JSON, anything else is tried as both. */
export async function readJobFile(path: string): Promise<JobFileContents> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error'
    throw new UsageError(`the job file ${path} cannot be read (${code})`, 'Check the path of the job file.', {
      cause: error,
    })
  }
  return parseJobFile(text, { format: formatOf(path), source: path })
}

function formatOf(path: string): JobFileFormat | undefined {
  const ext = extname(path).toLowerCase()
  if (ext === '.yaml' || ext === '.yml') return 'yaml'
  if (ext === '.json') return 'json'
  return undefined
}

function readJob(
  raw: Record<string, unknown>,
  format: JobFileFormat,
  where: string,
  warnings: string[],
  fail: (what: string) => never,
): JobFileJob {
  for (const key of Object.keys(raw)) {
    if (!KNOWN_FIELDS.has(key))
      warnings.push(`${where}: the field ${JSON.stringify(key)} is unknown and ignored`)
  }
  const str = (key: (typeof STRING_FIELDS)[number], from = raw, label = key): string | undefined =>
    readStringField(from[key], format, `${where}: ${label}`, fail)
  const bool = (key: string, from = raw, label = key): boolean | undefined =>
    readBooleanField(from[key], format, `${where}: ${label}`, fail)

  const vmPath = str('vm_path')
  if (vmPath === undefined || vmPath === '') fail(`${where} has no vm_path`)
  const job: JobFileJob = { vmPath: vmPath! }
  const id = str('id')
  if (id) job.id = id
  const name = str('name')
  if (name) job.name = name
  // why: the daemon lets output_dir win over output_path (docs/hyperctl.md#job-files)
  const outputPath = str('output_dir') || str('output_path')
  if (outputPath) job.outputPath = outputPath
  const method = str('export_method') || str('method')
  if (method && !EXPORT_METHODS.includes(method as ExportMethod)) {
    fail(`${where}: export_method ${JSON.stringify(method)} is not one of ${EXPORT_METHODS.join(', ')}`)
  }
  if (method) job.exportMethod = method as ExportMethod
  const format_ = str('format')
  if (format_) job.format = format_
  const datacenter = str('datacenter')
  if (datacenter) job.datacenter = datacenter
  const compress = bool('compress')
  if (compress !== undefined) job.compress = compress
  const thin = bool('thin')
  if (thin !== undefined) job.thin = thin

  const vcenter = readVcenter(raw, format, where, warnings, fail)
  if (vcenter) job.vcenter = vcenter
  const options = readOptions(raw.options, format, where, warnings, fail)
  if (options) job.options = options
  if (raw.metadata !== undefined && raw.metadata !== null) {
    if (!isRecord(raw.metadata)) fail(`${where}: metadata is ${describe(raw.metadata)}, not an object`)
    warnings.push(`${where}: metadata is not passed on to hypervisord`)
  }
  return job
}

function readVcenter(
  raw: Record<string, unknown>,
  format: JobFileFormat,
  where: string,
  warnings: string[],
  fail: (what: string) => never,
): Partial<VCenterConnection> | undefined {
  const legacyPassword = readStringField(raw.password, format, `${where}: password`, fail)
  if (legacyPassword !== undefined && format === 'json') {
    // why: the daemon's JobDefinition has `json:"-"` on the top-level password; it reads it from YAML only
    warnings.push(
      `${where}: a top-level password is read only from YAML job files and is ignored; use vcenter.password`,
    )
  }
  const block = raw.vcenter
  const vcenter: Partial<VCenterConnection> = {}
  if (block !== undefined && block !== null) {
    if (!isRecord(block)) return fail(`${where}: vcenter is ${describe(block)}, not an object`)
    for (const key of Object.keys(block)) {
      if (!['server', 'username', 'password', 'insecure'].includes(key)) {
        warnings.push(`${where}: the field "vcenter.${key}" is unknown and ignored`)
      }
    }
    const server = readStringField(block.server, format, `${where}: vcenter.server`, fail)
    const username = readStringField(block.username, format, `${where}: vcenter.username`, fail)
    const password = readStringField(block.password, format, `${where}: vcenter.password`, fail)
    const insecure = readBooleanField(block.insecure, format, `${where}: vcenter.insecure`, fail)
    if (server) vcenter.server = host(server, where, warnings)
    if (username) vcenter.username = username
    if (password) vcenter.password = password
    if (insecure !== undefined) vcenter.insecure = insecure
    for (const legacy of ['vcenter_url', 'username', 'password', 'insecure']) {
      if (raw[legacy] !== undefined)
        warnings.push(`${where}: ${legacy} is ignored because a vcenter block is given`)
    }
  } else {
    // why: legacy fields fill the vcenter block only when it is absent, as the daemon does (docs/hyperctl.md#job-files)
    const server = readStringField(raw.vcenter_url, format, `${where}: vcenter_url`, fail)
    const username = readStringField(raw.username, format, `${where}: username`, fail)
    const insecure = readBooleanField(raw.insecure, format, `${where}: insecure`, fail)
    const password = format === 'yaml' ? legacyPassword : undefined
    if (server) vcenter.server = host(server, where, warnings)
    if (username) vcenter.username = username
    if (password) vcenter.password = password
    if (insecure !== undefined && (server || username || password)) vcenter.insecure = insecure
  }
  return Object.keys(vcenter).length > 0 ? vcenter : undefined
}

function host(raw: string, where: string, warnings: string[]): string {
  const { server, notice } = vcenterHost(raw)
  if (notice) warnings.push(`${where}: ${notice}`)
  return server
}

function readOptions(
  value: unknown,
  format: JobFileFormat,
  where: string,
  warnings: string[],
  fail: (what: string) => never,
): ExportOptions | undefined {
  if (value === undefined || value === null) return undefined
  if (format === 'yaml' && typeof value === 'string' && YAML_NULL.has(value)) return undefined
  if (!isRecord(value)) return fail(`${where}: options is ${describe(value)}, not an object`)
  const options: ExportOptions = {}
  for (const [key, raw] of Object.entries(value)) {
    const known = OPTION_FIELDS[key as keyof typeof OPTION_FIELDS]
    if (!known) {
      warnings.push(
        `${where}: options.${key} is not passed on (hypervisord stores options but no exporter reads them)`,
      )
      continue
    }
    const [name, type] = known
    const label = `${where}: options.${key}`
    const parsed =
      type === 'int' ? readIntField(raw, format, label, fail) : readBooleanField(raw, format, label, fail)
    if (parsed !== undefined) (options as Record<string, unknown>)[name] = parsed
  }
  return Object.keys(options).length > 0 ? options : undefined
}

function readYaml(text: string, fail: (what: string) => never): unknown {
  try {
    // why: the failsafe schema keeps every scalar as its text, so each field can be read as its Go type
    // would read it (a string field keeps `yes` and `012` as written)
    return parseYaml(text, { schema: 'failsafe', prettyErrors: false, logLevel: 'error' })
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const at = error.linePos?.[0]
      fail(`it is not valid YAML (${error.code}${at ? ` at line ${at.line}, column ${at.col}` : ''})`)
    }
    // why: the yaml library throws plain errors too (an alias without its anchor, too many aliases)
    return fail(`it is not valid YAML (${error instanceof Error ? error.name : 'unreadable'})`)
  }
}

function jsonPosition(text: string, error: unknown): string {
  // why: V8's message quotes the text around the error, which may be a password; keep only the position
  const match = /position (\d+)/.exec(error instanceof Error ? error.message : '')
  if (!match) return ''
  const before = text.slice(0, Number(match[1]))
  const line = before.split('\n').length
  const col = before.length - before.lastIndexOf('\n')
  return ` (at line ${line}, column ${col})`
}
