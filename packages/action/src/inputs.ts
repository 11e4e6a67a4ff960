import { isAbsolute, resolve } from 'node:path'
import {
  type BackendOptions,
  type ExportVmsOptions,
  JOB_SHAPE_OPTIONS,
  type JobSpec,
  normalizeDaemonUrl,
  OPTION_READERS,
  type OptionNames,
  type OptionValue,
  planJobs,
  UsageError,
} from '@hyperctl-export/core'

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
  ...JOB_SHAPE_OPTIONS,
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

/** A wrong input value; readInputs names the input and gathers every problem into one UsageError. */
class BadValue extends Error {}

const text = (s: string) => (s === '' ? undefined : s)

function flag(fallback?: boolean) {
  return (s: string) => {
    // why: the same words @actions/core's getBooleanInput takes (YAML 1.2 core schema)
    if (['true', 'True', 'TRUE'].includes(s)) return true
    if (['false', 'False', 'FALSE'].includes(s)) return false
    if (s === '') return fallback
    throw new BadValue(`must be true or false, not ${JSON.stringify(s)}`)
  }
}

/** An input read by one of core's option readers (the same values the CLI takes for the flag). */
function core<T>(read: (s: string) => OptionValue<T>) {
  return (s: string): T => {
    const result = read(s)
    if (!result.ok) throw new BadValue(result.problem)
    return result.value
  }
}

const optional =
  <T>(read: (s: string) => T) =>
  (s: string): T | undefined =>
    s === '' ? undefined : read(s)

const R = OPTION_READERS
const wholeNumber = optional(core(R['max-concurrent']))

function daemonUrl(s: string) {
  if (s === '') return undefined
  try {
    return normalizeDaemonUrl(s)
  } catch (error) {
    throw new BadValue((error as Error).message)
  }
}

function lines(s: string) {
  return s
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
}

// why: one plain function per input rather than a schema library: the action compiles its bundle at
// every start, and these checks need nothing more (bench/run.mjs: the start-up ratio)
const READERS = {
  'vm-path': text,
  'vm-paths': lines,
  'job-file': text,
  'output-path': text,
  'vcenter-server': text,
  'vcenter-username': text,
  'vcenter-password': text,
  'vcenter-insecure': flag(false),
  'export-method': core(R['export-method']),
  format: text,
  datacenter: text,
  compress: flag(),
  thin: flag(),
  'parallel-downloads': wholeNumber,
  'remove-cdrom': flag(),
  'daemon-url': daemonUrl,
  'api-key': text,
  'hyperctl-path': text,
  transport: core(R.transport),
  wait: flag(true),
  timeout: core(R.timeout),
  'poll-interval': core(R['poll-interval']),
  'cancel-on-timeout': flag(false),
  'cancel-on-abort': flag(true),
  'idempotency-key': text,
  'max-concurrent': wholeNumber,
  'fail-fast': flag(false),
  verify: core(R.verify),
  'checksums-file': flag(false),
} satisfies Record<InputName, (s: string) => unknown>

type ReadInputs = { [K in InputName]: ReturnType<(typeof READERS)[K]> }

function readEach(raw: Record<InputName, string>): ReadInputs {
  const values: Partial<Record<InputName, unknown>> = {}
  const problems: string[] = []
  for (const name of INPUT_NAMES) {
    try {
      values[name] = READERS[name](raw[name])
    } catch (error) {
      if (!(error instanceof BadValue)) throw error
      problems.push(`input ${name}: ${error.message}`)
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'), HINT)
  return values as ReadInputs
}

/**
 * Reads and checks every input before any work: a problem throws UsageError whose message names the
 * input as the workflow author wrote it. Secrets are handed to `addSecret` first.
 */
export async function readInputs(source: InputSource): Promise<ActionInputs> {
  const raw = {} as Record<InputName, string>
  for (const name of INPUT_NAMES) {
    const value = source.getInput(name)
    raw[name] =
      value === '' && name in INPUT_DEFAULTS ? INPUT_DEFAULTS[name as keyof typeof INPUT_DEFAULTS] : value
  }
  // why: masked before anything else can print them, including a validation message
  source.addSecret(raw['vcenter-password'])
  source.addSecret(raw['api-key'])
  source.addSecret(source.env.HYPERVISORD_API_KEY)

  const inputs = readEach(raw)

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

  const jobFile = inputs['job-file']
    ? await (await import('./pipeline.js')).readJobFile(absolute(inputs['job-file'], source.cwd))
    : undefined
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
