import type { JobInfo, JobOutcome, OutcomeStatus, WaitUpdate } from '@hyperctl-export/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { screen } from '../../test/support/terminal.js'
import { createStyle } from '../style.js'
import { displayWidth } from './display-width.js'
import { LiveDisplay } from './live-display.js'

/** A fake terminal: isTTY, a size, and everything written. */
function fakeTty(columns = 80, rows = 24) {
  const stream = {
    isTTY: true,
    columns,
    rows,
    text: '',
    write(s: string) {
      stream.text += s
    },
  }
  return stream
}

function outcome(index: number, status: OutcomeStatus, job?: Partial<JobInfo>): JobOutcome {
  const jobId = `job-${index}-0123456789abcdef`
  return {
    index,
    jobId,
    vmPath: `/DC/vm/vm-${index}`,
    name: `vm-${index}`,
    status,
    attached: false,
    warnings: [],
    ...(job
      ? {
          job: {
            id: jobId,
            name: `vm-${index}`,
            vmPath: `/DC/vm/vm-${index}`,
            status: 'running',
            source: 'api',
            ...job,
          },
        }
      : {}),
  }
}

/** An update as the session sends it: counts that agree with the outcomes (nothing queued). */
function update(outcomes: JobOutcome[], extra: Partial<WaitUpdate> = {}): WaitUpdate {
  const count = (...statuses: OutcomeStatus[]) => outcomes.filter((o) => statuses.includes(o.status)).length
  return {
    elapsedMs: 0,
    outcomes,
    changed: outcomes,
    counts: {
      queued: 0,
      active: count('pending', 'running'),
      completed: count('completed'),
      failed: count('failed', 'cancelled', 'rejected', 'lost'),
    },
    ...extra,
  }
}

