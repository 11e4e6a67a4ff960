import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DaemonError, HyperctlParseError, JobNotFoundError, UsageError } from '../errors.js'
import {
  assertValidJobId,
  ignoredOptionWarnings,
  prepareJobs,
  toJobDefinition,
} from '../jobs/job-definition.js'
import {
  parseCancelOutput,
  parseQueryOutput,
  parseStatusOutput,
  parseSubmitOutput,
  parseVersionOutput,
} from '../parse/index.js'
import type {
  CallOptions,
  CancelResult,
  DaemonStatus,
  ExportBackend,
  JobFilter,
  JobInfo,
  JobSpec,
  SubmitResult,
  TransportListener,
} from '../types.js'
import { type Executor, nodeExecutor } from './executor.js'
import { defaultHyperctlPath, HYPERCTL_DAEMON_URL, hyperctlEnv } from './hyperctl-env.js'
import { assertStatus, type KnownJob, matchQueryRows, toJobInfo } from './row-match.js'
import { messageOf, runHyperctl, throwIfAborted } from './run-hyperctl.js'
import {
  cellOfRow,
  ID_ARGUMENT_MAX_BYTES,
  planIdQueries,
  shownJobIdCell,
  splitByJoinedBytes,
} from './shown-job-id.js'
import { matchSubmitResult } from './submit-mapping.js'

export interface HyperctlRunnerOptions {
  /** Default: HYPERCTL_PATH from `env`, else `hyperctl` on PATH. */
  hyperctlPath?: string
  executor?: Executor
  /** Per hyperctl run unless a call gives its own; default 60 000 (hyperctl gives up after 30 s itself). */
  commandTimeoutMs?: number
  /** Base environment of the child; default process.env. NO_COLOR and the locale are always overridden. */
  env?: NodeJS.ProcessEnv
  /** Where the private job-file directory is made; default os.tmpdir(). */
  tempDir?: string
  /**
   * The most bytes of comma-joined IDs in one `query -id`/`cancel -id` argument; more IDs take more runs.
   * Default ID_ARGUMENT_MAX_BYTES (30,000 on Windows, 64 KiB elsewhere: about 800 or 1,770 UUIDs).
   */
  idArgumentMaxBytes?: number
  /** Told of each hyperctl run (argv, exit code, ms), for a verbose log. */
  onEvent?: TransportListener
  /** Told once per set of jobs whose rows cannot be told apart, so they are then asked for one by one. */
  onNotice?: (message: string) => void
}

const DEFAULT_COMMAND_TIMEOUT_MS = 60_000

/**
 * ExportBackend over the hyperctl binary (transport `cli`). hyperctl can only reach
 * http://localhost:8080 and sends no API key (docs/hyperctl.md#global-flags, #authentication).
 */
export class HyperctlRunner implements ExportBackend {
  readonly transport = 'cli' as const
  readonly target: string
  readonly hyperctlPath: string
  readonly #executor: Executor
  readonly #onEvent: TransportListener | undefined
  readonly #timeoutMs: number
  readonly #env: NodeJS.ProcessEnv
  readonly #tempDir: string | undefined
  readonly #idArgumentMaxBytes: number
  // why: a later query or cancel can print a password submitted earlier (a job's error quotes its URL)
  readonly #secrets = new Set<string>()
  readonly #onNotice: ((message: string) => void) | undefined
  /** Name and VM path of every job this runner submitted: they tell apart rows that show the same cell. */
  readonly #submitted = new Map<string, KnownJob>()
  readonly #noticed = new Set<string>()

  constructor(options: HyperctlRunnerOptions = {}) {
    const env = options.env ?? process.env
    this.hyperctlPath = options.hyperctlPath ?? defaultHyperctlPath(env)
    this.#executor = options.executor ?? nodeExecutor
    this.#onEvent = options.onEvent
    this.#timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS
    this.#env = hyperctlEnv(env)
    this.#tempDir = options.tempDir === undefined ? undefined : resolve(options.tempDir)
    this.#idArgumentMaxBytes = options.idArgumentMaxBytes ?? ID_ARGUMENT_MAX_BYTES
    this.#onNotice = options.onNotice
    this.target = `hyperctl (${this.hyperctlPath}) → ${HYPERCTL_DAEMON_URL}`
  }

  async version(options?: CallOptions): Promise<{ hyperctl?: string; daemon?: string }> {
    const { stdout } = await this.#run(['-version'], options)
    return { hyperctl: parseVersionOutput(stdout).version }
  }

