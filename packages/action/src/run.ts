import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type BackendChoice,
  HyperctlError,
  hintIn,
  isSettled,
  isSuccessful,
  type JobOutcome,
  processStartedAt,
  sanitizeText,
} from '@hyperctl-export/core'
import { type ActionEnv, realActionEnv } from './action-env.js'
import { ACTION_WORDS } from './hint-words.js'
import { type ActionInputs, readInputs } from './inputs.js'
import { fitOutputs } from './output-limits.js'
import { computeOutputs, type OverallStatus, submittedJobIds } from './outputs.js'
import { label, ProgressLog } from './progress.js'
import { STATE, TEMP_DIR_PREFIX } from './state.js'
import { renderFailureSummary, renderSummary } from './summary.js'
import { onTermination } from './termination.js'

const MAX_ANNOTATIONS = 10

export interface RunOptions {
  /** Relative paths in the inputs are resolved against this; default the process's (the workspace). */
  cwd?: string
  now?: () => number
  /** Ends the process at once; used when a second signal leaves no time to finish normally. */
  exit?: (code: number) => void
  signals?: Pick<NodeJS.Process, 'on' | 'off'>
}

/** The action's main step: inputs → core's exportVms → outputs, summary and the step's result. */
export async function run(env: ActionEnv = realActionEnv(), options: RunOptions = {}): Promise<void> {
  const step = new ExportStep(env, options)
  const stopListening = onTermination((signal, count) => step.interrupt(signal, count), options.signals)
  try {
    await step.run()
  } finally {
    stopListening()
  }
}

class ExportStep {
  readonly #env: ActionEnv
  readonly #options: RunOptions
  readonly #now: () => number
  readonly #stop = new AbortController()
  readonly #startedAt: number
  /** When the daemon first accepted a job, and when the wait ended: `duration-seconds` runs between them. */
  #firstAcceptedAt: number | undefined
  #waitEndedAt: number | undefined
  readonly #accepted = new Map<string, JobOutcome>()
  readonly #warned = new Set<string>()
  #inputs: ActionInputs | undefined
  #choice: BackendChoice | undefined
  #latest: readonly JobOutcome[] = []
  #done = false

  constructor(env: ActionEnv, options: RunOptions) {
    this.#env = env
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#startedAt = this.#now()
  }

