import {
  type ExportTotals,
  exportTotals,
  formatBytes,
  formatDuration,
  formatThroughput,
  hintIn,
  type JobOutcome,
  sanitizeHtml,
} from '@hyperctl-export/core'
import { ACTION_WORDS } from './hint-words.js'

export { formatBytes }

import type { OverallStatus } from './outputs.js'

export interface SummaryContext {
  outcomes: readonly JobOutcome[]
  status: OverallStatus
  /** Where the jobs went, e.g. `hyperctl (/usr/bin/hyperctl) → http://localhost:8080`. */
  target: string
  transport: string
  outputPath: string
  /** Warnings and notes that apply to the whole step. */
  notes?: readonly string[]
  /** Where every job is listed when the table cannot show them all: the `result-file` path, if any. */
  resultFile?: string
}

const MAX_FILES_SHOWN = 20
// why: GitHub refuses a step summary over 1 MiB; rows stop well before, leaving room for the rest
export const MAX_SUMMARY_BYTES = 1024 * 1024
const MAX_ROWS = 1_000
const ROWS_BUDGET_BYTES = 700 * 1024
const MAX_NOTES = 50
const MAX_CELL_CHARS = 2_000

/**
 * The step summary: a heading with the overall result and a table with a row per job (VM, job ID, status,
 * duration, size, files, error). Every text from the inputs or the daemon is HTML-escaped; the table has no
 * blank line, so Markdown never starts inside it.
 */
export function renderSummary(context: SummaryContext): string {
  const { outcomes } = context
  const completed = outcomes.filter((o) => o.status === 'completed').length
  const rows = outcomes.map((o) => {
    const totals = exportTotals(o)
    return (
      `<tr><td>${sanitizeHtml(o.vmPath)}</td><td><code>${sanitizeHtml(o.jobId)}</code>${o.attached ? ' (attached)' : ''}</td>` +
      `<td>${statusCell(o)}</td><td>${filesCell(o)}</td><td>${sizeCell(totals)}</td>` +
      `<td>${totals.durationMs === undefined ? '' : sanitizeHtml(formatDuration(totals.durationMs))}</td>` +
      `<td>${throughputCell(totals)}</td><td>${verifiedCell(o, totals)}</td><td>${errorCell(o)}</td></tr>`
    )
  })
  const { shown, hidden } = rowsThatFit(outcomes, rows)
  const lines = [
    `<h3>hyperctl-export: ${sanitizeHtml(context.status)}, ${completed} of ${outcomes.length} ${outcomes.length === 1 ? 'export' : 'exports'} completed</h3>`,
    `<p>Through ${sanitizeHtml(context.target)} (transport <code>${sanitizeHtml(context.transport)}</code>), into <code>${sanitizeHtml(context.outputPath)}</code> on the daemon's machine.</p>`,
    '<table>',
    '<thead><tr><th>VM</th><th>Job ID</th><th>Status</th><th>Files</th><th>Total size</th><th>Duration</th><th>Throughput</th><th>Verified</th><th>Error</th></tr></thead>',
    `<tbody>${shown.map((i) => rows[i]).join('')}</tbody>`,
    '</table>',
  ]
  if (hidden.length > 0) {
    lines.push(
      hiddenNote(
        hidden.map((i) => outcomes[i]!.status),
        context.resultFile,
      ),
    )
  }
  const warnings = [...(context.notes ?? []), ...new Set(outcomes.flatMap((o) => o.warnings))]
  if (warnings.length > 0) {
    const listed = warnings.slice(0, MAX_NOTES).map((w) => `<li>${clipped(w)}</li>`)
    if (warnings.length > MAX_NOTES) listed.push(`<li>and ${warnings.length - MAX_NOTES} more</li>`)
    lines.push(`<p>Notes:</p><ul>${listed.join('')}</ul>`)
  }
  return `${lines.join('\n')}\n`
}

/**
 * The summary of a step that ended before any job had an outcome: one line saying what was wrong (an
 * input error names the input, as `input output-path is required`).
 */
