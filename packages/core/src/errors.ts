export type HyperctlErrorKind =
  | 'not-installed'
  | 'daemon-unreachable'
  | 'auth-failed'
  | 'usage'
  | 'command-failed'
  | 'daemon-error'
  | 'parse-failure'
  | 'job-rejected'
  | 'job-skipped'
  | 'job-failed'
  | 'job-cancelled'
  | 'job-timeout'
  | 'job-not-found'
  | 'incomplete-export'
  | 'aborted'

/** The root of every error this library throws; `hint` is one sentence saying what to do next. */
export class HyperctlError extends Error {
  readonly kind: HyperctlErrorKind
  readonly hint: string
  constructor(kind: HyperctlErrorKind, message: string, hint: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.kind = kind
    this.hint = hint
  }
}

/** Process exit codes by error kind, shared by the CLI and documented in its README. */
export const exitCodeFor = {
  usage: 2,
  'daemon-unreachable': 3,
  'auth-failed': 3,
  'job-timeout': 4,
  aborted: 130,
  'not-installed': 1,
  'command-failed': 1,
  'daemon-error': 1,
  'parse-failure': 1,
  'job-rejected': 1,
  'job-skipped': 1,
  'job-failed': 1,
  'job-cancelled': 1,
  'job-not-found': 1,
  'incomplete-export': 1,
} as const satisfies Record<HyperctlErrorKind, number>

export class HyperctlNotInstalledError extends HyperctlError {
  readonly path: string
  constructor(path: string, detail: string, options?: ErrorOptions) {
    super(
      'not-installed',
      `hyperctl could not be run from ${JSON.stringify(path)}: ${detail}`,
      'Install hyperctl, or point hyperctl-path (HYPERCTL_PATH) at the executable, or use the api transport.',
      options,
    )
    this.path = path
  }
}

export class DaemonUnreachableError extends HyperctlError {
  readonly url: string
  readonly jobIds: readonly string[]
  /** true when the request surely never reached the daemon (refused, a blocked port, DNS, TLS). */
  readonly notSent: boolean
  constructor(
    url: string,
    detail: string,
    options?: ErrorOptions & { jobIds?: readonly string[]; notSent?: boolean },
  ) {
    const jobIds = options?.jobIds ?? []
    const jobs = jobIds.length > 0 ? ` while watching job(s) ${jobIds.join(', ')}` : ''
    super(
      'daemon-unreachable',
      `hypervisord at ${url} could not be reached${jobs}: ${detail}`,
      jobIds.length > 0
        ? 'Check that hypervisord is running and reachable, then resume with `hyperctl-export wait <job-id>`; the jobs were submitted.'
        : 'Check that hypervisord is running and that daemon-url (HYPERVISORD_URL) points at it.',
      options,
    )
    this.url = url
    this.jobIds = jobIds
    this.notSent = options?.notSent ?? false
  }
}

export class AuthFailedError extends HyperctlError {
  readonly url: string
  readonly status: number
  constructor(url: string, status: number, options?: ErrorOptions) {
    super(
      'auth-failed',
      `hypervisord at ${url} refused the request (HTTP ${status})`,
      'Set api-key (HYPERVISORD_API_KEY) to the key the daemon is configured with; hyperctl itself cannot send a key, so use the api transport.',
      options,
    )
    this.url = url
    this.status = status
  }
}

export class UsageError extends HyperctlError {
  constructor(message: string, hint = 'Fix the arguments and try again.', options?: ErrorOptions) {
    super('usage', message, hint, options)
  }
}

/** hyperctl ran and failed in a way that is not one of the recognised failures. */
export class CommandFailedError extends HyperctlError {
  readonly exitCode: number | null
  readonly stderr: string
  readonly stdout: string
  constructor(
    summary: string,
    details: { exitCode: number | null; stderr: string; stdout: string },
    hint = 'Run the same hyperctl command by hand to see the whole output.',
    options?: ErrorOptions,
  ) {
    super('command-failed', summary, hint, options)
    this.exitCode = details.exitCode
    this.stderr = details.stderr
    this.stdout = details.stdout
  }
}

