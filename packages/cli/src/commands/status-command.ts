import { sanitizeText } from '@hyperctl-export/core'
import { type CommandContext, commandDeadline, openBackend } from '../command-context.js'
import { labelledLines } from '../text-table.js'
import { uptimeText } from './doctor-command.js'

/** `status`: the daemon's version, uptime and job counts. */
export async function runStatus(ctx: CommandContext): Promise<number> {
  const { backend, transport } = await openBackend(ctx, false)
  const deadline = commandDeadline(ctx)
  const status = await backend.checkDaemonStatus(deadline.call())
  const { output } = ctx
  if (output.json) {
    output.document({ ...status, transport })
    return 0
  }
  const pending =
    status.totalJobs -
    status.runningJobs -
    status.completedJobs -
    status.failedJobs -
    (status.cancelledJobs ?? 0)
  const counts = [
    `${status.runningJobs} running`,
    `${status.completedJobs} completed`,
    `${status.failedJobs} failed`,
    ...(status.cancelledJobs !== undefined ? [`${status.cancelledJobs} cancelled`] : []),
    ...(status.cancelledJobs !== undefined && pending > 0 ? [`${pending} pending`] : []),
  ]
  output.result(
    labelledLines([
      ['daemon', `hypervisord ${sanitizeText(status.version)} at ${sanitizeText(status.url)}`],
      ['via', sanitizeText(backend.target)],
      // why: the daemon sends Go's duration text (23.399311212s); a person reads 23s
      ['uptime', sanitizeText(uptimeText(status.uptime))],
      ['jobs', `${status.totalJobs} total: ${counts.join(', ')}`],
    ]).join('\n'),
  )
  return 0
}
