import { formatDuration } from '../util/format-duration.js'
import { HyperctlError } from './base.js'

export class JobRejectedError extends HyperctlError {
  readonly jobId: string | undefined
  readonly vmPath: string | undefined
  readonly daemonMessage: string
  constructor(daemonMessage: string, job: { jobId?: string; vmPath?: string } = {}, options?: ErrorOptions) {
    super(
      'job-rejected',
      `hypervisord rejected the job${job.vmPath ? ` for ${job.vmPath}` : ''}: ${daemonMessage}`,
      'Fix what the daemon names; a duplicate ID means an export with that ID already exists on the daemon.',
      options,
    )
    this.jobId = job.jobId
    this.vmPath = job.vmPath
    this.daemonMessage = daemonMessage
  }
}

/** A job that was never submitted because something else ended the export first. */
export class JobSkippedError extends HyperctlError {
  constructor(reason: string, options?: ErrorOptions) {
    super(
      'job-skipped',
      `not submitted: ${reason}`,
      'Run the export again; jobs already exported are attached to, not repeated, with the same idempotency key.',
      options,
    )
  }
}

export class JobFailedError extends HyperctlError {
  readonly jobId: string
  readonly daemonMessage: string | undefined
  constructor(
    jobId: string,
    daemonMessage: string | undefined,
    options?: ErrorOptions & { jobHadNoVcenter?: boolean },
  ) {
    super(
      'job-failed',
      daemonMessage
        ? `job ${jobId} failed: ${daemonMessage}`
        : `job ${jobId} failed; hyperctl does not show the daemon's error text`,
      hintForFailure(jobId, daemonMessage, options?.jobHadNoVcenter ?? false),
      options,
    )
    this.jobId = jobId
    this.daemonMessage = daemonMessage
  }
}

export class JobCancelledError extends HyperctlError {
  readonly jobId: string
  constructor(jobId: string, options?: ErrorOptions) {
    super(
      'job-cancelled',
      `job ${jobId} was cancelled; hypervisord only labels a job cancelled and cannot stop an export that is already running, so files may still be written`,
      'Check the output directory on the daemon machine before reusing it; submit again to export once more.',
      options,
    )
    this.jobId = jobId
  }
}

export class JobTimeoutError extends HyperctlError {
  readonly jobIds: readonly string[]
  readonly timeoutMs: number
  readonly cancelled: boolean
  constructor(jobIds: readonly string[], timeoutMs: number, cancelled: boolean, options?: ErrorOptions) {
    super(
      'job-timeout',
      `job(s) ${jobIds.join(', ')} did not finish within ${formatDuration(timeoutMs)}${
        cancelled ? '; they were cancelled (hypervisord only labels them, the export may go on)' : ''
      }`,
      cancelled
        ? 'Raise the timeout if the export needs longer.'
        : 'Raise the timeout, or keep waiting with `hyperctl-export wait <job-id>`; the jobs are still on the daemon.',
      options,
    )
    this.jobIds = jobIds
    this.timeoutMs = timeoutMs
    this.cancelled = cancelled
  }
}

export class JobNotFoundError extends HyperctlError {
  readonly jobId: string
  /** true when the job was seen before and then vanished (a daemon restart forgets every job). */
  readonly lost: boolean
  /** `evidence`: how we know a lost job is gone (the daemon's uptime or job count, a lookup by ID). */
  constructor(jobId: string, lost = false, options?: ErrorOptions & { daemon?: string; evidence?: string }) {
    super(
      'job-not-found',
      lost
        ? `job ${jobId} disappeared from the daemon: ${options?.evidence ?? 'hypervisord keeps jobs only in memory, so it was most likely restarted'}`
        : `no job with ID ${jobId} on ${options?.daemon ?? 'the daemon'}`,
      lost
        ? 'Submit the export again under the same ID (safe: the daemon no longer has it; allow resubmission to do it automatically).'
        : 'Check the job ID (a unique start of 4 or more characters also works); `hyperctl-export jobs` lists the jobs the daemon has.',
      options,
    )
    this.jobId = jobId
    this.lost = lost
  }
}

function hintForFailure(jobId: string, message: string | undefined, noVcenter: boolean): string {
  if (message?.includes('vcenter server is required') || (message === undefined && noVcenter)) {
    return 'Give the vCenter connection (vcenter-server, vcenter-username, vcenter-password): a stock hypervisord fails every job without it.'
  }
  if (message === undefined) {
    return `Read the error text with the api transport (\`hyperctl-export job ${jobId} --transport api\`), then fix the cause and submit again.`
  }
  if (message?.includes('hyperctl export failed')) {
    return 'The daemon used the broken ctl export method; set export-method to web.'
  }
  return 'Read the daemon error above; fix the cause and submit the export again.'
}
