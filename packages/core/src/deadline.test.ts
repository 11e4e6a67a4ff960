import { afterEach, describe, expect, it, vi } from 'vitest'
import { createDeadline, timeLeftSinceProcessStart } from './deadline.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('createDeadline', () => {
  it('counts down and fires its signal at the deadline', () => {
    vi.useFakeTimers()
    const deadline = createDeadline(5_000)
    expect(deadline.remaining()).toBe(5_000)
    vi.advanceTimersByTime(4_999)
    expect(deadline.signal.aborted).toBe(false)
    expect(deadline.expired()).toBe(false)
    vi.advanceTimersByTime(1)
    expect(deadline.signal.aborted).toBe(true)
    expect((deadline.signal.reason as DOMException).name).toBe('TimeoutError')
    expect(deadline.remaining()).toBe(0)
    expect(deadline.expired()).toBe(true)
  })

  it('gives each call the time left, capped, never 0, with the caller signal and not its own', () => {
    vi.useFakeTimers()
    const parent = new AbortController()
    const deadline = createDeadline(3_000, { parent: parent.signal })
    expect(deadline.call()).toEqual({ signal: parent.signal, timeoutMs: 3_000 })
    expect(deadline.call(1_000)).toEqual({ signal: parent.signal, timeoutMs: 1_000 })
    vi.advanceTimersByTime(3_500)
    expect(deadline.call().timeoutMs).toBe(1)
  })

  it('without a timeout it never expires and calls get no budget', () => {
    const deadline = createDeadline(undefined)
    expect(deadline.remaining()).toBe(Number.POSITIVE_INFINITY)
    expect(deadline.call()).toEqual({})
    expect(deadline.call(2_000)).toEqual({ timeoutMs: 2_000 })
    deadline.dispose()
  })

  it("aborts with the parent's reason, which is not the deadline expiring", () => {
    const parent = new AbortController()
    const deadline = createDeadline(60_000, { parent: parent.signal })
    parent.abort(new Error('Ctrl-C'))
    expect(deadline.signal.aborted).toBe(true)
    expect((deadline.signal.reason as Error).message).toBe('Ctrl-C')
    expect(deadline.expired()).toBe(false)
    deadline.dispose()
  })

  it('a child signal fires at its cap or at the deadline, whichever comes first', () => {
    vi.useFakeTimers()
    const deadline = createDeadline(2_000)
    const short = deadline.child(500)
    const long = deadline.child(10_000)
    vi.advanceTimersByTime(500)
    expect(short.aborted).toBe(true)
    expect(long.aborted).toBe(false)
    vi.advanceTimersByTime(1_500)
    expect(long.aborted).toBe(true)
  })

  it('dispose stops the timer', () => {
    vi.useFakeTimers()
    const deadline = createDeadline(1_000)
    deadline.dispose()
    vi.advanceTimersByTime(5_000)
    expect(deadline.signal.aborted).toBe(false)
  })
})

describe('timeLeftSinceProcessStart', () => {
  it('takes the time the process has lived off the timeout, and never leaves less than 1 ms', () => {
    expect(timeLeftSinceProcessStart(5_000, 300)).toBe(4_700)
    expect(timeLeftSinceProcessStart(5_000, 0)).toBe(5_000)
    expect(timeLeftSinceProcessStart(2_000, 2_500)).toBe(1)
    expect(timeLeftSinceProcessStart(2_000)).toBeLessThan(2_000)
  })
})
