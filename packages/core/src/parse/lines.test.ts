import { fc, it } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { toLines } from './lines.js'

// why: properties with thousands of runs can outlast vitest's 5 s default on a loaded machine
const PROPERTY_TIME = { timeout: 60_000 }

describe('toLines', PROPERTY_TIME, () => {
  it('removes colour codes', () => {
    expect(
      toLines('\x1b[30;46m\x1b[30;46m INFO \x1b[0m\x1b[0m \x1b[96m\x1b[96mNo jobs found\x1b[0m\x1b[0m\n'),
    ).toEqual([' INFO  No jobs found', ''])
  })

  it('reduces spinner redraws to the final line when the clear is 80 spaces', () => {
    const stderr = `\r▀  Querying jobs... (0s)\r ▀ Querying jobs... (0s)\r${' '.repeat(80)}\r SUCCESS  Found 1 job(s)\n`
    expect(toLines(stderr)).toEqual([' SUCCESS  Found 1 job(s)', ''])
  })

  it('keeps what a shorter redraw did not overwrite, as a terminal does', () => {
    expect(toLines('abcdef\rXY')).toEqual(['XYcdef'])
    expect(toLines('<html>\r\n')).toEqual(['<html>', ''])
    expect(toLines('done\r')).toEqual(['done'])
  })

  it('reads CRLF line ends as LF and trims trailing spaces', () => {
    expect(toLines('a  \r\nb\r\n')).toEqual(['a', 'b', ''])
  })

  it('keeps emoji, CJK and U+FFFD intact', () => {
    expect(toLines('📊 状态 \uFFFD\uFFFDxy\n')).toEqual(['📊 状态 \uFFFD\uFFFDxy', ''])
  })

  it.prop([fc.string({ unit: 'binary', maxLength: 300 })], { numRuns: 2_000 })(
    'returns one line per line feed, without carriage returns or trailing spaces',
    (text) => {
      const lines = toLines(text)
      expect(lines.length).toBe(text.replace(/\r\n/g, '\n').split('\n').length)
      expect(lines.some((line) => /[\r\n]|\s$/.test(line))).toBe(false)
    },
  )
})
