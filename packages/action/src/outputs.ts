import {
  allVerified,
  completedChecksums,
  completedFiles,
  type JobOutcome,
  redactSecrets,
  type Transport,
} from '@hyperctl-export/core'

/** The step's `status` output; action.yml documents each value. */
export type OverallStatus = 'completed' | 'submitted' | 'failed' | 'timeout' | 'cancelled'

const FAILED = new Set(['failed', 'rejected', 'lost', 'unknown', 'skipped'])

/**
 * One word for all jobs: an interrupted step is `cancelled` whatever else happened; otherwise any job that
 * failed makes it `failed`, then a timeout, then a job cancelled on the daemon.
 */
export function overallStatus(
  outcomes: readonly JobOutcome[],
  waited: boolean,
  interrupted = false,
): OverallStatus {
  if (interrupted || outcomes.some((o) => o.status === 'aborted')) return 'cancelled'
  if (outcomes.some((o) => FAILED.has(o.status))) return 'failed'
  if (outcomes.some((o) => o.status === 'timeout')) return 'timeout'
  if (outcomes.some((o) => o.status === 'cancelled')) return 'cancelled'
  if (!waited) return 'submitted'
  return outcomes.every((o) => o.status === 'completed') ? 'completed' : 'failed'
}

/** Jobs that may exist on the daemon: everything but what it refused or never got. */
export function submittedJobIds(outcomes: readonly JobOutcome[]): string[] {
  return outcomes.filter((o) => o.status !== 'rejected' && o.status !== 'skipped').map((o) => o.jobId)
}

export interface OutputContext {
  outcomes: readonly JobOutcome[]
  waited: boolean
  /** The step was cancelled (a signal arrived). */
  interrupted?: boolean
  transport: Transport
  outputPath: string
  durationMs: number
  /** The export method asked for, when no outcome reports one. */
  exportMethod: string
}

/** Every output of the step, as the strings written to GITHUB_OUTPUT. */
export function computeOutputs(context: OutputContext): Record<string, string> {
  const { outcomes } = context
  const ids = submittedJobIds(outcomes)
  return {
    'job-id': ids[0] ?? '',
    'job-ids': JSON.stringify(ids),
    status: overallStatus(outcomes, context.waited, context.interrupted),
    statuses: JSON.stringify(Object.fromEntries(outcomes.map((o) => [o.jobId, o.status]))),
    'output-path': context.outputPath,
    files: JSON.stringify(completedFiles(outcomes)),
    verified: String(allVerified(outcomes)),
    checksums: JSON.stringify(completedChecksums(outcomes)),
    'duration-seconds': String(Math.round(context.durationMs / 1000)),
    result: JSON.stringify(outcomes.map(resultEntry)),
    transport: context.transport,
    'export-method': String(outcomes[0]?.exportMethod ?? context.exportMethod),
  }
}

/** The `result` output's entry for one job: plain data, secrets redacted, the error as kind/message/hint. */
export function resultEntry(outcome: JobOutcome): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    jobId: outcome.jobId,
    vmPath: outcome.vmPath,
    name: outcome.name,
    status: outcome.status,
    attached: outcome.attached,
    exportMethod: outcome.exportMethod,
    durationMs: outcome.durationMs,
    result: outcome.result,
    files: outcome.files,
    verified: outcome.verified,
    unverifiedReason: outcome.unverifiedReason,
    checksumsFile: outcome.checksumsFile,
    error: outcome.error
      ? { kind: outcome.error.kind, message: outcome.error.message, hint: outcome.error.hint }
      : undefined,
    warnings: outcome.warnings,
  }
  // why: the daemon keeps the last progress after the end (a web export says `connecting` forever)
  if (outcome.status !== 'completed') {
    if (outcome.job?.phase !== undefined) entry.phase = outcome.job.phase
    if (outcome.job?.percent !== undefined) entry.percent = outcome.job.percent
  }
  // why: the daemon echoes the vCenter password in job replies; JSON.stringify drops the undefined fields
  return redactSecrets(entry)
}
