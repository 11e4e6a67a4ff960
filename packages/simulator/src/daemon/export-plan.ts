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
  const connecting = {
    at: method === 'web' ? 0.1 : 0,
    progress: progressOf({ phase: 'connecting', export_method: method }),
  }
  if (method === 'web') return [connecting]
  const lines = Array.from({ length: count }, (_, k) => {
    const percent = Math.round((100 * (k + 1)) / count)
    const line: Partial<JobProgress> =
      method === 'govc'
        ? // illustrative govc output line; the daemon copies each stdout line verbatim
          { current_step: `Exporting ${vmName}-disk1.vmdk... (${percent}%)` }
        : { current_step: `Progress: ${percent}%`, percent_complete: percent }
    const progress = progressOf({ phase: 'exporting', export_method: method, ...line })
    return { at: 0.1 + (0.8 * (k + 1)) / count, progress }
  })
  return method === 'ctl' ? lines : [connecting, ...lines]
}
