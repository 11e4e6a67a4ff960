import {
  exitCodeFor,
  type JobOutcome,
  type OutcomeStatus,
  redactSecrets,
  sanitizeText,
} from '@hyperctl-export/core'
import { colourStatus, formatElapsed, jobLabel } from './progress/job-rows.js'
import type { Style } from './style.js'

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
      o.exportMethod && o.status === 'completed' ? ` (${sanitizeText(String(o.exportMethod))})` : ''
    lines.push(
      `${style.bold(jobLabel(o))}  ${colourStatus(o.status, style)}${took}${method}  job ${sanitizeText(o.jobId)}`,
    )
    if (o.vmPath) lines.push(`  vm      ${sanitizeText(o.vmPath)}`)
    const result = o.result
    if (result) {
      if (result.outputDir) lines.push(`  output  ${sanitizeText(result.outputDir)}`)
      for (const file of result.files) lines.push(`  file    ${sanitizeText(file)}`)
      if (result.files.length === 0) lines.push('  file    (the daemon listed no files)')
    }
    if (o.error) {
      lines.push(`  ${style.red('error')}   ${sanitizeText(o.error.message)}`)
      lines.push(`  ${style.dim('hint')}    ${sanitizeText(o.error.hint)}`)
    }
  }
  return lines.join('\n')
}

/** Each warning once, however many jobs share it. */
export function distinctWarnings(outcomes: readonly JobOutcome[]): string[] {
  return [...new Set(outcomes.flatMap((o) => o.warnings))]
}