/** The screen as a terminal would show it after the writes: lines redrawn in place. */
describe('LiveDisplay', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('draws one row per job with status, phase, percent, elapsed and ID, and a footer with counts', () => {
    let now = 1_000
    const tty = fakeTty()
    const display = new LiveDisplay({
      write: tty.write,
      style: createStyle(true),
      size: () => tty,
      now: () => now,
      tickMs: 0,
    })
    display.submitted([outcome(0, 'pending'), outcome(1, 'pending')])
    now += 65_000
    display.update(
      update([outcome(0, 'running', { phase: 'exporting', percent: 42 }), outcome(1, 'completed')]),
    )
    const lines = screen(tty.text)
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/^. vm-0 +running +exporting 42% +1m05s +job-0-0…$/)
    expect(lines[1]).toMatch(/^✔ vm-1 +completed +1m05s +job-1-0…$/)
    expect(lines[2]).toBe('1m05s elapsed · 1 completed · 1 running · 0 queued · 0 failed')
  })

  it('redraws in place: the second frame moves the cursor up over the first', () => {
    const tty = fakeTty()
    const display = new LiveDisplay({
      write: tty.write,
      style: createStyle(true),
      size: () => tty,
      tickMs: 0,
    })
    display.submitted([outcome(0, 'pending')])
    const first = tty.text
    display.update(update([outcome(0, 'running')]))
    expect(first.startsWith('\x1b[?25l')).toBe(true)
    expect(tty.text.slice(first.length).startsWith('\x1b[2A')).toBe(true)
    expect(screen(tty.text)).toHaveLength(2)
  })

  it('colours statuses and shows the cursor again when finished', () => {
    const tty = fakeTty()
    const display = new LiveDisplay({
      write: tty.write,
      style: createStyle(true),
      size: () => tty,
      tickMs: 0,
    })
    display.finish([outcome(0, 'failed'), outcome(1, 'completed')])
    expect(tty.text).toContain('\x1b[31mfailed\x1b[39m')
    expect(tty.text).toContain('\x1b[32mcompleted\x1b[39m')
    expect(tty.text.endsWith('\x1b[?25h')).toBe(true)
    const after = tty.text.length
    display.render()
    expect(tty.text.length).toBe(after)
  })

  it('clears its frame and shows the cursor when it finishes with no job (the submit failed)', () => {
    const tty = fakeTty()
    const display = new LiveDisplay({
      write: tty.write,
      style: createStyle(true),
      size: () => tty,
      tickMs: 0,
    })
    display.render()
    display.finish([])
    expect(screen(tty.text)).toEqual([])
    expect(tty.text.endsWith('\x1b[?25h')).toBe(true)
  })

  it('never writes a line wider than the terminal, whatever the names', () => {
    for (const columns of [20, 40, 61, 120]) {
      const tty = fakeTty(columns)
      const display = new LiveDisplay({
        write: tty.write,
        style: createStyle(true),
        size: () => tty,
        tickMs: 0,
      })
      const long = {
        ...outcome(0, 'running', { phase: 'a-very-long-phase-name-here', percent: 99.5 }),
        name: '中文名字'.repeat(20),
      }
      display.update(
        update([long, { ...outcome(1, 'running'), name: '😀'.repeat(50) }], {
          daemonUnreachable: 'x'.repeat(300),
        }),
      )
      for (const line of screen(tty.text)) expect(displayWidth(line)).toBeLessThan(columns)
    }
  })

  it('shows control characters from the daemon as text, never raw', () => {
    const tty = fakeTty()
    const display = new LiveDisplay({
      write: tty.write,
      style: createStyle(true),
      size: () => tty,
      tickMs: 0,
    })
    display.update(
      update([{ ...outcome(0, 'running', { phase: 'x\x1b]0;owned\x07' }), name: 'evil\x1b[2J' }]),
    )
    const written = tty.text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    expect(written).not.toContain('\x1b')
    expect(written).toContain('evil\\x1b[2J')
  })

  it('keeps the frame inside the terminal height by listing unfinished jobs first', () => {
    const tty = fakeTty(80, 8)
    const display = new LiveDisplay({
      write: tty.write,
      style: createStyle(true),
      size: () => tty,
      tickMs: 0,
    })
    const many = Array.from({ length: 30 }, (_, i) => outcome(i, i < 25 ? 'completed' : 'running'))
    display.update(update(many))
    const lines = screen(tty.text)
    expect(lines.length).toBeLessThanOrEqual(6)
    expect(lines[0]).toContain('vm-25')
    expect(lines.at(-2)).toContain('… and 26 more')
    expect(lines.at(-1)).toContain('25 completed · 5 running · 0 queued · 0 failed')
  })

  it('tells queued jobs from running ones in the footer of a batch held back by max-concurrent', () => {
    const tty = fakeTty(100, 40)
    const display = new LiveDisplay({
      write: tty.write,
      style: createStyle(false),
      size: () => tty,
      tickMs: 0,
    })
    const jobs = [
      outcome(0, 'completed'),
      outcome(1, 'failed'),
      outcome(2, 'running'),
      outcome(3, 'pending'),
      outcome(4, 'pending'),
      outcome(5, 'pending'),
    ]
    // jobs 4 and 5 wait for a slot: the session counts them queued though their outcomes say pending
    display.update(update(jobs, { counts: { queued: 2, active: 2, completed: 1, failed: 1 } }))
    expect(screen(tty.text).at(-1)).toBe('0s elapsed · 1 completed · 2 running · 2 queued · 1 failed')
  })

  it('shows a held-back job as queued like the footer, and times it from its own submit to the reported duration', () => {
    let now = 0
    const tty = fakeTty(100, 40)
    const display = new LiveDisplay({
      write: tty.write,
      style: createStyle(false),
      size: () => tty,
      now: () => now,
      tickMs: 0,
    })
    const held = { queued: 1, active: 2, completed: 0, failed: 0 }
    display.submitted([outcome(0, 'pending'), outcome(1, 'pending')])
    display.update(
      update([outcome(0, 'running'), outcome(1, 'running'), outcome(2, 'pending')], { counts: held }),
    )
    let lines = screen(tty.text)
    expect(lines[2]).toMatch(/^◌ vm-2 +queued +job-2-0…$/)
    expect(lines.at(-1)).toContain('1 queued')
    now = 6_000
    display.update(
      update([
        { ...outcome(0, 'completed'), durationMs: 6_000 },
        outcome(1, 'running'),
        outcome(2, 'pending'),
      ]),
    )
    display.submitted([outcome(2, 'pending')])
    now = 12_000
    display.update(update([outcome(1, 'running'), outcome(2, 'running', { phase: 'exporting' })]))
    lines = screen(tty.text)
    expect(lines[0]).toMatch(/^✔ vm-0 +completed +6s /)
    expect(lines[2]).toMatch(/^. vm-2 +running +exporting +6s /)
    display.finish([{ ...outcome(2, 'completed'), durationMs: 7_000 }])
    expect(screen(tty.text)[2]).toMatch(/^✔ vm-2 +completed +7s /)
  })

  it('shows the final counts of a batch when finished, skipped jobs as ended otherwise', () => {
    const tty = fakeTty(100, 40)
    const display = new LiveDisplay({
      write: tty.write,
      style: createStyle(false),
      size: () => tty,
      tickMs: 0,
    })
    display.finish([outcome(0, 'completed'), outcome(1, 'failed'), outcome(2, 'skipped')])
    expect(screen(tty.text).at(-1)).toBe(
      '0s elapsed · 1 completed · 0 running · 0 queued · 1 failed · 1 ended otherwise',
    )
  })

  it('keeps the status counts in the footer of a single job', () => {
    const tty = fakeTty()
    const display = new LiveDisplay({
      write: tty.write,
      style: createStyle(false),
      size: () => tty,
      tickMs: 0,
    })
    display.update(update([outcome(0, 'running')]))
    expect(screen(tty.text).at(-1)).toBe('0s elapsed · 1 running')
  })

  it('animates the spinner and the elapsed time on its timer', () => {
    vi.useFakeTimers()
    let now = 0
    const tty = fakeTty()
    const display = new LiveDisplay({
      write: tty.write,
      style: createStyle(false),
      size: () => tty,
      now: () => now,
      tickMs: 100,
    })
    display.update(update([outcome(0, 'running')]))
    const frames = () => screen(tty.text)[0]!
    const before = frames()
    now += 3_000
    vi.advanceTimersByTime(100)
    expect(frames()).not.toBe(before)
    expect(frames()).toContain('3s')
    display.finish([outcome(0, 'completed')])
    const done = tty.text.length
    vi.advanceTimersByTime(1_000)
    expect(tty.text.length).toBe(done)
  })
})
