import {
  allVerified,
  completedChecksums,
  completedFiles,
  type JobOutcome,
  jsonDocument,
  maySitOnDaemon,
  runJson,
  type Transport,
  type Verdict,
} from '@hyperctl-export/core'

/** The step's `status` output; action.yml documents each value. */
export type OverallStatus = 'completed' | 'submitted' | 'failed' | 'timeout' | 'cancelled'

/** The step's status for each verdict of core (docs/outcome.md). */
export const STATUS_FOR_VERDICT = {
  completed: 'completed',
  submitted: 'submitted',
  failed: 'failed',
  unreachable: 'failed',
  timeout: 'timeout',
  cancelled: 'cancelled',
  interrupted: 'cancelled',
} as const satisfies Record<Verdict, OverallStatus>

/** Jobs that may exist on the daemon: everything but what it refused or never got. */
export function submittedJobIds(outcomes: readonly JobOutcome[]): string[] {
  return outcomes.filter((o) => maySitOnDaemon(o.status)).map((o) => o.jobId)
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
  const run = runJson(outcomes, { waited: context.waited, interrupted: context.interrupted ?? false })
  return {
    'job-id': ids[0] ?? '',
    'job-ids': JSON.stringify(ids),
    status: STATUS_FOR_VERDICT[run.verdict],
    statuses: JSON.stringify(Object.fromEntries(outcomes.map((o) => [o.jobId, o.status]))),
    'output-path': context.outputPath,
    files: JSON.stringify(completedFiles(outcomes)),
    verified: String(allVerified(outcomes)),
    checksums: JSON.stringify(completedChecksums(outcomes)),
    'duration-seconds': String(Math.round(context.durationMs / 1000)),
    // why: core's run JSON as it is, the same document the CLI prints with --json
    result: jsonDocument(run),
    transport: context.transport,
    'export-method': String(outcomes[0]?.exportMethod ?? context.exportMethod),
  }
}
