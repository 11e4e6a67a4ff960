import { isAbsolute, resolve } from 'node:path'
import {
  type BackendOptions,
  EXPORT_METHODS,
  type ExportVmsOptions,
  formatDuration,
  type JobSpec,
  normaliseDaemonUrl,
  type OptionNames,
  parseDuration,
  planJobs,
  readJobFile,
  UsageError,
  VERIFY_MODES,
} from '@hyperctl-export/core'
import { z } from 'zod'

/** The defaults action.yml declares; the runner fills them in, and a test keeps the two the same. */
export const INPUT_DEFAULTS = {
  'vcenter-insecure': 'false',
  'export-method': 'web',
  transport: 'auto',
  wait: 'true',
  timeout: '6h',
  'poll-interval': '5s',
  'cancel-on-timeout': 'false',
  'cancel-on-abort': 'true',
  'fail-fast': 'false',
  verify: 'auto',
  'checksums-file': 'false',
} as const

export const INPUT_NAMES = [
  'vm-path',
  'vm-paths',
  'job-file',
  'output-path',
  'vcenter-server',
  'vcenter-username',
  'vcenter-password',
  'vcenter-insecure',
  'export-method',
  'format',
  'datacenter',
  'compress',
  'thin',
  'parallel-downloads',
  'remove-cdrom',
  'daemon-url',
  'api-key',
  'hyperctl-path',
  'transport',
  'wait',
  'timeout',
  'poll-interval',
  'cancel-on-timeout',
  'cancel-on-abort',
  'idempotency-key',
  'max-concurrent',
  'fail-fast',
  'verify',
  'checksums-file',
] as const

export type InputName = (typeof INPUT_NAMES)[number]

export interface InputSource {
  getInput(name: string): string
  env: NodeJS.ProcessEnv
  /** Called for every secret as soon as it is known, before anything can be logged. */
  addSecret(value: string | undefined): void
  /** Relative paths are made absolute against this (the workspace). */
  cwd: string
}

export interface ActionInputs {
  jobs: JobSpec[]
  backend: BackendOptions
  run: Pick<
    ExportVmsOptions,
    | 'idempotencyKey'
    | 'maxConcurrent'
    | 'failFast'
    | 'wait'
    | 'timeoutMs'
    | 'pollIntervalMs'
    | 'cancelOnTimeout'
    | 'cancelOnAbort'
    | 'verify'
    | 'checksumsFile'
  > & { wait: boolean; cancelOnAbort: boolean }
  /** The absolute output directory of the first job. */
  outputPath: string
  /** Things changed on the way in (a URL cut to its host), one sentence each. */
  notices: string[]
  /** Things that will not do what the inputs suggest, one sentence each. */
  warnings: string[]
}

const HINT = 'Fix the step inputs (see the inputs table in the README).'

/** Each option of core's plan as the workflow author writes it. */
const OPTION_NAMES: OptionNames = {
  vmPaths: 'input vm-path or vm-paths',
  jobFile: 'input job-file',
  outputPath: 'input output-path',
  vcenterServer: 'input vcenter-server',
  vcenterUsername: 'input vcenter-username',
  vcenterPassword: 'input vcenter-password',
  exportMethod: 'input export-method',
  format: 'input format',
  datacenter: 'input datacenter',
}

const text = z.string().transform((s) => (s === '' ? undefined : s))

function flag(fallback?: boolean) {
  return z.string().transform((s, ctx) => {
    // why: the same words @actions/core's getBooleanInput takes (YAML 1.2 core schema)
    if (['true', 'True', 'TRUE'].includes(s)) return true
    if (['false', 'False', 'FALSE'].includes(s)) return false
    if (s === '') return fallback
    ctx.addIssue({ code: 'custom', message: `must be true or false, not ${JSON.stringify(s)}` })
    return z.NEVER
  })
}

