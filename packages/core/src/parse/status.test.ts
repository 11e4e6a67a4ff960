import { fc, it } from '@fast-check/vitest'
import { loadHyperctlFixtures } from '@hyperctl-export/fixtures'
import { describe, expect } from 'vitest'
import { HyperctlParseError } from '../errors.js'
import { parseStatusOutput, type StatusOutput } from './status.js'

// why: properties with thousands of runs can outlast vitest's 5 s default on a loaded machine
const PROPERTY_TIME = { timeout: 60_000 }

const STRIP = /\x1b\[[0-9;?]*[A-Za-z]/g
const [fixture] = loadHyperctlFixtures((f) => f.name === 'status-with-jobs')
const stdout = fixture?.stdout ?? ''
const expected = fixture?.expected as StatusOutput
const lines = stdout.split('\n')
const lineWith = (text: string) => lines.findIndex((line) => line.replace(STRIP, '').includes(text))
const without = (text: string) => lines.filter((_, index) => index !== lineWith(text)).join('\n')

describe('parseStatusOutput', PROPERTY_TIME, () => {
  it('reads the status-with-jobs fixture (the base of the cases below)', () => {
    expect(parseStatusOutput(stdout)).toEqual(expected)
  })

  it('reads the same output without colours (NO_COLOR) and with CRLF line ends', () => {
    expect(parseStatusOutput(stdout.replace(STRIP, ''))).toEqual(expected)
    expect(parseStatusOutput(stdout.replace(/\n/g, '\r\n'))).toEqual(expected)
  })

  it('reads empty version and uptime cells, as printed for a JSON error body', () => {
    const empty = stdout.replace('0.0.1', '     ').replace('2h15m42.318476021s', ' '.repeat(18))
    expect(parseStatusOutput(empty)).toMatchObject({ version: '', uptime: '' })
  })

  it.each([['⏱️  Uptime'], ['📍 URL'], ['🔄 Running'], ['❌ Failed'], ['📦 Total Jobs']])(
    'throws when the %s row is missing',
    (label) => {
      expect(lineWith(label)).toBeGreaterThan(0)
      expect(() => parseStatusOutput(without(label))).toThrow(HyperctlParseError)
    },
  )

  it('matches labels exactly, emoji and the two spaces after ⚙️ included', () => {
    expect(() => parseStatusOutput(stdout.replace('⚙️  Version', '⚙️ Version ').replace(STRIP, ''))).toThrow(
      /no "⚙️ {2}Version" row/,
    )
  })

  it('throws when a row appears twice', () => {
    const index = lineWith('🔄 Running')
    const doubled = [...lines.slice(0, index + 1), ...lines.slice(index)].join('\n')
    expect(() => parseStatusOutput(doubled)).toThrow(/appears twice/)
  })

  it.each([['x'], ['-1'], ['2.5'], ['']])('throws when a count reads %j', (count) => {
    const plain = stdout.replace(STRIP, '')
    const changed = plain.replace('| 🔄 Running    | 4    ', `| 🔄 Running    | ${count.padEnd(5)}`)
    expect(changed).not.toBe(plain)
    expect(() => parseStatusOutput(changed)).toThrow(HyperctlParseError)
  })

  it('throws when a table is missing, cut off or unknown', () => {
    const statsTop = lines.findLastIndex((line) => line.replace(STRIP, '').startsWith('┌'))
    expect(statsTop).toBeGreaterThan(lineWith('┌'))
    expect(() => parseStatusOutput(lines.slice(0, statsTop).join('\n'))).toThrow(/missing/)
    expect(() => parseStatusOutput(lines.slice(0, lineWith('❌ Failed') + 1).join('\n'))).toThrow(/cut off/)
    expect(() =>
      parseStatusOutput(stdout.replace(STRIP, '').replace('| Property   |', '| Setting    |')),
    ).toThrow(/unexpected table/)
    expect(() => parseStatusOutput('')).toThrow(HyperctlParseError)
  })

  it.prop([fc.string({ unit: 'binary', maxLength: 300 })], { numRuns: 10_000 })(
    'returns whole counts or throws HyperctlParseError for random text',
    (text) => {
      let result: StatusOutput
      try {
        result = parseStatusOutput(text)
      } catch (caught) {
        if (!(caught instanceof HyperctlParseError)) throw caught
        return
      }
      expect(Number.isSafeInteger(result.totalJobs)).toBe(true)
    },
  )
})
