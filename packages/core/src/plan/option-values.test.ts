import { describe, expect, it } from 'vitest'
import {
  MAX_COUNT,
  POLL_INTERVAL_LIMITS,
  readChoice,
  readCount,
  readDuration,
  TIMEOUT_LIMITS,
} from './option-values.js'

describe('readDuration', () => {
  it.each([
    ['90m', 5_400_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['24d', 24 * 86_400_000],
  ])('reads %s as %i ms', (text, ms) => {
    expect(readDuration(text, TIMEOUT_LIMITS)).toEqual({ ok: true, value: ms })
  })

  it.each([
    ['90', '"90" is not a duration: it has no unit (ms, s, m, h or d). Write a number with a unit'],
    ['0s', '"0s" is out of range: give 1ms to 24d'],
    ['25d', '"25d" is out of range: give 1ms to 24d'],
  ])('refuses %s as a timeout', (text, problem) => {
    const result = readDuration(text, TIMEOUT_LIMITS)
    expect(result.ok).toBe(false)
    expect(result.ok ? '' : result.problem).toContain(problem)
  })

  it('keeps a poll interval between 10 ms and an hour', () => {
    expect(readDuration('5ms', POLL_INTERVAL_LIMITS)).toEqual({
      ok: false,
      problem: '"5ms" is out of range: give 10ms to 1h00m',
    })
    expect(readDuration('1h', POLL_INTERVAL_LIMITS)).toEqual({ ok: true, value: 3_600_000 })
    expect(readDuration('61m', POLL_INTERVAL_LIMITS).ok).toBe(false)
  })
})

describe('readCount', () => {
  it.each([
    ['1', 1],
    [' 8 ', 8],
    [String(MAX_COUNT), MAX_COUNT],
  ])('reads %j', (text, value) => {
    expect(readCount(text)).toEqual({ ok: true, value })
  })

  it.each(['0', '2.5', '-1', '1e3', '', 'x', String(MAX_COUNT + 1)])('refuses %j', (text) => {
    expect(readCount(text)).toEqual({
      ok: false,
      problem: `must be a whole number from 1 to 1000000, not ${JSON.stringify(text)}`,
    })
  })
})

describe('readChoice', () => {
  it('takes a choice spelled exactly', () => {
    expect(readChoice('api', ['auto', 'cli', 'api'])).toEqual({ ok: true, value: 'api' })
    expect(readChoice('API', ['auto', 'cli', 'api']).ok).toBe(false)
  })

  it('lists the choices and names a near miss', () => {
    expect(readChoice('apu', ['auto', 'cli', 'api'])).toEqual({
      ok: false,
      problem: 'must be auto, cli or api, not "apu"; did you mean "api"?',
    })
    expect(readChoice('scp', ['web', 'govc', 'ovftool', 'ctl'])).toEqual({
      ok: false,
      problem: 'must be web, govc, ovftool or ctl, not "scp"',
    })
  })
})
