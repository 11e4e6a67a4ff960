import { JobFailedError, type JobOutcome, type OutcomeStatus } from '@hyperctl-export/core'
import { describe, expect, it } from 'vitest'
import { outcomeSummary } from './outcome-report.js'
import { createStyle } from './style.js'

function outcome(status: OutcomeStatus, extra: Partial<JobOutcome> = {}): JobOutcome {
  return {
    index: 0,
    jobId: 'j',
    vmPath: '/DC/vm/a',
    name: 'a',
    status,
    attached: false,
    warnings: [],
    ...extra,
  }
}

describe('outcomeSummary', () => {
  it('lists the files of a completed job and the error and hint of a failed one', () => {
    const text = outcomeSummary(
      [
        outcome('completed', {
          jobId: 'j1',
          result: { files: ['/o/a.ovf', '/o/a-disk1.vmdk'] },
          durationMs: 5_000,
        }),
        outcome('failed', { jobId: 'j2', error: new JobFailedError('j2', 'export failed: \x1b[2J') }),
      ],
      createStyle(false),
    )
    expect(text).toContain('a  completed in 0:05  job j1')
    expect(text).toContain('  file    /o/a-disk1.vmdk')
    expect(text).toContain('  error   job j2 failed: export failed: \\x1b[2J')
    expect(text).toContain('  hint    ')
    expect(text).not.toContain('\x1b')
  })
})