  async run(): Promise<void> {
    const env = this.#env
    try {
      const inputs = await readInputs({
        getInput: (name) => env.getInput(name),
        env: env.env,
        addSecret: (value) => env.addSecret(value),
        cwd: this.#options.cwd ?? process.cwd(),
      })
      this.#inputs = inputs
      for (const notice of inputs.notices) env.notice(notice)
      for (const warning of inputs.warnings) this.#warn(warning)

      // why: hyperctl's job files (they hold the vCenter password) go into a directory post removes,
      // even when this process is killed before the runner's own clean-up
      const { createBackend, describeTransportEvent, exportVms } = await import('./pipeline.js')
      const tempDir = await mkdtemp(join(env.env.RUNNER_TEMP || tmpdir(), TEMP_DIR_PREFIX))
      env.saveState(STATE.tempDir, tempDir)
      const choice = await createBackend({
        ...inputs.backend,
        tempDir,
        // why: each daemon request and hyperctl run, when the workflow is re-run with debug logging
        ...(env.env.RUNNER_DEBUG === '1'
          ? { onEvent: (event) => env.debug(describeTransportEvent(event)) }
          : {}),
      })
      this.#choice = choice
      env.saveState(STATE.transport, choice.transport)
      env.saveState(STATE.daemonUrl, choice.daemonUrl)
      env.info(`Transport ${choice.transport} (${choice.backend.target}): ${choice.reason}`)

      const count = inputs.jobs.length
      env.startGroup(`Exporting ${count} ${count === 1 ? 'VM' : 'VMs'} through ${choice.backend.target}`)
      const progress = new ProgressLog((line) => env.info(line))
      let outcomes: JobOutcome[]
      try {
        outcomes = await exportVms(choice.backend, inputs.jobs, {
          ...inputs.run,
          // why: the step's timeout bounds the whole step, Node's start and the loading of the bundle included
          startedAt: processStartedAt(),
          signal: this.#stop.signal,
          onSubmitted: (accepted) => {
            this.#submitted(accepted)
            progress.submitted(accepted, this.#now() - this.#startedAt)
          },
          onProgress: (update) => {
            this.#latest = update.outcomes
            progress.update(update)
          },
        })
      } finally {
        this.#waitEndedAt = this.#now()
        env.endGroup()
      }
      if (!this.#done) await this.#finish(outcomes)
    } catch (error) {
      if (!this.#done) await this.#fail(error)
    }
  }

  /** First signal: stop waiting (core cancels the jobs when asked). Second: publish what is known, exit. */
  interrupt(signal: string, count: number): void {
    if (this.#done) return
    if (count === 1) {
      const cancel = this.#inputs?.run.cancelOnAbort !== false && this.#inputs?.run.wait !== false
      this.#env.info(
        `Received ${signal}: stopping the wait${cancel ? ' and cancelling the unfinished jobs' : ''}`,
      )
      this.#stop.abort()
      return
    }
    this.#hurry(signal)
  }

  #submitted(accepted: readonly JobOutcome[]): void {
    this.#firstAcceptedAt ??= this.#now()
    for (const o of accepted) this.#accepted.set(o.jobId, o)
    const ids = [...this.#accepted.keys()]
    // why: published before any waiting, so the IDs survive a later failure, timeout or cancellation
    this.#env.setOutput('job-id', ids[0] ?? '')
    this.#env.setOutput('job-ids', JSON.stringify(ids))
    if (this.#inputs?.run.cancelOnAbort && this.#inputs.run.wait) {
      this.#env.saveState(STATE.unfinished, JSON.stringify(ids))
    }
    for (const o of accepted) for (const warning of o.warnings) this.#warn(warning)
  }

  async #finish(outcomes: JobOutcome[]): Promise<void> {
    this.#done = true
    const env = this.#env
    const inputs = this.#inputs!
    const interrupted = this.#stop.signal.aborted
    for (const o of outcomes) {
      for (const warning of o.warnings) this.#warn(warning)
      env.info(`${label(o)}: ${resultLine(o)}`)
    }
    const aborted = outcomes.filter((o) => o.status === 'aborted').map((o) => o.jobId)
    // why: post cancels only what this step could not: jobs it stopped watching and did not cancel itself;
    // jobs left on purpose stay untouched
    const uncancelled = outcomes
      .filter((o) => o.status === 'aborted' && !o.cancelledByRun)
      .map((o) => o.jobId)
    env.saveState(STATE.unfinished, JSON.stringify(inputs.run.cancelOnAbort ? uncancelled : []))
    const outputs = this.#publish(outcomes, interrupted)
    await this.#summary(outcomes, outputs.status as OverallStatus, outputs['result-file'])

    const unsuccessful = outcomes.filter((o) => !isSuccessful(o.status, inputs.run.wait))
    if (interrupted) {
      this.#failStep(
        `The step was cancelled while waiting for ${aborted.length} job(s)${
          inputs.run.cancelOnAbort && aborted.length > 0
            ? '; they were cancelled on the daemon (hypervisord only labels them cancelled, a running export goes on)'
            : ''
        }`,
        130,
      )
    } else if (unsuccessful.length === 1) {
      this.#failStep(failureText(unsuccessful[0]!))
    } else if (unsuccessful.length > 1) {
      // why: the runner shows at most 10 error annotations per step; the rest would only be noise
      for (const o of unsuccessful.slice(0, MAX_ANNOTATIONS)) {
        env.error(failureText(o), `${o.vmPath || o.jobId}: ${o.status}`)
      }
      const counts = countBy(unsuccessful.map((o) => o.status))
      this.#failStep(`${unsuccessful.length} of ${outcomes.length} exports did not complete (${counts})`)
    }
  }

  #publish(outcomes: readonly JobOutcome[], interrupted: boolean): Record<string, string> {
    const inputs = this.#inputs!
    const outputs = computeOutputs({
      outcomes,
      waited: inputs.run.wait,
      interrupted,
      transport: this.#choice!.transport,
      outputPath: inputs.outputPath,
      durationMs:
        this.#firstAcceptedAt === undefined ? 0 : (this.#waitEndedAt ?? this.#now()) - this.#firstAcceptedAt,
      exportMethod: inputs.jobs[0]?.exportMethod ?? 'web',
    })
    const fitted = fitOutputs(outputs, this.#env.env.RUNNER_TEMP || tmpdir())
    for (const [name, value] of Object.entries(fitted)) this.#env.setOutput(name, value)
    return fitted
  }

  async #summary(
    outcomes: readonly JobOutcome[],
    status: OverallStatus,
    resultFile: string | undefined,
  ): Promise<void> {
    await this.#writeSummary(
      renderSummary({
        outcomes,
        status,
        target: this.#choice!.backend.target,
        transport: this.#choice!.transport,
        outputPath: this.#inputs!.outputPath,
        ...(resultFile ? { resultFile } : {}),
      }),
    )
  }

  async #writeSummary(html: string): Promise<void> {
    try {
      await this.#env.writeSummary(html)
    } catch (error) {
      this.#env.warning(`The step summary could not be written: ${(error as Error).message}`)
    }
  }

  /** The second signal: the runner kills the process 2.5 s later, so publish what is known now. */
  #hurry(signal: string): void {
    this.#done = true
    const env = this.#env
    const known = this.#latest.length > 0 ? this.#latest : [...this.#accepted.values()]
    const submitted = new Set(submittedJobIds(known))
    const left = known.filter((o) => submitted.has(o.jobId) && !isSettled(o.status)).map((o) => o.jobId)
    const cancel = this.#inputs?.run.cancelOnAbort !== false
    env.saveState(STATE.unfinished, JSON.stringify(cancel ? left : []))
    if (this.#inputs && this.#choice && known.length > 0) this.#publish(known, true)
    else env.setOutput('status', 'cancelled')
    this.#failStep(
      `Received ${signal} before the jobs were settled; ${
        cancel && left.length > 0
          ? `the post step cancels job(s) ${left.join(', ')}`
          : 'nothing is left to cancel'
      }`,
      130,
    )
    this.#options.exit?.(130)
  }

  async #fail(error: unknown): Promise<void> {
    this.#done = true
    if (this.#inputs && this.#choice) this.#env.setOutput('transport', this.#choice.transport)
    this.#env.setOutput('status', this.#stop.signal.aborted ? 'cancelled' : 'failed')
    this.#failStep(errorText(error), error instanceof HyperctlError && error.kind === 'aborted' ? 130 : 1)
    // why: a step that failed on its inputs (or before any job) still says why on the run's summary page
    await this.#writeSummary(renderFailureSummary(error, this.#inputs === undefined))
  }

  #failStep(text: string, exitCode = 1): void {
    this.#env.setFailed(text)
    process.exitCode = exitCode
  }

  #warn(text: string): void {
    if (this.#warned.has(text)) return
    this.#warned.add(text)
    this.#env.warning(text)
  }
}

