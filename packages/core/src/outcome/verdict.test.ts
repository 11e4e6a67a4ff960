import { describe, expect, it } from 'vitest'
import {
  AuthFailedError,
  DaemonUnreachableError,
  type HyperctlError,
  JobFailedError,
  JobRejectedError,
  JobSkippedError,
  JobTimeoutError,
  OperationAbortedError,
} from '../errors.js'
import type { JobOutcome } from './job-outcome.js'
import type { OutcomeStatus } from './status.js'
import { runVerdict } from './verdict.js'

const base = { index: 0, jobId: 'j', vmPath: '/DC/vm/a', name: 'a', attached: false, warnings: [] }
const outcome = (status: OutcomeStatus, error?: HyperctlError): JobOutcome => ({ ...base, status, error })
const done = outcome('completed')
const timedOut = outcome('timeout', new JobTimeoutError(['j'], 1000, false))
const failed = outcome('failed', new JobFailedError('j', 'boom'))
const down = outcome('unknown', new DaemonUnreachableError('http://x', 'refused'))

describe('runVerdict', () => {
  it.each([
    ['every job completed', [done, done], true, 'completed'],
    ['jobs accepted without waiting', [outcome('pending'), outcome('running')], false, 'submitted'],
    ['a job failed', [done, failed], true, 'failed'],
    ['a job was rejected', [done, outcome('rejected', new JobRejectedError('dup'))], true, 'failed'],
    ['a job vanished', [outcome('lost')], true, 'failed'],
    [
      'a job ended unknown for a reason other than the daemon being down',
      [outcome('unknown')],
      true,
      'failed',
    ],
    ['a job is still pending after a wait', [outcome('pending')], true, 'failed'],
    ['a job timed out', [timedOut, done], true, 'timeout'],
    ['a job failed and another timed out', [timedOut, failed], true, 'failed'],
    ['a job was cancelled on the daemon', [outcome('cancelled')], true, 'cancelled'],
    ['a job was cancelled and another timed out', [outcome('cancelled'), timedOut], true, 'timeout'],
    ['the daemon went away during the wait', [down, timedOut, failed], true, 'unreachable'],
    [
      'the daemon refused the key',
      [outcome('unknown', new AuthFailedError('http://x', 401))],
      true,
      'unreachable',
    ],
    [
      'a job was aborted',
      [outcome('aborted', new OperationAbortedError('the wait')), down],
      true,
      'interrupted',
    ],
    [
      'queued jobs were skipped after a timeout',
      [timedOut, outcome('skipped', new JobSkippedError('the timeout was reached first'))],
      true,
      'timeout',
    ],
    ['only skipped jobs', [outcome('skipped', new JobSkippedError('x'))], true, 'failed'],
  ] as const)('is right when %s', (_, outcomes, waited, verdict) => {
    expect(runVerdict(outcomes, { waited })).toBe(verdict)
  })

  it('is interrupted when a signal ended the run, even if every job completed', () => {
    expect(runVerdict([done], { waited: true, interrupted: true })).toBe('interrupted')
  })
})
