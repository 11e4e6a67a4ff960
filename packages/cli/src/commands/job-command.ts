import {
  getJobByIdOrPrefix,
  HypervisordClient,
  JobNotFoundError,
  type JobProgress,
  redactSecrets,
  safeJson,
  sanitizeText,
} from '@hyperctl-export/core'
import { type CommandContext, commandDeadline, openBackend } from '../command-context.js'
import { formatElapsed } from '../progress/job-rows.js'

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
  const line = (label: string, value: string | number | undefined) =>
    value === undefined || value === '' ? [] : [`${label.padEnd(11)}${sanitizeText(String(value))}`]
  const percent = job.percent !== undefined ? `${job.percent}%` : undefined
  const lines = [
    ...line('job', job.id + (job.idTruncated ? '… (hyperctl shows only the start of the ID)' : '')),
    ...line('name', job.name),
    ...line('vm', (job.vmPathTruncated ? '…' : '') + job.vmPath),
    `${'status'.padEnd(11)}${output.out.bold(job.status)}`,
    ...line('phase', [job.phase, percent].filter(Boolean).join(' ')),
    ...line('step', progress?.currentStep),
    ...line('file', progress?.currentFile),
    ...line('remaining', progress?.estimatedRemaining),
    ...line(
      'elapsed',
      progress?.elapsedSeconds !== undefined ? formatElapsed(progress.elapsedSeconds * 1000) : undefined,
    ),
    ...line('method', job.exportMethod),
    ...line('output', job.outputPath),
    ...line('started', job.startedAt),
    ...line('completed', job.completedAt),
    ...line('updated', job.updatedAt),
  ]
  if (job.error) lines.push(`${'error'.padEnd(11)}${output.out.red(sanitizeText(job.error))}`)
  if (job.result) {
    const r = job.result
    lines.push(...line('result', r.success === false ? 'unsuccessful' : 'success'))
    lines.push(...line('result dir', r.outputDir))
    lines.push(...line('ovf', r.ovfPath))
    for (const file of r.files) lines.push(...line('file', file))
    lines.push(...line('total size', r.totalSize))
    lines.push(...line('duration', r.durationMs !== undefined ? formatElapsed(r.durationMs) : undefined))
  }
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
