import { type ExportMethod, type JobProgress, progressOf } from './job-model.js'

/**
 * What each of hypervisord's exporters reports while it runs (hypersdk daemon/exporters/*.go), as a
 * timetable over the job's duration. Every callback replaces `progress` wholesale.
 *   web:     `{"phase":"connecting","export_method":"web"}` once, after logging in to vCenter; nothing else
 *   govc:    connecting, then one `exporting` update per output line (line as current_step, percent 0)
 *   ovftool: connecting, then `Progress: N%` lines parsed into percent_complete
 *   ctl:     `Progress: N%` lines only (no connecting callback)
 */
export interface PlanStep {
  /** Fraction of the job's duration (0 = at start, synchronously with the start). */
  at: number
  progress: JobProgress
}

export function exportPlan(method: ExportMethod, steps: number, vmName: string): PlanStep[] {
  const count = Math.max(1, Math.floor(steps))
  const lineAt = (i: number) => 0.1 + (0.8 * i) / count
  const percentAt = (i: number) => Math.round((100 * i) / count)
  const progress = (fields: Partial<JobProgress>) => progressOf({ phase: 'connecting', ...fields })
  switch (method) {
    case 'web':
      return [{ at: 0.1, progress: progress({ export_method: 'web' }) }]
    case 'govc':
      return [
        { at: 0, progress: progress({ export_method: 'govc' }) },
        ...range(count).map((i) => ({
          at: lineAt(i),
          progress: progress({
            phase: 'exporting',
            // illustrative govc output line; the daemon copies each stdout line verbatim
            current_step: `Exporting ${vmName}-disk1.vmdk... (${percentAt(i)}%)`,
            export_method: 'govc',
          }),
        })),
      ]
    case 'ovftool':
    case 'ctl':
      return [
        ...(method === 'ovftool' ? [{ at: 0, progress: progress({ export_method: 'ovftool' }) }] : []),
        ...range(count).map((i) => ({
          at: lineAt(i),
          progress: progress({
            phase: 'exporting',
            current_step: `Progress: ${percentAt(i)}%`,
            percent_complete: percentAt(i),
            export_method: method,
          }),
        })),
      ]
  }
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, k) => k + 1)
}
