import {
  EXPORT_METHODS,
  type ExportMethod,
  JOB_STATUSES,
  type JobStatus,
  parseDuration,
  UsageError,
  VERIFY_MODES,
  type VerifyMode,
} from '@hyperctl-export/core'
import { z } from 'zod'
import type { CommandName } from './command-line.js'
import { type ResolvedOptions, sourceLabel } from './option-sources.js'
import { didYouMean } from './suggest.js'

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

const MAX_DURATION_MS = 24 * 86_400_000

const text = z
  .string()
  .optional()
  .transform((s, ctx) => {
    if (s === undefined) return undefined
    if (s.trim() === '') {
      ctx.addIssue({ code: 'custom', message: 'is empty' })
      return z.NEVER
    }
    return s
  })

const flag = z
  .boolean()
  .optional()
  .transform((b) => b === true)

const duration = z
  .string()
  .optional()
  .transform((s, ctx) => {
    if (s === undefined) return undefined
    let ms: number
    try {
      ms = parseDuration(s)
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message })
      return z.NEVER
    }
    // why: setTimeout cannot wait longer than 2^31-1 ms, and a zero pause would poll without end
    if (ms < 1 || ms > MAX_DURATION_MS) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is out of range (1ms to 24d)` })
      return z.NEVER
    }
    return ms
  })

const count = z
  .string()
  .optional()
  .transform((s, ctx) => {
    if (s === undefined) return undefined
    if (!/^\d+$/.test(s.trim()) || Number(s) < 1 || Number(s) > 1_000_000) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a whole number from 1 to 1000000, not ${JSON.stringify(s)}`,
      })
      return z.NEVER
    }
    return Number(s)
  })

function oneOf<const T extends readonly string[]>(choices: T) {
  return z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined
      if (!choices.includes(s)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be one of ${choices.join(', ')}, not ${JSON.stringify(s)}${didYouMean(s, choices)}`,
        })
        return z.NEVER
      }
      return s as T[number]
    })
}

const statusList = z
  .string()
  .optional()
  .transform((s, ctx) => {
    if (s === undefined) return undefined
    const wanted = s
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
    const bad = wanted.filter((part) => !(JOB_STATUSES as readonly string[]).includes(part))
    if (wanted.length === 0 || bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must list statuses among ${JOB_STATUSES.join(', ')}, not ${JSON.stringify(s)}${bad[0] === undefined ? '' : didYouMean(bad[0], JOB_STATUSES)}`,
      })
      return z.NEVER
    }
    return [...new Set(wanted)] as JobStatus[]
  })

// why: keys are the flag names, so every message names the flag as the user typed it
const Schema = z.object({
  'daemon-url': text,
  'api-key': text,
  'hyperctl-path': text,
  transport: oneOf(['auto', 'cli', 'api'] as const),
  json: flag,
  quiet: flag,
  verbose: flag,
  timeout: duration,
  'poll-interval': duration,
  'cancel-on-interrupt': flag,
  'idempotency-key': text,
  'max-concurrent': count,
  'fail-fast': flag,
  verify: oneOf(VERIFY_MODES),
  'checksums-file': flag,
  output: text,
  'job-file': text,
  'vcenter-server': text,
  'vcenter-username': text,
  'vcenter-insecure': flag,
  'export-method': oneOf(EXPORT_METHODS),
  format: text,
  datacenter: text,
  compress: flag,
  thin: flag,
  'parallel-downloads': count,
  'remove-cdrom': flag,
  status: statusList,
})

/** Checks and types every option value; throws UsageError naming the first bad flag or variable. */
export function readSettings(command: CommandName, resolved: ResolvedOptions): Settings {
  const { values, sources } = resolved
  const parsed = Schema.safeParse(values)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const name = String(issue.path[0])
    throw new UsageError(
      `${sourceLabel(name, sources[name])} ${issue.message}`,
      `Run \`hyperctl-export help ${command}\`.`,
    )
  }
  const v = parsed.data
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