function duration(min: number, max: number) {
  return z.string().transform((s, ctx) => {
    let ms: number
    try {
      ms = parseDuration(s)
    } catch (error) {
      const { message, hint } = error as UsageError
      ctx.addIssue({ code: 'custom', message: `${message}. ${hint}` })
      return z.NEVER
    }
    if (ms < min || ms > max) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(s)} is out of range: give ${formatDuration(min)} to ${formatDuration(max)}`,
      })
      return z.NEVER
    }
    return ms
  })
}

const wholeNumber = z.string().transform((s, ctx) => {
  if (s === '') return undefined
  if (!/^\d+$/.test(s) || Number(s) < 1 || !Number.isSafeInteger(Number(s))) {
    ctx.addIssue({ code: 'custom', message: `must be a whole number of 1 or more, not ${JSON.stringify(s)}` })
    return z.NEVER
  }
  return Number(s)
})

const daemonUrl = z.string().transform((s, ctx) => {
  if (s === '') return undefined
  try {
    return normaliseDaemonUrl(s)
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message })
    return z.NEVER
  }
})

// why: setTimeout cannot wait longer than 2^31-1 ms; a poll pause beyond an hour helps nobody
const MAX_TIMEOUT_MS = 24 * 86_400_000
const Schema = z.object({
  'vm-path': text,
  'vm-paths': z.string().transform((s) =>
    s
      .split(/\r\n|\r|\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  ),
  'job-file': text,
  'output-path': text,
  'vcenter-server': text,
  'vcenter-username': text,
  'vcenter-password': text,
  'vcenter-insecure': flag(false),
  'export-method': z.enum(EXPORT_METHODS, { error: `must be one of ${EXPORT_METHODS.join(', ')}` }),
  format: text,
  datacenter: text,
  compress: flag(),
  thin: flag(),
  'parallel-downloads': wholeNumber,
  'remove-cdrom': flag(),
  'daemon-url': daemonUrl,
  'api-key': text,
  'hyperctl-path': text,
  transport: z.enum(['auto', 'cli', 'api'], { error: 'must be auto, cli or api' }),
  wait: flag(true),
  timeout: duration(1, MAX_TIMEOUT_MS),
  'poll-interval': duration(10, 3_600_000),
  'cancel-on-timeout': flag(false),
  'cancel-on-abort': flag(true),
  'idempotency-key': text,
  'max-concurrent': wholeNumber,
  'fail-fast': flag(false),
  verify: z.enum(VERIFY_MODES, { error: `must be ${VERIFY_MODES.join(', ')}` }),
  'checksums-file': flag(false),
})

/**
 * Reads and checks every input before any work: a problem throws UsageError whose message names the
 * input as the workflow author wrote it. Secrets are handed to `addSecret` first.
 */
export async function readInputs(source: InputSource): Promise<ActionInputs> {
  const raw: Record<string, string> = {}
  for (const name of INPUT_NAMES) {
    const value = source.getInput(name)
    raw[name] =
      value === '' && name in INPUT_DEFAULTS ? INPUT_DEFAULTS[name as keyof typeof INPUT_DEFAULTS] : value
  }
  // why: masked before anything else can print them, including a validation message
  source.addSecret(raw['vcenter-password'])
  source.addSecret(raw['api-key'])
  source.addSecret(source.env.HYPERVISORD_API_KEY)

  const result = Schema.safeParse(raw)
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `input ${String(issue.path[0] ?? '?')}: ${issue.message}`,
    )
    throw new UsageError(lines.join('\n'), HINT)
  }
  const inputs = result.data

  const given = (['vm-path', 'vm-paths', 'job-file'] as const).filter((name) =>
    name === 'vm-paths' ? inputs[name].length > 0 : inputs[name] !== undefined,
  )
  if (given.length !== 1) {
    throw new UsageError(
      given.length === 0
        ? 'input vm-path, vm-paths or job-file is required: there is nothing to export'
        : `inputs ${given.join(' and ')} were both given: give exactly one of vm-path, vm-paths and job-file`,
      HINT,
    )
  }

  const jobFile = inputs['job-file'] ? await readJobFile(absolute(inputs['job-file'], source.cwd)) : undefined
  for (const job of jobFile?.jobs ?? []) source.addSecret(job.vcenter?.password)
  const plan = await planJobs({
    vmPaths: inputs['vm-path'] !== undefined ? [inputs['vm-path']] : inputs['vm-paths'],
    ...(jobFile ? { jobFile } : {}),
    defaults: {
      outputPath: inputs['output-path'],
      vcenter: {
        server: inputs['vcenter-server'],
        username: inputs['vcenter-username'],
        password: inputs['vcenter-password'],
        insecure: inputs['vcenter-insecure'],
      },
      exportMethod: inputs['export-method'],
      format: inputs.format,
      datacenter: inputs.datacenter,
      compress: inputs.compress,
      thin: inputs.thin,
      options: { parallelDownloads: inputs['parallel-downloads'], removeCdrom: inputs['remove-cdrom'] },
    },
    cwd: source.cwd,
    names: OPTION_NAMES,
  })
  const { jobs } = plan

  return {
    jobs,
    backend: {
      transport: inputs.transport,
      daemonUrl: inputs['daemon-url'],
      apiKey: inputs['api-key'],
      hyperctlPath: inputs['hyperctl-path'],
      env: source.env,
    },
    run: {
      idempotencyKey: inputs['idempotency-key'] ?? defaultIdempotencyKey(source.env),
      maxConcurrent: inputs['max-concurrent'],
      failFast: inputs['fail-fast'] ?? false,
      wait: inputs.wait ?? true,
      timeoutMs: inputs.timeout,
      pollIntervalMs: inputs['poll-interval'],
      cancelOnTimeout: inputs['cancel-on-timeout'] ?? false,
      // why: without waiting the step does not own the jobs' fate; an interrupt must not cancel them
      cancelOnAbort: (inputs['cancel-on-abort'] ?? true) && (inputs.wait ?? true),
      verify: inputs.verify,
      checksumsFile: inputs['checksums-file'] ?? false,
    },
    outputPath: jobs[0]!.outputPath,
    notices: plan.notices,
    warnings: plan.warnings,
  }
}

/**
 * The key a retried step reuses and a re-run (a new attempt) does not: the run, its attempt, the job and
 * the step. Absent outside a workflow run.
 */
export function defaultIdempotencyKey(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_JOB, GITHUB_ACTION } = env
  if (!GITHUB_RUN_ID) return undefined
  return ['github', GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT ?? '1', GITHUB_JOB ?? '', GITHUB_ACTION ?? ''].join(':')
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path)
}
