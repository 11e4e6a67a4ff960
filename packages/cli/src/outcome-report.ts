import {
  allVerified,
  completedChecksums,
  completedFiles,
  type ExportFile,
  exitCodeFor,
  exportTotals,
  formatBytes,
  type JobOutcome,
  type OutcomeStatus,
  redactSecrets,
} from '@hyperctl-export/core'
import { colourStatus, formatElapsed, jobLabel } from './progress/job-rows.js'
import type { Style } from './style.js'
import { neutralise } from './terminal-text.js'

// why: when jobs end differently, the code says the most urgent thing: interrupted, then the daemon
// could not be asked, then a timeout, then a job's own failure
const PRIORITY = [130, 3, 4, 2, 1] as const

const DEFAULT_CODE: Partial<Record<OutcomeStatus, number>> = { timeout: 4, aborted: 130 }

/** The process exit code for a set of outcomes; `accept` lists the statuses that count as success. */
export function exitCodeForOutcomes(
  outcomes: readonly JobOutcome[],
  accept: readonly OutcomeStatus[] = ['completed'],
): number {
  const codes = new Set<number>()
  for (const o of outcomes) {
    if (accept.includes(o.status)) continue
    codes.add(o.error ? exitCodeFor[o.error.kind] : (DEFAULT_CODE[o.status] ?? 1))
  }
  return PRIORITY.find((code) => codes.has(code)) ?? (codes.size > 0 ? 1 : 0)
}

/** One job in `--json` output: `{ jobId, vmPath, status, error?, result? }` and a few more facts. */
export function outcomeJson(o: JobOutcome): Record<string, unknown> {
  return {
    jobId: o.jobId,
    vmPath: o.vmPath,
    name: o.name,
    status: o.status,
    ...(o.exportMethod ? { exportMethod: o.exportMethod } : {}),
    ...(o.attached ? { attached: true } : {}),
    ...(o.error ? { error: o.error.message, errorKind: o.error.kind, hint: o.error.hint } : {}),
    ...(o.result ? { result: redactSecrets(o.result) } : {}),
    ...(o.files ? { files: o.files } : {}),
    ...(o.verified !== undefined ? { verified: o.verified } : {}),
    ...(o.unverifiedReason ? { unverifiedReason: o.unverifiedReason } : {}),
    ...(o.checksumsFile ? { checksumsFile: o.checksumsFile } : {}),
    ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}),
    ...(o.warnings.length > 0 ? { warnings: o.warnings } : {}),
  }
}

/** The human result: a line per job, its files or its error and what to do about it. */
export function outcomeSummary(outcomes: readonly JobOutcome[], style: Style): string {
  const lines: string[] = []
  for (const o of outcomes) {
    const took = o.durationMs !== undefined ? ` in ${formatElapsed(o.durationMs)}` : ''
    const method =
      o.exportMethod && o.status === 'completed' ? ` (${neutralise(String(o.exportMethod))})` : ''
    lines.push(
      `${style.bold(jobLabel(o))}  ${colourStatus(o.status, style)}${took}${method}  job ${neutralise(o.jobId)}`,
    )
    if (o.vmPath) lines.push(`  vm      ${neutralise(o.vmPath)}`)
    const result = o.result
    if (result?.outputDir) lines.push(`  output  ${neutralise(result.outputDir)}`)
    const files: ExportFile[] = o.files ?? result?.files.map((path) => ({ path, role: 'other' })) ?? []
    for (const f of files) {
      const size = f.size === undefined ? '' : `, ${formatBytes(f.size)}`
      const sha = f.sha256 ? `  sha256 ${f.sha256}` : ''
      lines.push(`  file    ${neutralise(f.path)}  (${f.role}${size})${sha}`)
    }
    if (o.status === 'completed' && files.length === 0) lines.push('  file    (the daemon listed no files)')
    if (o.verified !== undefined) lines.push(`  ${totalsLine(o)}`)
    if (o.error) {
      lines.push(`  ${style.red('error')}   ${neutralise(o.error.message)}`)
      lines.push(`  ${style.dim('hint')}    ${neutralise(o.error.hint)}`)
    }
  }
  return lines.join('\n')
}

/** `verified  3 files, 1.02 GiB in 2m5s, 8.6 MB/s`, or why the files were not verified. */
function totalsLine(o: JobOutcome): string {
  const t = exportTotals(o)
  const size = t.totalBytes === undefined ? '' : `, ${formatBytes(t.totalBytes)}`
  const took = t.durationMs === undefined ? '' : ` in ${formatElapsed(t.durationMs)}`
  const rate = t.throughputMBps === undefined ? '' : `, ${t.throughputMBps.toFixed(1)} MB/s`
  const what = `${t.files} ${t.files === 1 ? 'file' : 'files'}${size}${took}${rate}`
  if (t.verified) return `verified  ${what}`
  return `not verified  ${what}${o.unverifiedReason ? ` (${neutralise(o.unverifiedReason)})` : ''}`
}

/** The `--json` document of export and wait: every job, and the files of the completed ones. */
export function runJson(outcomes: readonly JobOutcome[]): Record<string, unknown> {
  return {
    jobs: outcomes.map(outcomeJson),
    files: completedFiles(outcomes),
    verified: allVerified(outcomes),
    checksums: completedChecksums(outcomes),
  }
}

/** Each warning once, however many jobs share it. */
export function distinctWarnings(outcomes: readonly JobOutcome[]): string[] {
  return [...new Set(outcomes.flatMap((o) => o.warnings))]
}
