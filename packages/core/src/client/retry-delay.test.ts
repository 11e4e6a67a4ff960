import { fc, it as prop } from '@fast-check/vitest'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { backoffDelayMs, parseRetryAfter, sleep } from './retry-delay.js'

describe('backoffDelayMs', () => {
  const options = { minDelayMs: 500, maxDelayMs: 8_000 }

  it('waits between half and all of the doubled ceiling', () => {
    expect(backoffDelayMs(1, options, () => 0)).toBe(250)
    expect(backoffDelayMs(1, options, () => 0.999_999)).toBe(500)
    expect(backoffDelayMs(2, options, () => 0)).toBe(500)
    expect(backoffDelayMs(3, options, () => 0.5)).toBe(1_500)
  })

  it('caps the ceiling at maxDelayMs', () => {
    expect(backoffDelayMs(10, options, () => 0.999_999)).toBe(8_000)
    expect(backoffDelayMs(10, options, () => 0)).toBe(4_000)
  })

  prop.prop([fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })])(
    'stays within [ceiling / 2, ceiling] for any retry',
    (retry, r) => {
      const ceiling = Math.min(8_000, 500 * 2 ** (retry - 1))
      const delay = backoffDelayMs(retry, options, () => r)
      expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2))
      expect(delay).toBeLessThanOrEqual(ceiling)
    },
  )
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-02-10T14:00:00Z')

  it('reads delta seconds', () => {
    expect(parseRetryAfter('5', now)).toBe(5_000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
  })

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Tue, 10 Feb 2026 14:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Tue, 10 Feb 2026 13:00:00 GMT', now)).toBe(0)
  })

  it('returns undefined for an absent or unreadable header', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('1.5', now)).toBeUndefined()
    expect(parseRetryAfter('-3', now)).toBeUndefined()
  })
})

describe('sleep', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('resolves after the time has passed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    let done = false
    void sleep(1_000).then(() => {
      done = true
    })
    await vi.advanceTimersByTimeAsync(999)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(done).toBe(true)
  })

  it('rejects with the abort reason as soon as the signal aborts', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const controller = new AbortController()
    const pending = sleep(60_000, controller.signal)
    controller.abort(new Error('stop'))
    await expect(pending).rejects.toThrow('stop')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('rejects at once for a signal that is already aborted', async () => {
    await expect(sleep(60_000, AbortSignal.abort(new Error('early')))).rejects.toThrow('early')
  })
})
