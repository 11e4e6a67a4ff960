import { fc, test as fcTest } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  durationSeconds,
  formatGoDuration,
  formatRfc3339,
  formatRfc3339Nano,
  GO_ZERO_TIME_NS,
  parseGoDuration,
  parseRfc3339,
  parseYamlTimestamp,
} from './go-time.js'

const S = 1_000_000_000n

describe('formatRfc3339Nano', () => {
  it('prints nanoseconds with trailing zeros dropped when the time has a fraction', () => {
    expect(formatRfc3339Nano(parseRfc3339('2026-02-11T23:05:47.783121935Z') as bigint)).toBe(
      '2026-02-11T23:05:47.783121935Z',
    )
    expect(formatRfc3339Nano(parseRfc3339('2026-02-10T08:00:12.483010000Z') as bigint)).toBe(
      '2026-02-10T08:00:12.48301Z',
    )
  })

  it('prints no fraction when the time is a whole second', () => {
    expect(formatRfc3339Nano(1_770_000_000n * S)).toBe('2026-02-02T02:40:00Z')
  })

  it("prints Go's zero time as 0001-01-01T00:00:00Z", () => {
    expect(formatRfc3339Nano(GO_ZERO_TIME_NS)).toBe('0001-01-01T00:00:00Z')
  })

  it('prints the local offset when the daemon zone is not UTC', () => {
    expect(formatRfc3339Nano(0n, 60)).toBe('1970-01-01T01:00:00+01:00')
    expect(formatRfc3339Nano(1n, -330)).toBe('1969-12-31T18:30:00.000000001-05:30')
  })

  fcTest.prop([fc.bigInt({ min: GO_ZERO_TIME_NS + 86_400n * S, max: 253_402_214_399n * S })])(
    'parses back to the same instant',
    (ns) => {
      expect(parseRfc3339(formatRfc3339Nano(ns))).toBe(ns)
      expect(parseRfc3339(formatRfc3339Nano(ns, 125))).toBe(ns)
    },
  )
})

describe('formatRfc3339', () => {
  it('drops the fraction (errorResponse timestamps are whole seconds)', () => {
    expect(formatRfc3339(parseRfc3339('2026-02-10T14:05:00.999Z') as bigint)).toBe('2026-02-10T14:05:00Z')
  })
})

describe('parseRfc3339', () => {
  it('rejects what time.Time.UnmarshalJSON rejects', () => {
    for (const bad of [
      '2026-02-10',
      '2026-02-10 09:41:05Z',
      '2026-13-01T00:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-02-10T09:41:05',
    ]) {
      expect(parseRfc3339(bad), bad).toBeUndefined()
    }
  })

  it('keeps only nine fraction digits', () => {
    expect(parseRfc3339('1970-01-01T00:00:00.1234567891Z')).toBe(123_456_789n)
  })
})

describe('parseYamlTimestamp', () => {
  it('accepts the forms yaml.v3 resolves as timestamps', () => {
    expect(parseYamlTimestamp('2026-02-10')).toBe(parseRfc3339('2026-02-10T00:00:00Z'))
    expect(parseYamlTimestamp('2026-02-10 09:41:05')).toBe(parseRfc3339('2026-02-10T09:41:05Z'))
    expect(parseYamlTimestamp('2026-2-1T1:02:03Z')).toBe(parseRfc3339('2026-02-01T01:02:03Z'))
    expect(parseYamlTimestamp('nightly')).toBeUndefined()
  })
})

describe('formatGoDuration', () => {
  const cases: Array<[bigint, string]> = [
    [0n, '0s'],
    [1n, '1ns'],
    [1_100n, '1.1µs'],
    [327_280_848n, '327.280848ms'],
    [1_500_000_000n, '1.5s'],
    [12_481_516_234n, '12.481516234s'],
    [60_500_000_000n, '1m0.5s'],
    [3600n * S, '1h0m0s'],
    [8142n * S + 318_476_021n, '2h15m42.318476021s'],
    [-1_500_000_000n, '-1.5s'],
  ]
  for (const [ns, text] of cases) {
    it(`prints ${text} when the duration is ${ns} ns`, () => {
      expect(formatGoDuration(ns)).toBe(text)
    })
  }

  fcTest.prop([fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n })])(
    'parses back with parseGoDuration',
    (ns) => {
      expect(parseGoDuration(formatGoDuration(ns))).toBe(ns)
    },
  )
})

describe('parseGoDuration', () => {
  it('reads compound and fractional texts and rejects others', () => {
    expect(parseGoDuration('1h30m')).toBe(5400n * S)
    expect(parseGoDuration('2.5s')).toBe(2_500_000_000n)
    expect(parseGoDuration('500ms')).toBe(500_000_000n)
    expect(() => parseGoDuration('5 s')).toThrow(RangeError)
    expect(() => parseGoDuration('')).toThrow(RangeError)
  })
})

describe('durationSeconds', () => {
  it('adds whole seconds and nanoseconds as Duration.Seconds does', () => {
    expect(durationSeconds(12_481_516_234n)).toBe(12 + 481_516_234 / 1e9)
  })
})
