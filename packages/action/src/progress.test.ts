import type { JobInfo, JobOutcome, WaitUpdate } from '@hyperctl-export/core'
import { describe, expect, it } from 'vitest'
import { ProgressLog } from './progress.js'

function outcome(jobId: string, status: JobOutcome['status'], phase?: string, percent?: number): JobOutcome {
  const job: JobInfo | undefined =
    status === 'running' || status === 'pending'
      ? { id: jobId, name: jobId, vmPath: `/DC/vm/${jobId}`, status, phase, percent, source: 'api' }
      : undefined
  return {
    index: 0,
    jobId,
    vmPath: `/DC/vm/${jobId}`,
    name: `vm-${jobId}`,
    status,
    job,
    attached: false,
    warnings: [],
  }
}

function update(elapsedMs: number, outcomes: JobOutcome[], daemonUnreachable?: string): WaitUpdate {
  const active = outcomes.filter((o) => o.status === 'running' || o.status === 'pending').length
  return {
    elapsedMs,
    outcomes,
    changed: [],
    counts: {
      queued: 0,
      active,
      completed: outcomes.filter((o) => o.status === 'completed').length,
      failed: 0,
    },
    ...(daemonUnreachable ? { daemonUnreachable } : {}),
  }
}

describe('ProgressLog', () => {
  it('writes a line per change of status or phase and none per unchanged poll', () => {
    const lines: string[] = []
    const log = new ProgressLog((l) => lines.push(l))
    log.submitted([outcome('aaaaaaaa-1111', 'pending')])
    for (let t = 1000; t <= 10_000; t += 1000)
      log.update(update(t, [outcome('aaaaaaaa-1111', 'running', 'connecting', 0)]))
    log.update(update(11_000, [outcome('aaaaaaaa-1111', 'running', 'exporting', 10)]))
    log.update(update(12_000, [outcome('aaaaaaaa-1111', 'running', 'exporting', 55)]))
    log.update(update(13_000, [outcome('aaaaaaaa-1111', 'completed')]))
    expect(lines).toEqual([
      'vm-aaaaaaaa-1111 (aaaaaaaa): accepted',
      'vm-aaaaaaaa-1111 (aaaaaaaa): running (connecting)',
      'vm-aaaaaaaa-1111 (aaaaaaaa): running (exporting)',
      'vm-aaaaaaaa-1111 (aaaaaaaa): completed, 0 files',
    ])
  })

  it('writes a heartbeat with the counts once a minute while nothing changes', () => {
    const lines: string[] = []
    const log = new ProgressLog((l) => lines.push(l))
    const running = [outcome('a', 'running', 'exporting', 42), outcome('b', 'running', 'exporting')]
    for (let t = 0; t <= 150_000; t += 5_000) log.update(update(t, running))
    expect(lines.filter((l) => l.startsWith('still waiting'))).toEqual([
      'still waiting after 1m00s: 2 active, 0 completed, 0 failed (vm-a (a) 42%)',
      'still waiting after 2m00s: 2 active, 0 completed, 0 failed (vm-a (a) 42%)',
    ])
  })

  it('says once when the daemon stops answering and once when it answers again', () => {
    const lines: string[] = []
    const log = new ProgressLog((l) => lines.push(l), { heartbeatMs: 1_000_000 })
    const running = [outcome('a', 'running', 'x')]
    log.update(update(0, running))
    log.update(update(5_000, running, 'connect ECONNREFUSED'))
    log.update(update(10_000, running, 'connect ECONNREFUSED'))
    log.update(update(15_000, running))
    expect(lines.slice(1)).toEqual([
      'the daemon does not answer, still trying: connect ECONNREFUSED',
      'the daemon answers again',
    ])
  })

  it('shows a hostile phase on one line when the daemon sends line breaks', () => {
    const lines: string[] = []
    const log = new ProgressLog((l) => lines.push(l))
    log.update(update(0, [outcome('a', 'running', 'x\n::set-output name=status::completed')]))
    expect(lines).toEqual(['vm-a (a): running (x\\x0a::set-output name=status::completed)'])
  })

  it('writes where a batch stands whenever a count moves, not on polls that move none', () => {
    const lines: string[] = []
    const log = new ProgressLog((l) => lines.push(l))
    const jobs = (...statuses: JobOutcome['status'][]) =>
      statuses.map((s, i) => ({ ...outcome(`j${i}`, s, 'exporting'), index: i }))
    const at = (t: number, outcomes: JobOutcome[], counts: WaitUpdate['counts']) =>
      log.update({ elapsedMs: t, outcomes, changed: [], counts })
    at(0, jobs('running', 'running', 'pending'), { queued: 1, active: 2, completed: 0, failed: 0 })
    at(5_000, jobs('running', 'running', 'pending'), { queued: 1, active: 2, completed: 0, failed: 0 })
    at(10_000, jobs('completed', 'running', 'running'), { queued: 0, active: 2, completed: 1, failed: 0 })
    at(15_000, jobs('completed', 'failed', 'running'), { queued: 0, active: 1, completed: 1, failed: 1 })
    expect(lines.filter((l) => l.startsWith('batch'))).toEqual([
      'batch of 3: 0 completed, 2 running, 1 queued, 0 failed',
      'batch of 3: 1 completed, 2 running, 0 queued, 0 failed',
      'batch of 3: 1 completed, 1 running, 0 queued, 1 failed',
    ])
  })

  it('writes no batch line for a single job', () => {
    const lines: string[] = []
    const log = new ProgressLog((l) => lines.push(l))
    log.update(update(0, [outcome('a', 'running')]))
    log.update(update(5_000, [outcome('a', 'completed')]))
    expect(lines.some((l) => l.startsWith('batch'))).toBe(false)
  })
})
