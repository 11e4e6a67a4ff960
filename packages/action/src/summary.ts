import {
  type ExportTotals,
  exportTotals,
  formatBytes,
  formatDuration,
  type JobOutcome,
} from '@hyperctl-export/core'

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
}

const MAX_FILES_SHOWN = 20

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
      `<tr><td>${escapeHtml(o.vmPath)}</td><td><code>${escapeHtml(o.jobId)}</code>${o.attached ? ' (attached)' : ''}</td>` +
      `<td>${statusCell(o)}</td><td>${filesCell(o)}</td><td>${sizeCell(totals)}</td>` +
      `<td>${totals.durationMs === undefined ? '' : escapeHtml(formatDuration(totals.durationMs))}</td>` +
      `<td>${throughputCell(totals)}</td><td>${verifiedCell(o, totals)}</td><td>${errorCell(o)}</td></tr>`
    )
  })
  const lines = [
    `<h3>hyperctl-export: ${escapeHtml(context.status)}, ${completed} of ${outcomes.length} ${outcomes.length === 1 ? 'export' : 'exports'} completed</h3>`,
    `<p>Through ${escapeHtml(context.target)} (transport <code>${escapeHtml(context.transport)}</code>), into <code>${escapeHtml(context.outputPath)}</code> on the daemon's machine.</p>`,
    '<table>',
    '<thead><tr><th>VM</th><th>Job ID</th><th>Status</th><th>Files</th><th>Total size</th><th>Duration</th><th>Throughput</th><th>Verified</th><th>Error</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody>`,
    '</table>',
  ]
  const warnings = [...(context.notes ?? []), ...new Set(outcomes.flatMap((o) => o.warnings))]
  if (warnings.length > 0) {
    lines.push(`<p>Notes:</p><ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`)
  }
  return `${lines.join('\n')}\n`
}

/** Text as HTML: markup characters escaped, line breaks as `<br>` (a blank line would end the HTML block). */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\r\n|\r|\n/g, '<br>')
}

function statusCell(o: JobOutcome): string {
  const mark =
    o.status === 'completed' ? '✅' : o.status === 'pending' || o.status === 'running' ? '⏳' : '❌'
  const phase = o.status === 'running' && o.job?.phase ? ` (${escapeHtml(o.job.phase)})` : ''
  return `${mark} ${escapeHtml(o.status)}${phase}`
}

function sizeCell(totals: ExportTotals): string {
  const size = totals.totalBytes
  return size === undefined || size <= 0 ? '' : escapeHtml(formatBytes(size))
}

function throughputCell(totals: ExportTotals): string {
  return totals.throughputMBps === undefined ? '' : `${totals.throughputMBps.toFixed(1)} MB/s`
}

function verifiedCell(o: JobOutcome, totals: ExportTotals): string {
  if (o.verified === undefined) return ''
  if (totals.verified) return '✅ yes'
  return `no${o.unverifiedReason ? `: ${escapeHtml(o.unverifiedReason)}` : ''}`
}

/** Each file with its role and size: the descriptor first, as core orders them. */
function filesCell(o: JobOutcome): string {
  const files = o.files ?? []
  const shown = files.slice(0, MAX_FILES_SHOWN).map((f) => {
    const size = f.size === undefined ? '' : `, ${escapeHtml(formatBytes(f.size))}`
    return `<code>${escapeHtml(f.path)}</code> (${f.role}${size})`
  })
  if (files.length > MAX_FILES_SHOWN) shown.push(`and ${files.length - MAX_FILES_SHOWN} more`)
  return shown.join('<br>')
}

function errorCell(o: JobOutcome): string {
  if (!o.error || o.status === 'completed') return ''
  return `${escapeHtml(o.error.message)}<br><em>${escapeHtml(o.error.hint)}</em>`
}
