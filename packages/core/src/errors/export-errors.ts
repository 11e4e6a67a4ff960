import { HyperctlError } from './base.js'
import { excerpt } from './excerpt.js'

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
        ? { fact: 'export-unverifiable' }
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
