import type { JobInfo, JobOutcome, OutcomeStatus, WaitUpdate } from '@hyperctl-export/core'
import { describe, expect, it } from 'vitest'
import { LineLog } from './line-log.js'

function outcome(status: OutcomeStatus, job?: Partial<JobInfo>): JobOutcome {
  return {
    index: 0,
    jobId: 'j-1',
    vmPath: '/DC/vm/web',
    name: 'web',
    status,
    attached: false,
    warnings: [],
    ...(job
      ? { job: { id: 'j-1', name: 'web', vmPath: '/DC/vm/web', status: 'running', source: 'api', ...job } }
      : {}),
  }
}

function update(outcomes: JobOutcome[], extra: Partial<WaitUpdate> = {}): WaitUpdate {
  return {
    elapsedMs: 0,
    outcomes,
    changed: [],
    counts: { queued: 0, active: 1, completed: 0, failed: 0 },
    ...extra,
  }
}

function log(heartbeatMs = 30_000) {
  const clock = { now: 0 }
  let text = ''
  const view = new LineLog({
    write: (s) => {
      text += s
    },
    now: () => clock.now,
    heartbeatMs,
  })
  return { view, clock, lines: () => text.split('\n').filter((l) => l !== '') }
}

describe('LineLog', () => {
  it('prints one line per change of status or phase, not per percent', () => {
    const { view, clock, lines } = log()
    view.submitted([outcome('pending')])
    clock.now = 1_000
    view.update(update([outcome('running', { phase: 'exporting', percent: 10 })]))
    clock.now = 2_000
    view.update(update([outcome('running', { phase: 'exporting', percent: 20 })]))
    clock.now = 3_000
    view.update(update([outcome('running', { phase: 'finishing', percent: 90 })]))
    clock.now = 4_000
    view.finish([outcome('completed', { phase: 'finishing', percent: 90 })])
    expect(lines()).toEqual([
      '[0s] web submitted as job j-1',
      '[1s] web (j-1): running, exporting 10%',
      '[3s] web (j-1): running, finishing 90%',
      // the daemon's last phase is stale once the job ended, so it is not shown
      '[4s] web (j-1): completed after 4s',
    ])
  })

  it('prints a heartbeat when nothing changed for the heartbeat period', () => {
    const { view, clock, lines } = log(30_000)
    view.update(update([outcome('running')]))
    clock.now = 29_000
    view.update(update([outcome('running')]))
    expect(lines()).toHaveLength(1)
    clock.now = 31_000
    view.update(update([outcome('running')]))
    clock.now = 40_000
    view.update(update([outcome('running')]))
    expect(lines()).toEqual(['[0s] web (j-1): running', '[31s] still waiting: 1 active'])
  })

  it('says when the daemon stops answering and when it is back', () => {
    const { view, lines } = log()
    view.update(update([outcome('running')], { daemonUnreachable: 'connect ECONNREFUSED' }))
    view.update(update([outcome('running')], { daemonUnreachable: 'connect ECONNREFUSED' }))
    view.update(update([outcome('running')]))
    expect(lines()).toEqual([
      '[0s] daemon unreachable, retrying: connect ECONNREFUSED',
      '[0s] web (j-1): running',
      '[0s] daemon reachable again',
    ])
  })

  it('writes no escape code, whatever the daemon sent', () => {
    const { view, lines } = log()
    view.update(update([{ ...outcome('running', { phase: '\x1b[31mred\x1b[0m' }), name: 'a\rb' }]))
    expect(lines().join('\n')).not.toMatch(/[\x1b\r]/)
    expect(lines()[0]).toContain('a\\x0db')
  })

  it('prints where a batch stands whenever a count moves, and not on polls that move none', () => {
    const { view, clock, lines } = log()
    const job = (i: number, status: OutcomeStatus): JobOutcome => ({
      ...outcome(status),
      index: i,
      jobId: `j-${i}`,
      name: `vm-${i}`,
    })
    const poll = (statuses: OutcomeStatus[], counts: WaitUpdate['counts']) =>
      view.update(
        update(
          statuses.map((s, i) => job(i, s)),
          { counts },
        ),
      )
    poll(['running', 'running', 'pending', 'pending'], { queued: 2, active: 2, completed: 0, failed: 0 })
    clock.now = 5_000
    poll(['running', 'running', 'pending', 'pending'], { queued: 2, active: 2, completed: 0, failed: 0 })
    clock.now = 10_000
    poll(['completed', 'running', 'running', 'pending'], { queued: 1, active: 2, completed: 1, failed: 0 })
    clock.now = 20_000
    view.finish(['completed', 'failed', 'completed', 'skipped'].map((s, i) => job(i, s as OutcomeStatus)))
    expect(lines().filter((l) => l.includes('batch'))).toEqual([
      '[0s] batch of 4: 0 completed, 2 running, 2 queued, 0 failed',
      '[10s] batch of 4: 1 completed, 2 running, 1 queued, 0 failed',
      '[20s] batch of 4: 2 completed, 0 running, 0 queued, 1 failed, 1 ended otherwise',
    ])
  })

  it('prints no batch line for a single job', () => {
    const { view, lines } = log()
    view.update(update([outcome('running')]))
    view.finish([outcome('completed')])
    expect(lines().some((l) => l.includes('batch'))).toBe(false)
  })
})
