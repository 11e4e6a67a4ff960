import { randomUUID } from 'node:crypto'
import { basename } from 'node:path'
import { clockNowNs, type SimClock } from './clock.js'
import { SIM_EXPORT_DAMAGES, type SimExportDamage } from './export-damage.js'
import { writeExport } from './export-files.js'
import { exportPlan } from './export-plan.js'
import {
  type ExportMethod,
  type Job,
  type JobDefinition,
  type JobResult,
  jobFromWire,
  jobOf,
  progressOf,
  resultOf,
  toWireJob,
  type WireJobDefinition,
} from './job-model.js'
import { prepareOutputDir, SandboxError } from './sandbox.js'

/**
 * hypervisord's `jobs.Manager` (hypersdk daemon/jobs/manager.go) with simulated exporters: an in-memory
 * map, every job started right away (after `pendingMs`), no queue, no persistence, cancel only a label.
 */

/** The options that have a default, each declared once here (HypervisordSimOptions takes them all). */
const DEFAULTS = {
  /** Job IDs for jobs submitted without one (default: random UUID v4). */
  idGenerator: randomUUID as () => string,
  /** Query results in submission order instead of Go's random map order. */
  stableOrder: false,
  /** Source of randomness for the map order (default Math.random). */
  random: Math.random,
  /** Without `root`: allow absolute output paths outside the system temp directory (default false: the job fails). */
  allowAnyPath: false,
  /** Time a job stays pending before it starts (default 0: started on the next timer turn). */
  pendingMs: 0,
  /** Time from start to the end of the export (default 3000), or a function of the job's definition. */
  jobDurationMs: 3000 as number | ((definition: WireJobDefinition) => number),
  /** Progress updates per export for govc/ovftool/ctl (default 4). */
  progressSteps: 4,
  /** Capacity of the written VMDK in bytes (default 64 KiB). */
  diskSizeBytes: 64 * 1024,
  /** Disks per VM: `<vm>-disk-0.vmdk` ... `<vm>-disk-<n-1>.vmdk` (default 1). */
  disks: 1,
  /** Also write ovftool's manifest `<vm>.mf` (`SHA256(<file>)= <hex>` for the .ovf and each disk); default false. */
  writeManifest: false,
  /** Fill `result` with vm_name, output_dir, ovf_path, files (default false: as the daemon's exporters do). */
  listResultFiles: false,
  /** Write the OVF and VMDK on completion (default true). */
  writeFiles: true,
  /** true: cancel stops the export and the job stays cancelled (default false: the export runs on, as shipped). */
  cancelStopsExport: false,
  /** A `hyperctl` is in the daemon's PATH: default method `ctl`, and ctl jobs fail with exit status 1. */
  hyperctlOnPath: false,
}

export interface JobManagerOptions extends Partial<typeof DEFAULTS> {
  clock: SimClock
  /** Working directory relative output paths resolve against (default process.cwd()); unused with `root`. */
  cwd?: string
  /**
   * The sandbox: every job output path, absolute or relative, is written under this directory and may
   * not leave it (`..`, symbolic links); such a job fails. Created when missing.
   */
  root?: string
  /** Export method for jobs that name none (default `web`, or `ctl` with hyperctlOnPath). */
  defaultMethod?: ExportMethod
  /** Methods reported available (default govc, ovftool, web; plus ctl with hyperctlOnPath). */
  availableMethods?: readonly ExportMethod[]
  /** Jobs whose vm_path is listed (or for which the function returns text) fail at the end with that error. */
  failVmPaths?: Readonly<Record<string, string>> | ((vmPath: string) => string | undefined)
  /** Jobs whose vm_path is listed (or matches) start and then never finish. */
  hangVmPaths?: readonly string[] | ((vmPath: string) => boolean)
}

type Stage = 'queued' | 'exporting' | 'done'

interface Runtime {
  timers: Set<unknown>
  stage: Stage
  hung: boolean
  method?: ExportMethod
}

interface Entry {
  job: Job
  rt: Runtime
}

const DUPLICATE = (id: string) => `job with ID ${id} already exists`

export class JobManager {
  readonly #o: typeof DEFAULTS & JobManagerOptions & { cwd: string }
  readonly #jobs = new Map<string, Entry>()
  readonly #damages: SimExportDamage[] = []
  readonly #failure: (vmPath: string) => string | undefined
  readonly #hangs: (vmPath: string) => boolean
  readonly #available: Set<ExportMethod>
  readonly hyperctlOnPath: boolean
  /** When the daemon started, which is also when it detected the export tools. */
  startNs: bigint
  defaultMethod: ExportMethod

