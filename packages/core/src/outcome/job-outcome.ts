import type { HyperctlError } from '../errors.js'
import type { ExportFile } from '../inspect/inspect-export.js'
import type { ExportMethod, ExportResult, JobInfo } from '../types.js'
import type { OutcomeStatus } from './status.js'

export type { OutcomeStatus } from './status.js'

export interface JobOutcome {
  /** Position in the caller's job list. */
  index: number
  jobId: string
  vmPath: string
  name: string
  status: OutcomeStatus
  /** The last state read from the daemon. */
  job?: JobInfo
  result?: ExportResult
  error?: HyperctlError
  /** True when the submit found the job already on the daemon (same idempotent ID) and attached to it. */
  attached: boolean
  /** True when this run cancelled the job on the daemon (on abort or timeout); nobody needs to cancel it again. */
  cancelledByRun?: boolean
  exportMethod?: ExportMethod | string
  warnings: string[]
  /**
   * When this run started timing the job (epoch ms on the run's clock): the daemon accepted it, or for a
   * job the run did not submit (`wait`) the daemon's start, else when the run first saw it. A live display
   * counts from here, so it shows what `durationMs` will say.
   */
  timedFromMs?: number
  /** From `timedFromMs` to when the run saw the job end, on the same clock. */
  durationMs?: number
  /** What a completed export wrote: the descriptor first, then the disks, the manifest and the rest. */
  files?: ExportFile[]
  /** true when the files were read here and every check passed; false when they could not be checked. */
  verified?: boolean
  /** Why the files were not checked (the directory is not readable here, verify is off, interrupted). */
  unverifiedReason?: string
  /** The SHA256SUMS written for this export (with `checksumsFile`). */
  checksumsFile?: string
}

export function isSuccess(outcome: JobOutcome): boolean {
  return outcome.status === 'completed'
}

// why: errors.ts imports nothing of the outcome model (no circle); the field is declared from this side
declare module '../errors.js' {
  interface HyperctlError {
    /** Set when a wait or export ends in this error: what became of every job, so none is lost from view. */
    outcomes?: readonly JobOutcome[]
  }
}
