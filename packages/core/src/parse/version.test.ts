import { fc, it } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { HyperctlParseError } from '../errors.js'
import { parseVersionOutput } from './version.js'

// why: properties with thousands of runs can outlast vitest's 5 s default on a loaded machine
const PROPERTY_TIME = { timeout: 60_000 }

describe('parseVersionOutput', PROPERTY_TIME, () => {
  it('reads the version constant', () => {
    expect(parseVersionOutput('hyperctl version 0.0.1\n')).toEqual({ version: '0.0.1' })
    expect(parseVersionOutput('hyperctl version 1.2.3-rc.1\r\n')).toEqual({ version: '1.2.3-rc.1' })
  })

  it.each([
    [''],
    ['hypervisord version 0.0.1\n'],
    ['hyperctl version\n'],
    ['hyperctl version 0.0.1\nhyperctl version 0.0.2\n'],
    ['Unknown command: version\n'],
    // cut inside the line, or a stray byte in the version: damaged output, not a version
    ['hyperctl version 0.0'],
    ['hyperctl version 0.\u{fffd}0.1\n'],
    ['hyperctl version 0.0.1\u0000\n'],
  ])('throws on %j', (stdout) => {
    expect(() => parseVersionOutput(stdout)).toThrow(HyperctlParseError)
  })

  it.prop([fc.string({ unit: 'binary', maxLength: 200 })], { numRuns: 10_000 })(
    'returns a non-empty version or throws HyperctlParseError for random text',
    (stdout) => {
      let result: { version: string }
      try {
        result = parseVersionOutput(stdout)
      } catch (caught) {
        if (!(caught instanceof HyperctlParseError)) throw caught
        return
      }
      expect(/^\S+$/.test(result.version)).toBe(true)
    },
  )
})
