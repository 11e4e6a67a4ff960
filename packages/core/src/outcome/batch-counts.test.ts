import { describe, expect, it } from 'vitest'
import { batchCounts, batchLine, batchParts, finalBatchCounts } from './batch-counts.js'
import type { JobOutcome } from './job-outcome.js'
import type { OutcomeStatus } from './status.js'

const outcomes = (...statuses: OutcomeStatus[]): JobOutcome[] =>
  statuses.map((status, index) => ({
    index,
    jobId: `j-${index}`,
    vmPath: `/DC/vm/${index}`,
    name: '',
    status,
    attached: false,
    warnings: [],
  }))

describe('batchCounts', () => {
  it('takes queued and running from the session and counts the rest as ended otherwise', () => {
    const counts = batchCounts({
      outcomes: outcomes('completed', 'failed', 'running', 'pending', 'pending', 'timeout'),
      counts: { queued: 1, active: 2, completed: 1, failed: 1 },
    })
    expect(counts).toEqual({ total: 6, done: 1, running: 2, queued: 1, failed: 1, other: 1 })
  })
})

describe('finalBatchCounts', () => {
  it('counts cancelled, rejected and lost jobs as failed and skipped ones as ended otherwise', () => {
    expect(
      finalBatchCounts(outcomes('completed', 'cancelled', 'rejected', 'lost', 'skipped', 'unknown')),
    ).toEqual({ total: 6, done: 1, running: 0, queued: 0, failed: 3, other: 2 })
  })
})

describe('batchParts', () => {
  it('names the four counts always and the jobs that ended otherwise only when there are some', () => {
    const base = { total: 5, done: 3, running: 1, queued: 0, failed: 1, other: 0 }
    expect(batchParts(base)).toEqual(['3 completed', '1 running', '0 queued', '1 failed'])
    expect(batchParts({ ...base, running: 0, other: 1 }).at(-1)).toBe('1 ended otherwise')
  })
})

describe('batchLine', () => {
  it('counts the jobs that ended another way (skipped, timeout) apart', () => {
    const update = {
      outcomes: outcomes('completed', 'skipped', 'timeout'),
      counts: { queued: 0, active: 0, completed: 1, failed: 0 },
    }
    expect(batchLine(batchCounts(update))).toBe(
      'batch of 3: 1 completed, 0 running, 0 queued, 0 failed, 2 ended otherwise',
    )
  })
})
