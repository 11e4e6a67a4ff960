import type { HyperctlErrorKind } from '../errors.js'
import { allVerified, completedChecksums, completedFiles } from '../inspect/export-totals.js'
import type { ExportFile } from '../inspect/inspect-export.js'
import { redactSecrets } from '../text/redact.js'
import type { ExportResult } from '../types.js'
import type { JobOutcome } from './job-outcome.js'
import type { OutcomeStatus } from './status.js'
import { runVerdict, type Verdict, type VerdictContext } from './verdict.js'

/** Bumped when a field changes meaning or goes away; new fields do not bump it. */
export const OUTCOME_SCHEMA_VERSION = 1

/** One job in the run JSON (docs/outcome.md). Optional fields are absent, never null. */
export interface JobOutcomeJson {
  jobId: string
  vmPath: string
  name: string
  status: OutcomeStatus
  /** The job was already on the daemon (same job ID) and this run watched it instead of submitting again. */
  attached: boolean
  exportMethod?: string
  durationMs?: number
  /** The daemon's last progress of a job that did not complete (it keeps both after the end). */
  phase?: string
  percent?: number
  /** As the daemon reports it; secret-named fields masked. */
  result?: ExportResult
  /** What a completed export wrote, read on this machine: the descriptor first, sizes and sha256. */
  files?: ExportFile[]
  /** true when every check of the files passed; false when they could not be checked. */
  verified?: boolean
  unverifiedReason?: string
  /** The SHA256SUMS written for this export. */
  checksumsFile?: string
  error?: { kind: HyperctlErrorKind; message: string; hint: string }
  warnings: string[]
}

/** A whole run: the CLI's `--json` document and the action's `result` output (which may add top-level fields). */
export interface RunJson {
  schemaVersion: typeof OUTCOME_SCHEMA_VERSION
  verdict: Verdict
  jobs: JobOutcomeJson[]
  /** The files of every completed job. */
  files: ExportFile[]
  /** Every completed job's files were verified. */
  verified: boolean
  /** SHA-256 by file path, of every completed job. */
  checksums: Record<string, string>
}

export function runJson(outcomes: readonly JobOutcome[], context: VerdictContext): RunJson {
  return {
    schemaVersion: OUTCOME_SCHEMA_VERSION,
    verdict: runVerdict(outcomes, context),
    jobs: outcomes.map(jobOutcomeJson),
    files: completedFiles(outcomes),
    verified: allVerified(outcomes),
    checksums: completedChecksums(outcomes),
  }
}

export function jobOutcomeJson(o: JobOutcome): JobOutcomeJson {
  // why: the daemon keeps the last progress after the end (a web export says `connecting` forever)
  const progress = o.status === 'completed' ? undefined : o.job
  return {
    jobId: o.jobId,
    vmPath: o.vmPath,
    name: o.name,
    status: o.status,
    attached: o.attached,
    ...(o.exportMethod !== undefined ? { exportMethod: String(o.exportMethod) } : {}),
    ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}),
    ...(progress?.phase !== undefined ? { phase: progress.phase } : {}),
    ...(progress?.percent !== undefined ? { percent: progress.percent } : {}),
    // why: the daemon echoes the vCenter password in job replies
    ...(o.result !== undefined ? { result: redactSecrets(o.result) } : {}),
    ...(o.files !== undefined ? { files: o.files } : {}),
    ...(o.verified !== undefined ? { verified: o.verified } : {}),
    ...(o.unverifiedReason !== undefined ? { unverifiedReason: o.unverifiedReason } : {}),
    ...(o.checksumsFile !== undefined ? { checksumsFile: o.checksumsFile } : {}),
    ...(o.error !== undefined
      ? { error: { kind: o.error.kind, message: o.error.message, hint: o.error.hint } }
      : {}),
    warnings: [...o.warnings],
  }
}