  constructor(options: JobManagerOptions) {
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined))
    this.#o = { ...DEFAULTS, cwd: process.cwd(), ...given, clock: options.clock }
    const { failVmPaths: fail, hangVmPaths: hang } = options
    this.#failure =
      typeof fail === 'function' ? fail : (p) => (fail && Object.hasOwn(fail, p) ? fail[p] : undefined)
    this.#hangs = typeof hang === 'function' ? hang : (p) => hang?.includes(p) ?? false
    this.hyperctlOnPath = this.#o.hyperctlOnPath
    this.defaultMethod = options.defaultMethod ?? (this.hyperctlOnPath ? 'ctl' : 'web')
    this.#available = new Set(options.availableMethods ?? ['govc', 'ovftool', 'web'])
    this.#available.add('web')
    this.#available.add(this.defaultMethod)
    if (this.hyperctlOnPath) this.#available.add('ctl')
    this.startNs = this.now()
  }

  now(): bigint {
    return clockNowNs(this.#o.clock)
  }

  isAvailable(method: string): boolean {
    return this.#available.has(method as ExportMethod)
  }

  setDefaultMethod(method: ExportMethod): void {
    this.defaultMethod = method
    this.#available.add(method)
  }

  /** The next export that completes with files written is left damaged this way (one per call, in order). */
  damageNextExport(damage: SimExportDamage): void {
    if (!SIM_EXPORT_DAMAGES.includes(damage)) {
      throw new Error(
        `unknown export damage ${JSON.stringify(damage)} (one of ${SIM_EXPORT_DAMAGES.join(', ')})`,
      )
    }
    this.#damages.push(damage)
  }

  /** `SubmitBatch`: IDs of accepted jobs in order, and the rejection messages. */
  submitBatch(definitions: JobDefinition[]): { ids: string[]; errors: string[] } {
    const results = definitions.map((def) => this.submit(def))
    return {
      ids: results.flatMap((r) => (r.ok ? [r.id] : [])),
      errors: results.flatMap((r) => (r.ok ? [] : [r.error])),
    }
  }

  submit(def: JobDefinition): { ok: true; id: string } | { ok: false; error: string } {
    const id = def.id === '' ? this.#o.idGenerator() : def.id
    if (this.#jobs.has(id)) return { ok: false, error: DUPLICATE(id) }
    const now = this.now()
    const job = jobOf({ definition: { ...def, id, created_at: now }, status: 'pending', updated_at: now })
    const rt: Runtime = { timers: new Set(), stage: 'queued', hung: this.#hangs(job.definition.vm_path) }
    this.#jobs.set(id, { job, rt })
    this.#schedule(rt, this.#o.pendingMs, () => this.#start(job, rt))
    return { ok: true, id }
  }

  /** Adds jobs exactly as given (the shape GET /jobs/{id} shows); they are inert: nothing runs for them. */
  seed(wireJobs: readonly unknown[]): void {
    const jobs = wireJobs.map(jobFromWire)
    for (const job of jobs) {
      if (this.#jobs.has(job.definition.id)) throw new Error(DUPLICATE(job.definition.id))
    }
    for (const job of jobs) {
      this.#jobs.set(job.definition.id, { job, rt: { timers: new Set(), stage: 'done', hung: false } })
    }
  }

  get(id: string): Job | undefined {
    return this.#jobs.get(id)?.job
  }

  /** `ListJobs`: status filter (exact strings), limit (>0), in Go map order (random) unless stableOrder. */
  list(statuses: readonly string[] | null, limit: number): Job[] {
    const jobs = this.#ordered().filter((job) => !statuses?.length || statuses.includes(job.status))
    return limit > 0 ? jobs.slice(0, limit) : jobs
  }

  /** Jobs in submission order (for control snapshots, not for replies). */
  inOrder(): Job[] {
    return [...this.#jobs.values()].map((e) => e.job)
  }

  #ordered(): Job[] {
    const jobs = this.inOrder()
    if (this.#o.stableOrder) return jobs
    for (let i = jobs.length - 1; i > 0; i--) {
      const j = Math.floor(this.#o.random() * (i + 1))
      ;[jobs[i], jobs[j]] = [jobs[j] as Job, jobs[i] as Job]
    }
    return jobs
  }

  /** `CancelJob`: an error message, or undefined when the job was labelled cancelled. */
  cancel(id: string): string | undefined {
    const entry = this.#jobs.get(id)
    if (!entry) return `job not found: ${id}`
    const { job, rt } = entry
    if (job.status !== 'running' && job.status !== 'pending') {
      return `job ${id} cannot be cancelled (status: ${job.status})`
    }
    const now = this.now()
    job.status = 'cancelled'
    job.completed_at = now
    job.updated_at = now
    if (this.#o.cancelStopsExport) this.#stop(rt)
    return undefined
  }

  /** A daemon restart: every job and running export forgotten, uptime and capability detection reset. */
  restart(): void {
    for (const { rt } of this.#jobs.values()) this.#stop(rt)
    this.#jobs.clear()
    this.startNs = this.now()
  }

  /** Stops every timer (simulator shutdown). */
  dispose(): void {
    for (const { rt } of this.#jobs.values()) this.#stop(rt)
  }

  /** Ends a job's export successfully now (starting it first if it is still pending). */
  completeJob(id: string): Job {
    const { job, rt } = this.#live(id)
    if (rt.stage === 'queued') {
      this.#stop(rt)
      this.#start(job, rt, { schedule: false })
    }
    if (rt.stage === 'exporting') this.#end(job, rt, { forceSuccess: true })
    return job
  }

  /** Ends a job's export with `message` as its error, now. */
  failJob(id: string, message: string): Job {
    const { job, rt } = this.#live(id)
    if (rt.stage === 'queued') {
      this.#stop(rt)
      this.#begin(job, rt)
    }
    this.#finish(job, rt, { error: message })
    return job
  }

  /** Freezes a job where it is: it never finishes (until completeJob/failJob). */
  hangJob(id: string): Job {
    const { job, rt } = this.#live(id)
    rt.hung = true
    if (rt.stage === 'exporting') this.#stop(rt, 'exporting')
    return job
  }

  #live(id: string): Entry {
    const entry = this.#jobs.get(id)
    if (!entry) throw new Error(`job not found: ${id}`)
    if (entry.rt.stage === 'done') {
      throw new Error(`job ${id} has no export in progress (status: ${entry.job.status})`)
    }
    return entry
  }

  #schedule(rt: Runtime, ms: number, fn: () => void): void {
    const clock = this.#o.clock
    const handle = clock.setTimeout(() => {
      rt.timers.delete(handle)
      fn()
    }, ms)
    rt.timers.add(handle)
  }

  #stop(rt: Runtime, stage: Stage = 'done'): void {
    for (const handle of rt.timers) this.#o.clock.clearTimeout(handle)
    rt.timers.clear()
    rt.stage = stage
  }

  /** `executeJob` up to the exporter: running, started_at, progress {"phase":"connecting"}, normalised definition. */
  #begin(job: Job, rt: Runtime): ExportMethod {
    const now = this.now()
    // why: a job cancelled while pending goes back to running here, as executeJob does
    job.status = 'running'
    job.started_at = now
    job.updated_at = now
    job.progress = progressOf({ phase: 'connecting' })
    normalize(job.definition)
    const requested = job.definition.export_method
    const method =
      requested !== '' && this.isAvailable(requested) ? (requested as ExportMethod) : this.defaultMethod
    rt.method = method
    rt.stage = 'exporting'
    return method
  }

  #start(job: Job, rt: Runtime, { schedule = true } = {}) {
    const method = this.#begin(job, rt)
    const invalid = validate(job.definition, method)
    if (invalid) return this.#finish(job, rt, { error: `validate job definition: ${invalid}` })
    if (method === 'ctl' && this.hyperctlOnPath) {
      // why: the ctl exporter runs `hyperctl export ...`, a command hyperctl does not have (exit 1)
      return this.#finish(job, rt, { error: 'export failed: hyperctl export failed: exit status 1' })
    }
    const wire = toWireJob(job).definition
    const duration =
      typeof this.#o.jobDurationMs === 'function' ? this.#o.jobDurationMs(wire) : this.#o.jobDurationMs
    const steps = exportPlan(method, this.#o.progressSteps, vmNameOf(job.definition.vm_path))
    for (const step of steps) if (step.at === 0) this.#progress(job, step.progress)
    if (rt.hung || !schedule) return
    for (const step of steps) {
      if (step.at > 0) this.#schedule(rt, duration * step.at, () => this.#progress(job, step.progress))
    }
    this.#schedule(rt, duration, () => this.#end(job, rt))
  }

  #progress(job: Job, progress: Job['progress']): void {
    job.progress = progress ? { ...progress } : null
    job.updated_at = this.now()
  }

  #end(job: Job, rt: Runtime, { forceSuccess = false } = {}): void {
    const injected = forceSuccess ? undefined : this.#failure(job.definition.vm_path)
    const outcome =
      injected === undefined ? this.#writeResult(job, rt.method ?? this.defaultMethod) : { error: injected }
    this.#finish(job, rt, outcome)
  }

  #writeResult(job: Job, method: ExportMethod): { result: JobResult } | { error: string } {
    const result = resultOf({ success: true, export_method: method })
    if (!this.#o.writeFiles) return { result }
    const vmName = vmNameOf(job.definition.vm_path)
    try {
      const dir = prepareOutputDir(job.definition.output_dir, this.#o)
      const { disks, writeManifest, diskSizeBytes } = this.#o
      const written = writeExport(dir, vmName, diskSizeBytes, {
        disks,
        writeManifest,
        damage: this.#damages.shift(),
      })
      if (this.#o.listResultFiles) {
        result.vm_name = vmName
        result.output_dir = dir
        result.ovf_path = written.ovfPath
        result.files = [...written.files]
        result.output_files = [...written.files]
        result.total_size = written.totalSize
        result.duration = Number(this.now() - (job.started_at ?? this.now()))
      } else if (method === 'web') {
        // why: the real web exporter lists only the disks it downloaded and their bytes; the descriptor
        // it writes beside them is not listed, and the other exporters leave the result empty
        // (docs/hyperctl.md#jobs-lifecycle-ids-status)
        result.output_files = [...written.diskPaths]
        result.total_size = written.diskBytes
      }
    } catch (error) {
      return { error: exportFailure(method, error) }
    }
    return { result }
  }

  #finish(job: Job, rt: Runtime, outcome: { result: JobResult } | { error: string }): void {
    this.#stop(rt)
    const now = this.now()
    job.completed_at = now
    job.updated_at = now
    if ('error' in outcome) {
      job.status = 'failed'
      job.error = outcome.error
    } else {
      job.status = 'completed'
      job.result = outcome.result
    }
  }
}

/** `normalizeJobDefinition`, applied in place when a job starts. */
function normalize(def: JobDefinition): void {
  if (!def.vcenter && (def.vcenter_url !== '' || def.username !== '' || def.password !== '')) {
    def.vcenter = {
      server: def.vcenter_url !== '' ? def.vcenter_url : 'vcenter.example.com',
      username: def.username,
      password: def.password,
      insecure: def.insecure,
    }
  }
  if (def.output_dir === '' && def.output_path !== '') def.output_dir = def.output_path
  if (def.export_method === '' && def.method !== '') def.export_method = def.method
  if (def.format === '') def.format = 'ovf'
}

/** The exporters' `Validate` (web and ovftool also need vCenter credentials). */
function validate(def: JobDefinition, method: ExportMethod): string | undefined {
  if (def.vm_path === '') return 'vm_path is required'
  if (def.output_dir === '') return 'output_dir is required'
  if (!def.vcenter || def.vcenter.server === '') return 'vcenter server is required'
  if (method === 'web' || method === 'ovftool') {
    if (def.vcenter.username === '') return 'vcenter username is required'
    if (def.vcenter.password === '') return 'vcenter password is required'
  }
  return undefined
}

function vmNameOf(vmPath: string): string {
  const name = basename(vmPath.replace(/\/+$/, ''))
  return name === '' || name === '.' || name === '..' ? 'vm' : name
}

const ERRNO_TEXT: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'file exists',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
}

/** A failed write, worded as the exporter would report it. */
function exportFailure(method: ExportMethod, error: unknown): string {
  if (error instanceof SandboxError)
    return `export failed: export ovf: prepare output directory: ${error.message}`
  if (method !== 'web') {
    const tool = method === 'ctl' ? 'hyperctl' : method
    return `export failed: ${tool} export failed: exit status 1`
  }
  const e = error as NodeJS.ErrnoException
  const text = (e.code && ERRNO_TEXT[e.code]) || e.message
  const goError = e.syscall && e.path ? `${e.syscall} ${e.path}: ${text}` : text
  const step = e.syscall === 'mkdir' ? 'prepare output directory: create directory' : 'download files'
  return `export failed: export ovf: ${step}: ${goError}`
}
