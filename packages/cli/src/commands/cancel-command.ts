import { resolveJobIds, sanitizeText } from '@hyperctl-export/core'
import { type CommandContext, commandDeadline, openBackend } from '../command-context.js'

/** `cancel <id...>`. hypervisord only labels a job cancelled; the export itself goes on (docs/hyperctl.md#cancel-is-a-label). */
export async function runCancel(ctx: CommandContext): Promise<number> {
  const { backend } = await openBackend(ctx, false)
  const deadline = commandDeadline(ctx)
  const ids = [...new Set(await resolveJobIds(backend, ctx.args, deadline.call()))]
  const result = await backend.cancelJobs(ids, deadline.call())
  const { output } = ctx
  if (output.json) {
    output.document(result)
  } else {
    for (const id of result.cancelled) output.result(`cancelled ${sanitizeText(id)}`)
    for (const f of result.failed) {
      output.writeErr(`${output.err.red('not cancelled')} ${sanitizeText(f.id)}: ${sanitizeText(f.error)}\n`)
    }
  }
  if (result.cancelled.length > 0) {
    output.info(
      'note: hypervisord only labels a job cancelled; an export already running goes on writing files, and its end may overwrite the label',
    )
  }
  return result.failed.length > 0 ? 1 : 0
}
