import {
  didYouMean,
  type ExportMethod,
  JOB_STATUSES,
  type JobStatus,
  OPTION_READERS,
  type OptionValue,
  readCount,
  UsageError,
  type VerifyMode,
} from '@hyperctl-export/core'
import type { CommandName } from './command-line.js'
import { type ResolvedOptions, sourceLabel } from './option-sources.js'

/** The options every command takes. */
export interface GlobalSettings {
  daemonUrl?: string
  apiKey?: string
  hyperctlPath?: string
  transport: 'auto' | 'cli' | 'api'
  json: boolean
  quiet: boolean
  verbose: boolean
  timeoutMs?: number
  pollIntervalMs?: number
  cancelOnInterrupt: boolean
  idempotencyKey?: string
  maxConcurrent?: number
  failFast: boolean
  verify: VerifyMode
  checksumsFile: boolean
}

/** The options of export and submit that shape the jobs. */
export interface JobSettings {
  output?: string
  jobFile?: string
  vcenterServer?: string
  vcenterUsername?: string
  vcenterInsecure: boolean
  /** Only when given: a job file's own method wins over the default, never over a flag. */
  exportMethod?: ExportMethod
  format?: string
  datacenter?: string
  compress?: true
  thin?: true
  parallelDownloads?: number
  removeCdrom?: true
}

export interface Settings {
  global: GlobalSettings
  job: JobSettings
  /** `jobs --status`. */
  statusFilter?: JobStatus[]
  /** The values as given (text) and where each came from (flag, variable, default), for `config`. */
  given: ResolvedOptions
}

type Value = string | boolean | undefined
type Reader<T> = (value: Value) => OptionValue<T>

const ok = <T>(value: T): OptionValue<T> => ({ ok: true, value })

/** An option that takes text: absent stays absent; present must hold something. */
function given<T>(read: (text: string) => OptionValue<T>): Reader<T | undefined> {
  return (value) => {
    if (value === undefined || typeof value === 'boolean') return ok(undefined)
    return read(value)
  }
}

const text = given((s) => (s.trim() === '' ? { ok: false, problem: 'is empty' } : ok(s)))
const flag: Reader<boolean> = (value) => ok(value === true)
const R = OPTION_READERS
const count = given(readCount)

const statusList = given((s): OptionValue<JobStatus[]> => {
  const wanted = s
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
  const bad = wanted.filter((part) => !(JOB_STATUSES as readonly string[]).includes(part))
  if (wanted.length === 0 || bad.length > 0) {
    return {
      ok: false,
      problem: `must list statuses among ${JOB_STATUSES.join(', ')}, not ${JSON.stringify(s)}${bad[0] === undefined ? '' : didYouMean(bad[0], JOB_STATUSES)}`,
    }
  }
  return ok([...new Set(wanted)] as JobStatus[])
})

// why: keys are the flag names, so every message names the flag (or its variable) as the user gave it
const READERS = {
  'daemon-url': text,
  'api-key': text,
  'hyperctl-path': text,
  transport: given(R.transport),
  json: flag,
  quiet: flag,
  verbose: flag,
  timeout: given(R.timeout),
  'poll-interval': given(R['poll-interval']),
  'cancel-on-interrupt': flag,
  'idempotency-key': text,
  'max-concurrent': count,
  'fail-fast': flag,
  verify: given(R.verify),
  'checksums-file': flag,
  output: text,
  'job-file': text,
  'vcenter-server': text,
  'vcenter-username': text,
  'vcenter-insecure': flag,
  'export-method': given(R['export-method']),
  format: text,
  datacenter: text,
  compress: flag,
  thin: flag,
  'parallel-downloads': count,
  'remove-cdrom': flag,
  status: statusList,
} satisfies Record<string, Reader<unknown>>

type Read = { [K in keyof typeof READERS]: (typeof READERS)[K] extends Reader<infer T> ? T : never }

/** Checks and types every option value; throws UsageError naming the first bad flag or variable. */
export function readSettings(command: CommandName, resolved: ResolvedOptions): Settings {
  const { values, sources } = resolved
  const read: Partial<Record<string, unknown>> = {}
  const problems: string[] = []
  for (const [name, reader] of Object.entries(READERS) as [string, Reader<unknown>][]) {
    const result = reader(values[name])
    if (result.ok) read[name] = result.value
    else problems.push(`${sourceLabel(name, sources[name])} ${result.problem}`)
  }
  if (problems.length > 0) {
    throw new UsageError(problems.join('\n'), `Run \`hyperctl-export help ${command}\`.`)
  }
  const v = read as Read
  return {
    global: {
      daemonUrl: v['daemon-url'],
      apiKey: v['api-key'],
      hyperctlPath: v['hyperctl-path'],
      transport: v.transport ?? 'auto',
      json: v.json,
      quiet: v.quiet,
      verbose: v.verbose,
      timeoutMs: v.timeout,
      pollIntervalMs: v['poll-interval'],
      cancelOnInterrupt: v['cancel-on-interrupt'],
      idempotencyKey: v['idempotency-key'],
      maxConcurrent: v['max-concurrent'],
      failFast: v['fail-fast'],
      verify: v.verify ?? 'auto',
      checksumsFile: v['checksums-file'],
    },
    job: {
      output: v.output,
      jobFile: v['job-file'],
      vcenterServer: v['vcenter-server'],
      vcenterUsername: v['vcenter-username'],
      vcenterInsecure: v['vcenter-insecure'],
      exportMethod: v['export-method'],
      format: v.format,
      datacenter: v.datacenter,
      ...(v.compress ? { compress: true as const } : {}),
      ...(v.thin ? { thin: true as const } : {}),
      parallelDownloads: v['parallel-downloads'],
      ...(v['remove-cdrom'] ? { removeCdrom: true as const } : {}),
    },
    statusFilter: v.status,
    given: resolved,
  }
}
