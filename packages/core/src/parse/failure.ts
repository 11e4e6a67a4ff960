import { toLines } from './lines.js'
import { findPrefixedMessage, readSpinnerResult } from './prefix-lines.js'

export type HyperctlFailureKind =
  | 'daemon-unreachable'
  | 'server-error'
  | 'parse-failure'
  | 'usage'
  | 'not-found'
  | 'unknown'

export interface HyperctlFailure {
  error: HyperctlFailureKind
  exitCode: number
  /** The message after the pterm prefix, escape codes and trailing newlines removed; inner lines kept. */
  message: string
}

// why: every transport failure is a Go *url.Error, `<Op> "<url>": <cause>` (docs/hyperctl.md#transport-errors): refused, timed
// out or closed without a reply, hypervisord did not answer
const TRANSPORT_FAILURE =
  /^Failed to (?:submit job|query|get status|cancel): (?:Post|Get|Put|Delete) "(?:[^"\\]|\\.)*": \S/

/** Kind of a spinner Fail message on stderr (docs/hyperctl.md#submit, #query, #status, #cancel, #error-kinds). */
function kindOfSpinnerFailure(message: string): HyperctlFailureKind {
  if (message.startsWith('Server error: ')) return 'server-error'
  if (message.startsWith('Failed to parse response: ')) return 'parse-failure'
  if (TRANSPORT_FAILURE.test(message)) return 'daemon-unreachable'
  if (message === 'Either -file or -vm must be specified') return 'usage'
  if (message.startsWith('Failed to read file: ')) {
    // why: only a missing file is `not-found`. `permission denied` or `read <path>: is a directory` name a
    // -file argument hyperctl cannot use, which the caller fixes like any other bad argument: `usage`.
    return message.endsWith(': no such file or directory') ? 'not-found' : 'usage'
  }
  return 'unknown'
}

/** Kind of an Error line on stdout, printed with exit 1 and no spinner (docs/hyperctl.md#global-flags, #job-commands, #cancel). */
function kindOfStdoutError(message: string): HyperctlFailureKind {
  if (message === 'Job ID required (-id)' || message.startsWith('Unknown command: ')) return 'usage'
  if (message.startsWith('Failed to parse ')) return 'parse-failure'
  return 'unknown'
}

function firstNonEmpty(
  lines: readonly string[],
  test: (line: string) => boolean = () => true,
): string | undefined {
  return lines.find((line) => line.trim() !== '' && test(line))?.trim()
}

/** null when the run succeeded (exit 0 and no failure line); otherwise what went wrong, as the fixtures' error cases say. */
export function classifyHyperctlFailure(run: {
  stdout: string
  stderr: string
  exitCode: number
}): HyperctlFailure | null {
  const { stdout, stderr, exitCode } = run
  const failure = (error: HyperctlFailureKind, message: string): HyperctlFailure => ({
    error,
    exitCode,
    message,
  })

  const spinner = readSpinnerResult(stderr)
  if (spinner?.kind === 'error') return failure(kindOfSpinnerFailure(spinner.text), spinner.text)
  if (exitCode === 0) return null

  const stderrLines = toLines(stderr)
  // why: exit 2 is also a Go panic (a `null` job in a query reply, docs/hyperctl.md#exit-codes), which is no usage error
  const panic = firstNonEmpty(stderrLines, (line) => line.startsWith('panic: '))
  if (panic !== undefined) return failure('unknown', panic)
  if (exitCode === 2 && spinner === undefined) {
    // why: Go `flag` errors print the message as the first stderr line, then `Usage of <cmd>:` (docs/hyperctl.md#flag-parsing)
    const first = firstNonEmpty(stderrLines)
    if (first !== undefined) return failure('usage', first)
  }

  const stdoutError = findPrefixedMessage(stdout, 'error')
  if (stdoutError !== undefined) return failure(kindOfStdoutError(stdoutError), stdoutError)

  const best = spinner?.text ?? firstNonEmpty(stderrLines) ?? firstNonEmpty(toLines(stdout))
  return failure('unknown', best ?? `hyperctl exited with code ${exitCode}`)
}