// why: file names and error texts come from the daemon; escape sequences in them must not act on the log
function resultLine(o: JobOutcome): string {
  if (o.status === 'completed') {
    const files = (o.files ?? []).map((f) => f.path)
    const verified = o.verified ? ', verified' : ''
    return `completed${verified}${files.length > 0 ? `: ${files.map((f) => sanitizeText(f)).join(', ')}` : ''}`
  }
  return o.error ? `${o.status}: ${sanitizeText(o.error.message)}` : o.status
}

/** What happened and what to do, for the failed step and its annotation. */
export function failureText(o: JobOutcome): string {
  const what = o.error?.message === undefined ? `the job ended ${o.status}` : sanitizeText(o.error.message)
  const hint = o.error ? `\n${hintIn(o.error, ACTION_WORDS)}` : ''
  return `${o.vmPath || o.jobId}: ${what}${hint}`
}

export function errorText(error: unknown): string {
  if (error instanceof HyperctlError) return `${error.message}\n${hintIn(error, ACTION_WORDS)}`
  if (error instanceof Error) return `Unexpected error: ${error.message}`
  return `Unexpected error: ${String(error)}`
}

function countBy(values: readonly string[]): string {
  const counts = new Map<string, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return [...counts].map(([v, n]) => `${n} ${v}`).join(', ')
}