  async checkDaemonStatus(options?: CallOptions): Promise<DaemonStatus> {
    const { stdout } = await this.#run(['status'], options)
    const status = parseStatusOutput(stdout)
    // why: hyperctl decodes a JSON error reply (e.g. a 405) into an empty status and exits 0 (docs/hyperctl.md#status);
    // a hypervisord always reports its version and uptime
    if (status.version === '' && status.uptime === '') {
      throw new DaemonError('its /status reply held no version and no uptime, so it was an error reply')
    }
    return {
      version: status.version,
      uptime: status.uptime,
      url: HYPERCTL_DAEMON_URL,
      totalJobs: status.totalJobs,
      runningJobs: status.runningJobs,
      completedJobs: status.completedJobs,
      failedJobs: status.failedJobs,
    }
  }

  /**
   * Always through a job file (`submit -file`), the only way to pass IDs, the method and the vCenter
   * connection (docs/hyperctl.md#job-commands, #job-files). The file lives in a private directory that is removed whatever happens.
   */
  async submitJobs(jobs: JobSpec[], options?: CallOptions): Promise<SubmitResult> {
    const prepared = prepareJobs(jobs)
    for (const job of prepared) if (job.vcenter?.password) this.#secrets.add(job.vcenter.password)
    throwIfAborted(options?.signal, 'hyperctl submit')
    // why: JSON, not YAML: the top-level `password` is YAML-only, JSON reads `vcenter.password` (docs/hyperctl.md#job-files)
    const body = `${JSON.stringify({ jobs: prepared.map(toJobDefinition) })}\n`
    const parent = this.#tempDir ?? tmpdir()
    // why: mkdtemp makes the directory 0700, so no other user can read the password in the file
    const dir = await mkdtemp(join(parent, 'hyperctl-export-')).catch((error: unknown) => {
      throw jobFileError(`no private directory could be made in ${parent}`, error)
    })
    let stdout: string
    try {
      // why: the `.json` extension makes hyperctl send application/json (docs/hyperctl.md#job-commands)
      const file = join(dir, 'jobs.json')
      await writeFile(file, body, { mode: 0o600, flag: 'wx' }).catch((error: unknown) => {
        throw jobFileError(`${file} could not be written`, error)
      })
      ;({ stdout } = await this.#run(['submit', '-file', file], options))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    const printed = parseSubmitOutput(stdout)
    const submitted = matchSubmitResult(prepared, printed, stdout)
    for (const job of submitted) {
      if (job.accepted) this.#submitted.set(job.id, { name: job.name, vmPath: job.vmPath })
    }
    const several = jobs.length > 1
    const warnings = jobs.flatMap((job) =>
      ignoredOptionWarnings(job).map((warning) => (several ? `${job.vmPath}: ${warning}` : warning)),
    )
    return { jobs: submitted, warnings }
  }

  /**
   * Precedence as the daemon's (docs/hyperctl.md#jobs-query): `ids` when non-empty, else `all`, else `status`, else all jobs.
   * For `ids`, one `query -id` run (a few when the IDs outgrow one argument) whatever the IDs: each row
   * is mapped back to the full requested ID by its shown 8-byte prefix, and where IDs share that prefix,
   * by the name and VM path we submitted them with. Only IDs that still cannot be told apart are then
   * asked for one by one, and that is told once. Otherwise `id` is the shown prefix and `idTruncated`
   * says whether hyperctl cut it.
   */
  async queryJobs(filter: JobFilter, options?: CallOptions): Promise<JobInfo[]> {
    const ids = unique(filter.ids ?? [])
    if (ids.length > 0) {
      for (const id of ids) assertValidJobId(id)
      const found = new Map<string, JobInfo>()
      const ambiguous: string[] = []
      // why: one run per poll whatever the number of jobs, unless the IDs outgrow one argument (then a few)
      for (const group of splitByJoinedBytes(ids, this.#idArgumentMaxBytes)) {
        const { stdout, stderr } = await this.#run(['query', '-id', group.join(',')], options)
        const match = matchQueryRows(group, parseQueryOutput(stdout, stderr).jobs, (id) =>
          this.#submitted.get(id),
        )
        if (match === null) throw new HyperctlParseError(`a query result for ${group.join(', ')}`, stdout)
        for (const [id, row] of match.found) found.set(id, toJobInfo(row, id))
        ambiguous.push(...match.ambiguous)
      }
      if (ambiguous.length > 0) {
        this.#noticeOnce(
          `hyperctl shows only the first 8 characters of a job ID, and job(s) ${ambiguous.join(', ')} share them with another job of the same name and VM path; they are looked up one by one`,
          ambiguous,
        )
        for (const round of planIdQueries(ambiguous, this.#idArgumentMaxBytes)) {
          for (const [id, job] of await this.#queryIds(round, options)) found.set(id, job)
        }
      }
      return ids.flatMap((id) => found.get(id) ?? [])
    }
    let args: string[]
    if (filter.all || !filter.status || filter.status.length === 0) {
      args = ['query', '-all']
    } else {
      const statuses = unique(filter.status)
      for (const status of statuses) assertStatus(status)
      args = ['query', '-status', statuses.join(',')]
    }
    const { stdout, stderr } = await this.#run(args, options)
    return parseQueryOutput(stdout, stderr).jobs.map((row) => ({
      ...toJobInfo(row, row.id),
      idTruncated: row.idTruncated,
    }))
  }

  async getJob(id: string, options?: CallOptions): Promise<JobInfo> {
    assertValidJobId(id)
    const { stdout, stderr } = await this.#run(['query', '-id', id], options)
    const rows = parseQueryOutput(stdout, stderr).jobs
    if (rows.length === 0) throw new JobNotFoundError(id, false, { daemon: HYPERCTL_DAEMON_URL })
    const row = rows[0]!
    if (rows.length > 1 || cellOfRow(row) !== shownJobIdCell(id)) {
      throw new HyperctlParseError(`the one row of job ${id}`, stdout)
    }
    return toJobInfo(row, id)
  }

  async cancelJobs(ids: string[], options?: CallOptions): Promise<CancelResult> {
    const asked = unique(ids)
    // why: the IDs travel comma-joined in one argument; a checked ID cannot hold a comma
    for (const id of asked) assertValidJobId(id)
    if (asked.length === 0) return { cancelled: [], failed: [] }
    const result: CancelResult = { cancelled: [], failed: [] }
    for (const group of splitByJoinedBytes(asked, this.#idArgumentMaxBytes)) {
      const { stdout } = await this.#run(['cancel', '-id', group.join(',')], options)
      const printed = parseCancelOutput(stdout)
      const answered = [...printed.cancelled, ...printed.failed.map((f) => f.id)]
      const groupSet = new Set(group)
      if (
        answered.length !== group.length ||
        new Set(answered).size !== group.length ||
        !answered.every((id) => groupSet.has(id))
      ) {
        throw new HyperctlParseError(`a cancel result for ${group.join(', ')}`, stdout)
      }
      result.cancelled.push(...printed.cancelled)
      result.failed.push(...printed.failed)
    }
    return result
  }

  #noticeOnce(message: string, ids: readonly string[]): void {
    const key = [...ids].sort().join(',')
    if (this.#noticed.has(key)) return
    this.#noticed.add(key)
    this.#onNotice?.(message)
  }

  /** One `query -id` run for IDs whose cells differ; returns requested ID → job for the rows found. */
  async #queryIds(ids: readonly string[], options: CallOptions | undefined): Promise<Map<string, JobInfo>> {
    const { stdout, stderr } = await this.#run(['query', '-id', ids.join(',')], options)
    const byCell = new Map(ids.map((id) => [shownJobIdCell(id), id]))
    const found = new Map<string, JobInfo>()
    for (const row of parseQueryOutput(stdout, stderr).jobs) {
      const id = byCell.get(cellOfRow(row))
      if (id === undefined || found.has(id)) {
        throw new HyperctlParseError(`a query result for ${ids.join(', ')} (row ${cellOfRow(row)})`, stdout)
      }
      found.set(id, toJobInfo(row, id))
    }
    return found
  }

  async #run(args: string[], options: CallOptions | undefined): Promise<{ stdout: string; stderr: string }> {
    return runHyperctl(args, options, {
      executor: this.#executor,
      path: this.hyperctlPath,
      env: this.#env,
      maxTimeoutMs: this.#timeoutMs,
      secrets: [...this.#secrets],
      onEvent: this.#onEvent,
    })
  }
}

function jobFileError(what: string, cause: unknown): UsageError {
  return new UsageError(
    `the job file for hyperctl cannot be made: ${what}: ${messageOf(cause)}`,
    'Point the temp directory (TMPDIR, or the runner tempDir option) at a writable directory with free space.',
    { cause },
  )
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)]
}
