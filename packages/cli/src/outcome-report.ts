import type { JobOutcome, Verdict } from '@hyperctl-export/core'
import { colourStatus, formatElapsed, jobLabel } from './progress/job-rows.js'
import type { Style } from './style.js'
import { neutralise } from './terminal-text.js'

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
      o.exportMethod && o.status === 'completed' ? ` (${neutralise(String(o.exportMethod))})` : ''
    lines.push(
      `${style.bold(jobLabel(o))}  ${colourStatus(o.status, style)}${took}${method}  job ${neutralise(o.jobId)}`,
    )
    if (o.vmPath) lines.push(`  vm      ${neutralise(o.vmPath)}`)
    const result = o.result
    if (result) {
      if (result.outputDir) lines.push(`  output  ${neutralise(result.outputDir)}`)
      for (const file of result.files) lines.push(`  file    ${neutralise(file)}`)
      if (result.files.length === 0) lines.push('  file    (the daemon listed no files)')
    }
    if (o.error) {
      lines.push(`  ${style.red('error')}   ${neutralise(o.error.message)}`)
      lines.push(`  ${style.dim('hint')}    ${neutralise(o.error.hint)}`)
    }
  }
  return lines.join('\n')
}

/** Each warning once, however many jobs share it. */
export function distinctWarnings(outcomes: readonly JobOutcome[]): string[] {
  return [...new Set(outcomes.flatMap((o) => o.warnings))]
}
