import { type JobInfo, redactSecrets, sanitizeText } from '@hyperctl-export/core'
import { type CommandContext, commandDeadline, openBackend } from '../command-context.js'
import { colourStatus } from '../progress/job-rows.js'
import { textTable } from '../text-table.js'

/** `jobs [--status …]`: every job on the daemon, or those with the given statuses. */
export async function runJobs(ctx: CommandContext): Promise<number> {
  const { backend } = await openBackend(ctx, false)
  const deadline = commandDeadline(ctx)
  const filter = ctx.settings.statusFilter
  const jobs = await backend.queryJobs(filter ? { status: filter } : { all: true }, deadline.call())
  // why: the daemon lists jobs in random order (Go map iteration); a stable order is easier to read and diff
  const sorted = [...jobs].sort(
    (a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.id.localeCompare(b.id),
  )
  const { output } = ctx
  if (output.json) {
    output.document({ jobs: sorted.map((job) => redactSecrets(job)) })
    return 0
  }
  if (ctx.settings.global.quiet) {
    // why: IDs only, one per line, like `docker ps -q`: what scripts and shell completion read
    for (const job of sorted) if (!job.idTruncated) output.result(sanitizeText(job.id))
    return 0
  }
  if (sorted.length === 0) {
    output.info(filter ? `no job is ${filter.join(' or ')}` : 'the daemon has no job')
    return 0
  }
  const rows = sorted.map((job) => [
    sanitizeText(job.id) + (job.idTruncated ? '…' : ''),
    job.status,
    progressCell(job),
    sanitizeText(job.startedAt ?? ''),
    sanitizeText(job.name),
    (job.vmPathTruncated ? '…' : '') + sanitizeText(job.vmPath),
  ])
  let table = textTable(['ID', 'STATUS', 'PHASE', 'STARTED', 'NAME', 'VM'], rows)
  if (output.out.enabled) {
    // why: colour is added after the layout, which counts cells of plain text
    table = table
      .split('\n')
      .map((line, i) => (i === 0 ? output.out.bold(line) : colourStatusCell(line, sorted[i - 1]!, output)))
      .join('\n')
  }
  output.result(table)
  return 0
}

function progressCell(job: JobInfo): string {
  const phase = job.phase ? sanitizeText(job.phase) : ''
  const percent = job.percent !== undefined && job.percent > 0 ? ` ${job.percent.toFixed(0)}%` : ''
  return phase + percent
}

function colourStatusCell(line: string, job: JobInfo, output: CommandContext['output']): string {
  const at = line.indexOf(`  ${job.status}`)
  if (at < 0) return line
  const start = at + 2
  return line.slice(0, start) + colourStatus(job.status, output.out) + line.slice(start + job.status.length)
}
