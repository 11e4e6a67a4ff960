import { fc, it as prop } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { UsageError } from '../errors.js'
import { parseDuration, parseGoDuration } from './duration.js'
import { formatDuration } from './format-duration.js'

describe('parseDuration', () => {
  it.each([
    ['90m', 5_400_000],
    ['5s', 5_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
    ['1m30s', 90_000],
    ['0s', 0],
    [' 10s ', 10_000],
    ['1s500ms', 1_500],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['', '   ', '30', '-5s', '5 s', '5sec', 'm', '1h 30m', 'abc', '5s!', '1e3s', 'Infinityh'])(
    'throws UsageError naming the text when it is %j',
    (text) => {
      expect(() => parseDuration(text)).toThrow(UsageError)
      expect(() => parseDuration(text)).toThrow(JSON.stringify(text))
    },
  )

  it('says a unit is missing when the text is a bare number', () => {
    expect(() => parseDuration('30')).toThrow(/no unit/)
  })

  it('throws instead of returning an unsafe number when the duration is absurdly long', () => {
    expect(() => parseDuration(`${'9'.repeat(20)}d`)).toThrow(/too long/)
  })

  prop.prop([
    fc.integer({ min: 0, max: 1000 }),
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 59 }),
  ])('adds hours, minutes and seconds when they are combined', (h, m, s) => {
    expect(parseDuration(`${h}h${m}m${s}s`)).toBe(((h * 60 + m) * 60 + s) * 1000)
  })

  prop.prop([fc.string()])('returns a non-negative safe integer or throws UsageError', (text) => {
    let ms: number
    try {
      ms = parseDuration(text)
    } catch (error) {
      return void expect(error).toBeInstanceOf(UsageError)
    }
    expect(Number.isSafeInteger(ms) && ms >= 0).toBe(true)
  })
})

describe('parseGoDuration', () => {
  it.each([
    ['23.399311212s', 23_399.311212],
    ['2h15m42.318476021s', 8_142_318.476021],
    ['1h0m0s', 3_600_000],
    ['0s', 0],
    ['1.5µs', 0.0015],
    ['500ms', 500],
  ])('reads %s', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 6)
  })

  it.each(['', 'soon', '5', '1h30', '-5s'])('returns undefined for %j', (text) => {
    expect(parseGoDuration(text)).toBeUndefined()
  })
})

describe('formatDuration', () => {
  it.each([
    [250, '250ms'],
    [23_399, '23s'],
    [125_000, '2m05s'],
    [3_720_000, '1h02m'],
    [8_142_318, '2h15m'],
    [2 * 86_400_000 + 3 * 3_600_000, '2d03h'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})