export function renderFailureSummary(error: unknown, beforeStart: boolean): string {
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error)
  const what = beforeStart ? 'did not start' : 'failed'
  return `<p><strong>hyperctl-export ${what}:</strong> ${sanitizeHtml(message)}</p>\n`
}

function statusCell(o: JobOutcome): string {
  const mark =
    o.status === 'completed' ? '✅' : o.status === 'pending' || o.status === 'running' ? '⏳' : '❌'
  const phase = o.status === 'running' && o.job?.phase ? ` (${sanitizeHtml(o.job.phase)})` : ''
  return `${mark} ${sanitizeHtml(o.status)}${phase}`
}

function sizeCell(totals: ExportTotals): string {
  const size = totals.totalBytes
  return size === undefined || size <= 0 ? '' : sanitizeHtml(formatBytes(size))
}

function throughputCell(totals: ExportTotals): string {
  return totals.throughputMBps === undefined ? '' : formatThroughput(totals.throughputMBps)
}

function verifiedCell(o: JobOutcome, totals: ExportTotals): string {
  if (o.verified === undefined) return ''
  if (totals.verified) return '✅ yes'
  return `no${o.unverifiedReason ? `: ${sanitizeHtml(o.unverifiedReason)}` : ''}`
}

/** Each file with its role and size: the descriptor first, as core orders them. */
function filesCell(o: JobOutcome): string {
  const files = o.files ?? []
  const shown = files.slice(0, MAX_FILES_SHOWN).map((f) => {
    const size = f.size === undefined ? '' : `, ${sanitizeHtml(formatBytes(f.size))}`
    return `<code>${sanitizeHtml(f.path)}</code> (${f.role}${size})`
  })
  if (files.length > MAX_FILES_SHOWN) shown.push(`and ${files.length - MAX_FILES_SHOWN} more`)
  return shown.join('<br>')
}

function errorCell(o: JobOutcome): string {
  if (!o.error || o.status === 'completed') return ''
  return `${clipped(o.error.message)}<br><em>${clipped(hintIn(o.error, ACTION_WORDS))}</em>`
}

function hiddenNote(hidden: readonly string[], resultFile: string | undefined): string {
  const counts = new Map<string, number>()
  for (const status of hidden) counts.set(status, (counts.get(status) ?? 0) + 1)
  const byStatus = [...counts].map(([status, n]) => `${n} ${sanitizeHtml(status)}`).join(', ')
  const where = resultFile
    ? `in the file <code>${sanitizeHtml(resultFile)}</code> (output <code>result-file</code>)`
    : 'in the <code>result</code> output'
  return `<p>${hidden.length} more ${hidden.length === 1 ? 'job is' : 'jobs are'} not shown in this table (${byStatus}); every job is listed ${where}.</p>`
}

function clipped(text: string): string {
  return sanitizeHtml(text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS)}… (cut)` : text)
}

/**
 * Which rows the table shows (indexes in input order): at most MAX_ROWS within ROWS_BUDGET_BYTES, jobs that
 * did not complete first, so a failure among thousands of exports is never the row left out.
 */
function rowsThatFit(
  outcomes: readonly JobOutcome[],
  rows: readonly string[],
): { shown: number[]; hidden: number[] } {
  const byConcern = outcomes
    .map((o, i) => ({ i, completed: o.status === 'completed' }))
    .sort((a, b) => Number(a.completed) - Number(b.completed) || a.i - b.i)
  const shown: number[] = []
  const hidden: number[] = []
  let bytes = 0
  for (const { i } of byConcern) {
    const size = Buffer.byteLength(rows[i] ?? '', 'utf8')
    if (shown.length < MAX_ROWS && bytes + size <= ROWS_BUDGET_BYTES) {
      shown.push(i)
      bytes += size
    } else {
      hidden.push(i)
    }
  }
  return { shown: shown.sort((a, b) => a - b), hidden }
}
