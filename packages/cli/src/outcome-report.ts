import {
  type ExportFile,
  exportTotals,
  formatBytes,
  formatThroughput,
  hintIn,
  type JobOutcome,
  sanitizeText,
  type Verdict,
} from '@hyperctl-export/core'
import { CLI_WORDS } from './hint-words.js'
import { colourStatus, formatElapsed, jobLabel } from './progress/job-rows.js'
import type { Style } from './style.js'

/** The process exit code for a run's verdict (the README's exit-code table). */
export const EXIT_CODE_FOR_VERDICT = {
  completed: 0,
  submitted: 0,
  failed: 1,
  cancelled: 1,
  unreachable: 3,
  timeout: 4,
  interrupted: 130,
} as const satisfies Record<Verdict, number>

/** The human result: a line per job, its files or its error and what to do about it. */
export function outcomeSummary(outcomes: readonly JobOutcome[], style: Style): string {
  const lines: string[] = []
  for (const o of outcomes) {
    const took = o.durationMs !== undefined ? ` in ${formatElapsed(o.durationMs)}` : ''
    const method =
      o.exportMethod && o.status === 'completed' ? ` (${sanitizeText(String(o.exportMethod))})` : ''
    lines.push(
      `${style.bold(jobLabel(o))}  ${colourStatus(o.status, style)}${took}${method}  job ${sanitizeText(o.jobId)}`,
    )
    if (o.vmPath) lines.push(`  vm      ${sanitizeText(o.vmPath)}`)
    const result = o.result
    if (result?.outputDir) lines.push(`  output  ${sanitizeText(result.outputDir)}`)
    const files: ExportFile[] = o.files ?? result?.files.map((path) => ({ path, role: 'other' })) ?? []
    for (const f of files) {
      const size = f.size === undefined ? '' : `, ${formatBytes(f.size)}`
      const sha = f.sha256 ? `  sha256 ${f.sha256}` : ''
      lines.push(`  file    ${sanitizeText(f.path)}  (${f.role}${size})${sha}`)
    }
    if (o.status === 'completed' && files.length === 0) lines.push('  file    (the daemon listed no files)')
    if (o.verified !== undefined) lines.push(`  ${totalsLine(o)}`)
    if (o.error) {
      lines.push(`  ${style.red('error')}   ${sanitizeText(o.error.message)}`)
      lines.push(`  ${style.dim('hint')}    ${sanitizeText(hintIn(o.error, CLI_WORDS))}`)
    }
  }
  return lines.join('\n')
}

/** `verified  3 files, 1.02 GiB in 2m5s, 8.6 MB/s`, or why the files were not verified. */
function totalsLine(o: JobOutcome): string {
  const t = exportTotals(o)
  const size = t.totalBytes === undefined ? '' : `, ${formatBytes(t.totalBytes)}`
  const took = t.durationMs === undefined ? '' : ` in ${formatElapsed(t.durationMs)}`
  const rate = t.throughputMBps === undefined ? '' : `, ${formatThroughput(t.throughputMBps)}`
  const what = `${t.files} ${t.files === 1 ? 'file' : 'files'}${size}${took}${rate}`
  if (t.verified) return `verified  ${what}`
  return `not verified  ${what}${o.unverifiedReason ? ` (${sanitizeText(o.unverifiedReason)})` : ''}`
}

/** Each warning once, however many jobs share it. */
export function distinctWarnings(outcomes: readonly JobOutcome[]): string[] {
  return [...new Set(outcomes.flatMap((o) => o.warnings))]
}
