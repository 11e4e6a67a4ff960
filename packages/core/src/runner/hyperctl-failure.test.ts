import { describe, expect, it } from 'vitest'
import {
  AuthFailedError,
  CommandFailedError,
  DaemonError,
  DaemonUnreachableError,
  UsageError,
} from '../errors.js'
import { errorForRun } from './hyperctl-failure.js'

// what hyperctl's spinner leaves on stderr with NO_COLOR (docs/hyperctl.md#spinner): a frame, the clear, the final line
function spinnerFailure(text: string, message: string): string {
  return `\r▀  ${text} (0s)\r${' '.repeat(80)}\r  ERROR   ${message}\n`
}

describe('errorForRun', () => {
  it('returns null when hyperctl exits 0 without a failure line', () => {
    expect(errorForRun('status', { stdout: ' INFO  ok\n', stderr: '', exitCode: 0 })).toBeNull()
  })

  it('returns DaemonUnreachableError for localhost:8080 when the dial is refused', () => {
    const message =
      'Failed to query: Post "http://localhost:8080/jobs/query": dial tcp [::1]:8080: connect: connection refused'
    const error = errorForRun('query', {
      stdout: '',
      stderr: spinnerFailure('Querying jobs...', message),
      exitCode: 1,
    })
    expect(error).toBeInstanceOf(DaemonUnreachableError)
    expect((error as DaemonUnreachableError).url).toBe('http://localhost:8080')
    expect(error?.message).toContain('connection refused')
    expect((error as DaemonUnreachableError).notSent).toBe(true)
  })

  it('returns DaemonUnreachableError that may have been acted on when the reply was lost (EOF) or late', () => {
    for (const cause of [
      'EOF',
      'context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
    ]) {
      const message = `Failed to submit job: Post "http://localhost:8080/jobs/submit": ${cause}`
      const error = errorForRun('submit', {
        stdout: '',
        stderr: spinnerFailure('Submitting job(s)...', message),
        exitCode: 1,
      })
      expect(error).toBeInstanceOf(DaemonUnreachableError)
      expect((error as DaemonUnreachableError).notSent).toBe(false)
    }
  })

  it('returns AuthFailedError when an auth-enabled daemon answers submit with unauthorized', () => {
    const stderr = spinnerFailure('Submitting job(s)...', 'Server error: unauthorized\n')
    const error = errorForRun('submit', { stdout: '', stderr, exitCode: 1 })
    expect(error).toBeInstanceOf(AuthFailedError)
    expect((error as AuthFailedError).status).toBe(401)
  })

  it("returns AuthFailedError when hyperctl cannot decode the daemon's `unauthorized` reply", () => {
    const message = "Failed to parse response: invalid character 'u' looking for beginning of value"
    const error = errorForRun('cancel', {
      stdout: '',
      stderr: spinnerFailure('Cancelling job(s)...', message),
      exitCode: 1,
    })
    expect(error).toBeInstanceOf(AuthFailedError)
  })

  it("returns DaemonError with the daemon's own message when the submit reply is a JSON error", () => {
    const body = '{"error":"failed to parse jobs: invalid JSON format","timestamp":"2026-02-10T14:05:00Z"}\n'
    const stderr = spinnerFailure('Submitting job(s)...', `Server error: ${body}`)
    const error = errorForRun('submit', { stdout: '', stderr, exitCode: 1 })
    expect(error).toBeInstanceOf(DaemonError)
    expect((error as DaemonError).daemonMessage).toBe('failed to parse jobs: invalid JSON format')
  })

  it('returns DaemonError when hyperctl cannot decode a reply that is not about auth', () => {
    const message = "Failed to parse response: invalid character '<' looking for beginning of value"
    const error = errorForRun('status', {
      stdout: '',
      stderr: spinnerFailure('Getting daemon status...', message),
      exitCode: 1,
    })
    expect(error).toBeInstanceOf(DaemonError)
    expect(error?.message).toContain("invalid character '<'")
  })

  it('returns UsageError when Go rejects a flag (exit 2)', () => {
    const stderr = 'flag provided but not defined: -daemon\nUsage of submit:\n  -file string\n'
    const error = errorForRun('submit', { stdout: '', stderr, exitCode: 2 })
    expect(error).toBeInstanceOf(UsageError)
    expect(error?.message).toContain('flag provided but not defined: -daemon')
  })

  it('returns CommandFailedError, not UsageError, when hyperctl panics with exit code 2', () => {
    const stderr =
      'panic: runtime error: invalid memory address or nil pointer dereference\n\ngoroutine 1 [running]:\nmain.displayJobs()\n'
    const error = errorForRun('query', { stdout: '', stderr, exitCode: 2 })
    expect(error).toBeInstanceOf(CommandFailedError)
    expect(error?.message).toContain('crashed')
  })

  it('returns CommandFailedError with readable output when the failure is not recognised', () => {
    const stderr = spinnerFailure('Querying jobs...', 'something new went wrong')
    const error = errorForRun('query', { stdout: '', stderr, exitCode: 1 }) as CommandFailedError
    expect(error).toBeInstanceOf(CommandFailedError)
    expect(error.exitCode).toBe(1)
    expect(error.stderr).toBe('ERROR   something new went wrong')
  })

  it('returns CommandFailedError when hyperctl exits non-zero and prints nothing', () => {
    const error = errorForRun('status', { stdout: '', stderr: '', exitCode: 7 })
    expect(error).toBeInstanceOf(CommandFailedError)
  })
})
