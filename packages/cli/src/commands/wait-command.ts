import { type JobOutcome, processStartedAt, settleJobs } from '@hyperctl-export/core'
import { type CommandContext, createProgressView, openBackend } from '../command-context.js'
import { distinctWarnings } from '../outcome-report.js'
import { report } from './export-command.js'

/** `wait <id...>`: watches jobs already on the daemon to their end. */
export async function runWait(ctx: CommandContext): Promise<number> {
  const { global } = ctx.settings
  const ids = [...new Set(ctx.args)]
  const { backend } = await openBackend(ctx, true)
  const view = createProgressView(ctx)
  let outcomes: JobOutcome[] = []
  try {
    outcomes = await settleJobs(backend, ids, {
      signal: ctx.signal,
      cancelOnAbort: global.cancelOnInterrupt,
      verify: global.verify,
      checksumsFile: global.checksumsFile,
      ...(global.pollIntervalMs ? { pollIntervalMs: global.pollIntervalMs } : {}),
      ...(global.timeoutMs ? { timeoutMs: global.timeoutMs, startedAt: processStartedAt() } : {}),
      onProgress: (update) => view?.update(update),
    })
  } finally {
    view?.finish(outcomes)
  }
  for (const warning of distinctWarnings(outcomes)) ctx.output.warn(warning)
  return report(ctx, outcomes, true)
}
