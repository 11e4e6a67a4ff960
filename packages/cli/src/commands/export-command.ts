import { exportVms, type JobOutcome } from '@hyperctl-export/core'
import { type CommandContext, createProgressView, openBackend, passwordPrompt } from '../command-context.js'
import { buildJobs } from '../job-input.js'
import {
  distinctWarnings,
  exitCodeForOutcomes,
  outcomeJson,
  outcomeSummary,
  runJson,
} from '../outcome-report.js'

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
      ...(global.timeoutMs ? { timeoutMs: global.timeoutMs } : {}),
      onSubmitted: (accepted) => view?.submitted(accepted),
      onProgress: (update) => view?.update(update),
    })
  } finally {
    // why: also when the submit fails, so a terminal gets its cursor back before the error
    view?.finish(outcomes)
  }
  for (const warning of distinctWarnings(outcomes)) output.warn(warning)
  report(ctx, outcomes, wait)
  if (ctx.signal.aborted) return 130
  return exitCodeForOutcomes(outcomes, wait ? ['completed'] : ['pending', 'running', 'completed'])
}

/** Shared by export, submit and wait. */
export function report(ctx: CommandContext, outcomes: readonly JobOutcome[], waited: boolean): void {
  const { output } = ctx
  if (output.json) {
    output.document(waited ? runJson(outcomes) : { jobs: outcomes.map(outcomeJson) })
    return
  }
  if (!waited) {
    // why: one ID per line on stdout, so `id=$(hyperctl-export submit …)` works; the rest goes to stderr
    for (const o of outcomes) {
      if (o.status === 'pending' || o.status === 'running' || o.status === 'completed') output.result(o.jobId)
    }
    const failed = outcomes.filter((o) => o.error)
    if (failed.length > 0) output.writeErr(`${outcomeSummary(failed, output.err)}\n`)
    return
  }
  output.result(outcomeSummary(outcomes, output.out))
}
