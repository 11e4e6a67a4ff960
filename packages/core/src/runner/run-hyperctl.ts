import { CommandFailedError, HyperctlError, OperationAbortedError } from '../errors.js'
import { redactSecretFields, redactText } from '../text/redact.js'
import type { CallOptions, TransportListener } from '../types.js'
import type { Executor } from './executor.js'
import { errorForRun, readableOutput } from './hyperctl-failure.js'

/** What one hyperctl run needs from its runner. */
export interface HyperctlRun {
  executor: Executor
  path: string
  env: NodeJS.ProcessEnv
  /** The longest one run may take, whatever time a caller's deadline leaves. */
  maxTimeoutMs: number
  /** Every secret this runner was given: a later run can print a password submitted earlier. */
  secrets: readonly string[]
  onEvent: TransportListener | undefined
}

/** Runs hyperctl; returns its decoded, redacted output on success and throws the mapped error otherwise. */
export async function runHyperctl(
  args: string[],
  options: CallOptions | undefined,
  run: HyperctlRun,
): Promise<{ stdout: string; stderr: string }> {
  const command = `hyperctl ${args[0]}`
  const signal = options?.signal
  // why: a run's deadline hands down the time left, which may be hours; one hyperctl run stays bounded
  const timeoutMs = Math.min(options?.timeoutMs ?? run.maxTimeoutMs, run.maxTimeoutMs)
  throwIfAborted(signal, command)
  let result: Awaited<ReturnType<Executor['run']>>
  const started = performance.now()
  const report = (exitCode: number | null, error?: string) =>
    run.onEvent?.({
      kind: 'command',
      file: run.path,
      args: args.map((arg) => redactText(arg, run.secrets)),
      exitCode,
      ms: Math.round(performance.now() - started),
      ...(error === undefined ? {} : { error }),
    })
  try {
    result = await run.executor.run(run.path, args, { env: run.env, timeoutMs, signal })
    report(result.exitCode, result.timedOut ? 'timed out' : result.aborted ? 'aborted' : undefined)
  } catch (error) {
    report(null, 'could not be started')
    if (error instanceof HyperctlError) throw error
    throw new CommandFailedError(
      `${command} could not be started: ${messageOf(error)}`,
      { exitCode: null, stdout: '', stderr: '' },
      undefined,
      { cause: error },
    )
  }
  // why: UTF-8 with U+FFFD for the stray bytes of a cut VM path (docs/hyperctl.md#parsing); secrets out before anything keeps it.
  // Secret-named fields are masked in what becomes an error only: stdout's tables carry no such field,
  // and masking there would alter a VM named `token=x` so that it no longer matches its job
  const secrets = run.secrets
  const stdout = redactText(result.stdout.toString('utf8'), secrets)
  const stderr = redactSecretFields(redactText(result.stderr.toString('utf8'), secrets))
  const details = {
    exitCode: result.exitCode,
    stdout: readableOutput(redactSecretFields(stdout)),
    stderr: readableOutput(stderr),
  }
  if (result.aborted) throw new OperationAbortedError(command)
  if (result.timedOut) {
    throw new CommandFailedError(
      `${command} was killed after ${timeoutMs} ms without finishing`,
      details,
      'Check that hypervisord answers on http://localhost:8080, or raise the command timeout.',
    )
  }
  if (result.truncated) {
    throw new CommandFailedError(`${command} printed more output than is kept and was stopped`, details)
  }
  if (result.exitCode === null) {
    throw new CommandFailedError(`${command} was ended by signal ${result.signal ?? 'unknown'}`, details)
  }
  const failure = errorForRun(command.slice('hyperctl '.length), {
    stdout: redactSecretFields(stdout),
    stderr,
    exitCode: result.exitCode,
  })
  if (failure) throw failure
  return { stdout, stderr }
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new OperationAbortedError(what, { cause: signal.reason })
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
