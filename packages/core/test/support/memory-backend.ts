import { JobNotFoundError } from '../../src/errors.js'
import type {
  CallOptions,
  CancelResult,
  DaemonStatus,
  ExportBackend,
  JobFilter,
  JobInfo,
  JobSpec,
  JobStatus,
  SubmitResult,
} from '../../src/types.js'

/**
 * An in-memory daemon for the export session's logic tests: jobs change only when the test says so.
 * End-to-end behaviour is tested against the simulator; this isolates the waiting logic.
 */
export class MemoryBackend implements ExportBackend {
  readonly transport = 'api' as const
  readonly target = 'memory'
  readonly jobs = new Map<string, JobInfo>()
  readonly calls: Array<{ method: string; ids?: string[] }> = []
  /** Jobs the daemon holds at once, sampled at every submit (for max-concurrent checks). */
  peakActive = 0
  failQueries = 0
  queryError: (() => Error) | undefined
  submitError: (() => Error) | undefined
  /** The next submit creates the jobs, then fails as if its reply was lost. */
  loseNextSubmitReply = false
  rejectVm = new Map<string, string>()
  /** What GET /status says the daemon's uptime is (a Go duration). */
  uptime = '1s'
  /** Jobs a query leaves out though the daemon has them (a lookup by ID still finds them). */
  readonly hiddenFromQueries = new Set<string>()

  async version() {
    return { daemon: '0.0.1' }
  }

  async checkDaemonStatus(): Promise<DaemonStatus> {
    return {
      version: '0.0.1',
      uptime: this.uptime,
      url: 'memory',
      totalJobs: this.jobs.size,
      runningJobs: 0,
      completedJobs: 0,
      failedJobs: 0,
    }
  }

  async submitJobs(jobs: JobSpec[], _options?: CallOptions): Promise<SubmitResult> {
    this.calls.push({ method: 'submit', ids: jobs.map((j) => j.id!) })
    if (this.submitError) throw this.submitError()
    const result: SubmitResult = { jobs: [], warnings: [] }
    jobs.forEach((job, index) => {
      const id = job.id!
      const base = {
        index,
        id,
        vmPath: job.vmPath,
        name: job.name ?? job.vmPath,
        exportMethod: job.exportMethod ?? 'web',
      } as const
      const reason = this.rejectVm.get(job.vmPath)
      if (this.jobs.has(id)) {
        result.jobs.push({ ...base, accepted: false, error: `job with ID ${id} already exists` })
      } else if (reason) {
        result.jobs.push({ ...base, accepted: false, error: reason })
      } else {
        this.jobs.set(id, {
          id,
          name: base.name,
          vmPath: job.vmPath,
          status: 'running',
          phase: 'connecting',
          percent: 0,
          source: 'api',
        })
        result.jobs.push({ ...base, accepted: true })
      }
    })
    const active = [...this.jobs.values()].filter(
      (j) => j.status === 'running' || j.status === 'pending',
    ).length
    this.peakActive = Math.max(this.peakActive, active)
    if (this.loseNextSubmitReply) {
      this.loseNextSubmitReply = false
      const { DaemonUnreachableError } = await import('../../src/errors.js')
      throw new DaemonUnreachableError('memory', 'socket hang up')
    }
    return result
  }

  async queryJobs(filter: JobFilter, _options?: CallOptions): Promise<JobInfo[]> {
    this.calls.push({ method: 'query', ids: filter.ids })
    if (this.failQueries > 0 && this.queryError) {
      this.failQueries--
      throw this.queryError()
    }
    return (filter.ids ?? [...this.jobs.keys()]).flatMap((id) => {
      const job = this.hiddenFromQueries.has(id) ? undefined : this.jobs.get(id)
      return job ? [{ ...job }] : []
    })
  }

  async getJob(id: string): Promise<JobInfo> {
    this.calls.push({ method: 'get', ids: [id] })
    const job = this.jobs.get(id)
    if (!job) throw new JobNotFoundError(id)
    return { ...job }
  }

  async cancelJobs(ids: string[]): Promise<CancelResult> {
    this.calls.push({ method: 'cancel', ids })
    const result: CancelResult = { cancelled: [], failed: [] }
    for (const id of ids) {
      const job = this.jobs.get(id)
      if (job && (job.status === 'running' || job.status === 'pending')) {
        job.status = 'cancelled'
        result.cancelled.push(id)
      } else {
        result.failed.push({
          id,
          error: job ? `job ${id} cannot be cancelled (status: ${job.status})` : `job not found: ${id}`,
        })
      }
    }
    return result
  }

  set(id: string, status: JobStatus, extra: Partial<JobInfo> = {}): void {
    const job = this.jobs.get(id)
    if (!job) throw new Error(`no job ${id}`)
    Object.assign(job, { status }, extra)
  }

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length
  }
}
