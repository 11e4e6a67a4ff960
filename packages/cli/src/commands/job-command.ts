import {
  formatBytes,
  formatDuration,
  getJobByIdOrPrefix,
  HypervisordClient,
  isTerminal,
  JobNotFoundError,
  type JobProgress,
  parseGoDuration,
  redactSecrets,
  safeJson,
  sanitizeText,
} from '@hyperctl-export/core'
import { type CommandContext, commandDeadline, openBackend } from '../command-context.js'
import { formatElapsed } from '../progress/job-rows.js'
import { labelledLines } from '../text-table.js'

/** `job <id>`: one job in full. The definition comes with every secret redacted. */
export async function runJob(ctx: CommandContext): Promise<number> {
  const { backend } = await openBackend(ctx, false)
  const deadline = commandDeadline(ctx)
  const job = redactSecrets(await getJobByIdOrPrefix(backend, ctx.args[0]!, deadline.call()))
  const id = job.id
  let progress: JobProgress | undefined
  if (backend instanceof HypervisordClient) {
    // why: the progress route adds the current step, counters and rate; a job that vanished in between is no error
    progress = await backend.getProgress(id, deadline.call()).catch((error: unknown) => {
      if (error instanceof JobNotFoundError) return undefined
      throw error
    })
  }
  const { output } = ctx
  if (output.json) {
    output.document({ job: { ...job, ...(progress ? { progress: redactSecrets(progress) } : {}) } })
    return 0
  }
  const rows: [string, string][] = []
  const line = (label: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') rows.push([label, sanitizeText(String(value))])
  }
  const finished = isTerminal(job.status)
  line('job', job.id + (job.idTruncated ? '… (hyperctl shows only the start of the ID)' : ''))
  line('name', job.name)
  line('vm', (job.vmPathTruncated ? '…' : '') + job.vmPath)
  rows.push(['status', output.out.bold(job.status)])
  // why: the daemon keeps the exporter's last phase after the end (a finished web export still says
  // "connecting 0%"), which would only mislead, as in the live rows
  if (!finished)
    line('phase', [job.phase, job.percent !== undefined ? `${job.percent}%` : ''].filter(Boolean).join(' '))
  line('step', progress?.currentStep)
  line('file', progress?.currentFile)
  line('remaining', readable(progress?.estimatedRemaining))
  if (!finished && progress?.elapsedSeconds !== undefined)
    line('elapsed', formatElapsed(progress.elapsedSeconds * 1000))
  line('method', job.exportMethod)
  line('output', job.outputPath)
  line('started', job.startedAt)
  line('completed', job.completedAt)
  line('updated', job.updatedAt)
  line('took', finished ? took(job.startedAt, job.completedAt, job.result?.durationMs) : undefined)
  if (job.error) rows.push(['error', output.out.red(sanitizeText(job.error))])
  if (job.result) {
    const r = job.result
    line('result', r.success === false ? 'unsuccessful' : 'success')
    line('result dir', r.outputDir)
    line('ovf', r.ovfPath)
    for (const file of r.files) line('file', file)
    line('total size', r.totalSize !== undefined ? formatBytes(r.totalSize) : undefined)
  }
  const lines = labelledLines(rows)
  if (job.definition) {
    lines.push('definition (secrets redacted)')
    lines.push(
      ...safeJson(job.definition, 2)
        .split('\n')
        .map((l) => `  ${l}`),
    )
  } else {
    lines.push(
      `definition not shown: ${job.source === 'cli' ? 'hyperctl does not print it; use --transport api' : 'not given'}`,
    )
  }
  output.result(lines.join('\n'))
  return 0
}

/** How long the export ran by the daemon's own start and end times (the ones printed above it). */
function took(startedAt?: string, completedAt?: string, resultMs?: number): string | undefined {
  const ms = Date.parse(completedAt ?? '') - Date.parse(startedAt ?? '')
  if (Number.isFinite(ms) && ms >= 0) return formatElapsed(ms)
  return resultMs !== undefined ? formatElapsed(resultMs) : undefined
}

/** The daemon's Go duration text (`1m23.5s`) the way every duration here is written; other text as it came. */
function readable(text: string | undefined): string | undefined {
  const ms = text === undefined ? undefined : parseGoDuration(text)
  return ms === undefined ? text : formatDuration(ms)
}