/** The daemon answered, but with an error (an HTTP error status, or hyperctl's `Server error:`). */
export class DaemonError extends HyperctlError {
  readonly status: number | undefined
  readonly daemonMessage: string
  /** The wait the daemon asked for before another try (its `Retry-After`), when it gave one. */
  readonly retryAfterMs: number | undefined
  constructor(
    daemonMessage: string,
    status?: number,
    options?: ErrorOptions & { retryAfterMs?: number | undefined },
  ) {
    super(
      'daemon-error',
      `hypervisord answered with an error${status === undefined ? '' : ` (HTTP ${status})`}: ${daemonMessage}`,
      'Read the daemon message above; if it is a server fault, retry later or check the hypervisord log.',
      options,
    )
    this.status = status
    this.daemonMessage = daemonMessage
    this.retryAfterMs = options?.retryAfterMs
  }
}

export class HyperctlParseError extends HyperctlError {
  /** The raw text that could not be read (secrets already redacted by the caller where relevant). */
  readonly raw: string
  constructor(
    what: string,
    raw: string,
    options?: ErrorOptions & { source?: 'hyperctl' | 'hypervisord'; hint?: string },
  ) {
    const api = options?.source === 'hypervisord'
    super(
      'parse-failure',
      `${api ? 'hypervisord answered' : 'hyperctl printed'} something we cannot read as ${what}: ${excerpt(raw)}`,
      options?.hint ??
        `Check the ${api ? 'hypervisord' : 'hyperctl'} version with \`hyperctl-export doctor\` and report the raw output.`,
      options,
    )
    this.raw = raw
  }
}

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
  constructor(jobId: string, lost = false, options?: ErrorOptions & { daemon?: string }) {
    super(
      'job-not-found',
      lost
        ? `job ${jobId} disappeared from the daemon; hypervisord keeps jobs only in memory, so it was most likely restarted`
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

/** One thing wrong with one file of an export: `path` as the report shows it, `problem` in a few words. */
export interface ExportProblem {
  path: string
  problem: string
}

/** The daemon said completed, but the files on disk say otherwise (or could not be checked when required). */
export class IncompleteExportError extends HyperctlError {
  readonly jobId: string
  readonly directory: string
  readonly problems: readonly ExportProblem[]
  constructor(
    jobId: string,
    directory: string,
    problems: readonly ExportProblem[],
    options?: ErrorOptions & { unverifiable?: boolean },
  ) {
    const list = problems.map((p) => `${p.path}: ${p.problem}`).join('; ')
    super(
      'incomplete-export',
      options?.unverifiable
        ? `job ${jobId} completed, but its export could not be verified as required: ${list}`
        : `job ${jobId} completed on the daemon, but its export in ${directory} is not whole: ${list}`,
      options?.unverifiable
        ? 'Run the export where the output directory is readable (the daemon on the runner), or set verify to auto.'
        : 'Check the free space and the vCenter connection of the daemon machine, remove these files and export again.',
      options,
    )
    this.jobId = jobId
    this.directory = directory
    this.problems = problems
  }
}

/** A file of the export (the OVF descriptor, the manifest) that we cannot read as what it should be. */
export class ExportFileParseError extends HyperctlError {
  readonly raw: string
  /** What is wrong, in a few words (`not XML: ...`, `line 3 is not ALGORITHM(file)= hex`). */
  readonly reason: string
  constructor(what: string, reason: string, raw: string, options?: ErrorOptions) {
    super(
      'parse-failure',
      `the ${what} cannot be read (${reason}): ${excerpt(raw)}`,
      `Open the ${what} to see what the exporter wrote; export again if it is cut short.`,
      options,
    )
    this.raw = raw
    this.reason = reason
  }
}

export class OperationAbortedError extends HyperctlError {
  constructor(what: string, options?: ErrorOptions) {
    super(
      'aborted',
      `${what} was interrupted`,
      'Run the command again to resume; submitted jobs keep their IDs.',
      options,
    )
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

function excerpt(raw: string): string {
  // why: a parse error must show what was read, but a whole table would drown the message
  const oneLine = JSON.stringify(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw)
  return oneLine
}

/** `1h02m`, `2m05s`, `23s`, `250ms` (two units at most): every duration a person reads. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`
  const total = Math.floor(ms / 1000)
  const d = Math.floor(total / 86_400)
  const h = Math.floor((total % 86_400) / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const two = (n: number) => String(n).padStart(2, '0')
  // why: two units at most, the second padded, so a column of durations reads at a glance
  if (d > 0) return `${d}d${two(h)}h`
  if (h > 0) return `${h}h${two(m)}m`
  if (m > 0) return `${m}m${two(s)}s`
  return `${s}s`
}
