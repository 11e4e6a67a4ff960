import { IncompleteExportError, OperationAbortedError } from '../errors.js'
import type { JobOutcome } from '../outcome/job-outcome.js'
import type { JobSpec, VerifyMode } from '../types.js'
import { writeChecksumsFile } from './checksums-file.js'
import { type DirectorySnapshot, snapshotDirectory } from './export-files.js'
import { type ExportInspection, inspectExport } from './inspect-export.js'

export interface VerifyOptions {
  /** Default `auto`: verify where the output directory is readable here; `required`: fail where it is not. */
  verify?: VerifyMode
  /** Write `SHA256SUMS` into each verified output directory. */
  checksumsFile?: boolean
  signal?: AbortSignal
}

/** What each readable output directory holds now: taken before the submit (see ExportVerifier.remember). */
export function snapshotDirectories(jobs: readonly JobSpec[]): Map<string, DirectorySnapshot> {
  const snapshots = new Map<string, DirectorySnapshot>()
  for (const dir of new Set(jobs.map((j) => j.outputPath))) {
    const snapshot = snapshotDirectory(dir)
    if (snapshot) snapshots.set(dir, snapshot)
  }
  return snapshots
}

/** Said once per run, on the first job it concerns; each job's own reason is in `unverifiedReason`. */
export const UNREADABLE_NOTICE =
  'the output directory is not readable on this machine (hypervisord runs elsewhere?), so the files are reported as the daemon lists them, without sizes or checksums, and are not verified; set verify to required to fail instead'

/**
 * The inspect step of an export run: each job is inspected as soon as it completes, while the others are
 * still awaited, and `settle` turns what was found into the outcomes' `files`, `verified` and, for an
 * export that is not whole, a `failed` status with an IncompleteExportError.
 */
export class ExportVerifier {
  readonly #options: VerifyOptions
  readonly #before = new Map<string, DirectorySnapshot>()
  readonly #pending = new Map<JobOutcome, Promise<ExportInspection | Error>>()

  constructor(options: VerifyOptions = {}) {
    this.#options = options
  }

  /** Uses what each output directory held before the submit, so older files are not reported as new. */
  remember(snapshots: ReadonlyMap<string, DirectorySnapshot>): void {
    for (const [dir, snapshot] of snapshots) this.#before.set(dir, snapshot)
  }

  /** Starts inspecting a job the daemon reports completed; call once per job. */
  completed(outcome: JobOutcome, spec?: JobSpec): void {
    if (this.#pending.has(outcome)) return
    const result = outcome.result
    const directory = result?.outputDir || outcome.job?.outputPath || spec?.outputPath
    const before = directory ? this.#before.get(directory) : undefined
    const inspection = inspectExport({
      directory,
      vmPath: spec?.vmPath ?? outcome.vmPath,
      daemonFiles: result?.files ?? [],
      ...(result?.ovfPath ? { ovfPath: result.ovfPath } : {}),
      ...(before ? { before } : {}),
      verify: this.#options.verify ?? 'auto',
      ...(this.#options.signal ? { signal: this.#options.signal } : {}),
    }).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))
    this.#pending.set(outcome, inspection)
  }

  /** Waits for every inspection and applies it to its outcome. */
  async settle(outcomes: readonly JobOutcome[]): Promise<void> {
    let noticed = false
    const verifiedByDir = new Map<string, JobOutcome[]>()
    for (const outcome of outcomes) {
      const pending = this.#pending.get(outcome)
      if (!pending) continue
      const inspection = await pending
      if (inspection instanceof Error) {
        outcome.verified = false
        outcome.files = []
        outcome.unverifiedReason =
          inspection instanceof OperationAbortedError
            ? 'interrupted before the files were checked'
            : `the files could not be checked: ${inspection.message}`
        continue
      }
      outcome.files = inspection.files
      outcome.verified = inspection.verified
      if (inspection.unverifiedReason !== undefined) outcome.unverifiedReason = inspection.unverifiedReason
      if (outcome.status !== 'completed') continue
      const directory = inspection.directory ?? ''
      if (inspection.problems.length > 0) {
        outcome.status = 'failed'
        outcome.error = new IncompleteExportError(outcome.jobId, directory, inspection.problems)
      } else if (inspection.unverifiedReason !== undefined && this.#options.verify === 'required') {
        outcome.status = 'failed'
        outcome.error = new IncompleteExportError(
          outcome.jobId,
          directory,
          [{ path: directory || '(output directory)', problem: inspection.unverifiedReason }],
          { unverifiable: true },
        )
      } else if (!inspection.readable && this.#options.verify !== 'off') {
        if (!noticed) outcome.warnings.push(UNREADABLE_NOTICE)
        noticed = true
      } else if (inspection.verified) {
        verifiedByDir.set(directory, [...(verifiedByDir.get(directory) ?? []), outcome])
      }
    }
    if (this.#options.checksumsFile) await this.#writeChecksums(verifiedByDir)
  }

  // why: jobs of one run may share a directory; one SHA256SUMS then covers all their files
  async #writeChecksums(byDir: ReadonlyMap<string, JobOutcome[]>): Promise<void> {
    for (const [directory, outcomes] of byDir) {
      try {
        const path = await writeChecksumsFile(
          directory,
          outcomes.flatMap((o) => o.files ?? []),
        )
        for (const o of outcomes) o.checksumsFile = path
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message
        outcomes[0]!.warnings.push(`SHA256SUMS could not be written into ${directory} (${code})`)
      }
    }
  }
}
