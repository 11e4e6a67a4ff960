import { exportVms, type JobOutcome, processStartedAt, runJson, runVerdict } from '@hyperctl-export/core'
import { type CommandContext, createProgressView, openBackend, passwordPrompt } from '../command-context.js'
import { buildJobs } from '../job-input.js'
import { distinctWarnings, EXIT_CODE_FOR_VERDICT, outcomeSummary } from '../outcome-report.js'

/** `export` (submit and wait) and `submit` (submit only, print the IDs). */
export async function runExport(ctx: CommandContext, wait: boolean): Promise<number> {
  const { output, settings } = ctx
  const { global } = settings
  const input = await buildJobs(ctx.args, settings.job, {
    env: ctx.io.env,
    cwd: ctx.io.cwd,
    stdin: ctx.io.stdin,
    askPassword: passwordPrompt(ctx),
    addSecret: (secret) => output.addSecret(secret),
    sources: settings.given.sources,
  })
  for (const notice of input.notices) output.info(`note: ${notice}`)
  for (const warning of input.warnings) output.warn(warning)

  const { backend } = await openBackend(ctx, wait)
  const view = wait ? createProgressView(ctx) : undefined
  let outcomes: JobOutcome[] = []
  try {
    outcomes = await exportVms(backend, input.jobs, {
      wait,
      signal: ctx.signal,
      cancelOnAbort: global.cancelOnInterrupt,
      verify: global.verify,
      checksumsFile: global.checksumsFile,
      ...(global.idempotencyKey ? { idempotencyKey: global.idempotencyKey } : {}),
      ...(global.maxConcurrent ? { maxConcurrent: global.maxConcurrent } : {}),
      ...(global.failFast ? { failFast: true } : {}),
      ...(global.pollIntervalMs ? { pollIntervalMs: global.pollIntervalMs } : {}),
      ...(global.timeoutMs ? { timeoutMs: global.timeoutMs, startedAt: processStartedAt() } : {}),
      onSubmitted: (accepted) => view?.submitted(accepted),
      onProgress: (update) => view?.update(update),
    })
  } finally {
    // why: also when the submit fails, so a terminal gets its cursor back before the error
    view?.finish(outcomes)
  }
  for (const warning of distinctWarnings(outcomes)) output.warn(warning)
  return report(ctx, outcomes, wait)
}

/** Shared by export, submit and wait: prints the outcomes and returns the exit code of their verdict. */
export function report(ctx: CommandContext, outcomes: readonly JobOutcome[], waited: boolean): number {
  const { output } = ctx
  const context = { waited, interrupted: ctx.signal.aborted }
  const code = EXIT_CODE_FOR_VERDICT[runVerdict(outcomes, context)]
  if (output.json) {
    output.document(runJson(outcomes, context))
    return code
  }
  if (!waited) {
    // why: one ID per line on stdout, so `id=$(hyperctl-export submit …)` works; the rest goes to stderr
    for (const o of outcomes) {
      if (o.status === 'pending' || o.status === 'running' || o.status === 'completed') output.result(o.jobId)
    }
    const failed = outcomes.filter((o) => o.error)
    if (failed.length > 0) output.writeErr(`${outcomeSummary(failed, output.err)}\n`)
    return code
  }
  output.result(outcomeSummary(outcomes, output.out))
  return code
}
