import { fc, it } from '@fast-check/vitest'
import { loadHyperctlFixtures } from '@hyperctl-export/fixtures'
import { describe, expect } from 'vitest'
import { HyperctlParseError } from '../errors.js'
import { type CancelOutput, parseCancelOutput } from './cancel.js'

// why: properties with thousands of runs can outlast vitest's 5 s default on a loaded machine
const PROPERTY_TIME = { timeout: 60_000 }

// pterm prefix lines (docs/hyperctl.md#prefix-lines); the first test checks them against the fixtures
const line = (prefix: string, prefixCode: string, textCode: string) => (message: string) =>
  `\x1b[${prefixCode}m\x1b[${prefixCode}m${prefix}\x1b[0m\x1b[0m \x1b[${textCode}m\x1b[${textCode}m${message}\x1b[0m\x1b[0m\n`
const success = line(' SUCCESS ', '30;42', '32')
const info = line(' INFO ', '30;46', '96')
const warning = line(' WARNING ', '30;43', '33')
const error = line('  ERROR  ', '30;101', '91')
const STRIP = /\x1b\[[0-9;?]*[A-Za-z]/g

function render(result: CancelOutput): string {
  return [
    ...(result.cancelled.length > 0 ? [success('Cancelled:')] : []),
    ...result.cancelled.map((id) => info(`  - ${id}`)),
    ...(result.failed.length > 0 ? [warning('Failed to cancel:')] : []),
    ...result.failed.map((f) => error(`  - ${f.id}: ${f.error}`)),
  ].join('')
}

describe('parseCancelOutput', PROPERTY_TIME, () => {
  it('builds the same bytes as hyperctl for every cancel fixture (so the cases below are faithful)', () => {
    const fixtures = loadHyperctlFixtures((f) => f.command === 'cancel' && !f.expectsError)
    expect(fixtures.length).toBeGreaterThan(0)
    for (const fixture of fixtures) expect(render(fixture.expected as CancelOutput)).toBe(fixture.stdout)
  })

  it('reads cancelled and failed jobs, splitting each failure at the first ": "', () => {
    const result = {
      cancelled: ['nightly:db:1'],
      failed: [
        { id: 'job:42', error: 'job job:42 cannot be cancelled (status: completed)' },
        { id: 'gone', error: 'job not found: gone' },
      ],
    }
    expect(parseCancelOutput(render(result))).toEqual(result)
  })

  it('reads an empty error text, with or without the trailing space', () => {
    const stdout = render({ cancelled: [], failed: [{ id: 'a:b', error: '' }] })
    expect(stdout).toContain('  - a:b: \x1b[0m')
    expect(parseCancelOutput(stdout)).toEqual({ cancelled: [], failed: [{ id: 'a:b', error: '' }] })
    expect(parseCancelOutput(stdout.replace(STRIP, '').replace(/ \n/g, '\n'))).toEqual({
      cancelled: [],
      failed: [{ id: 'a:b', error: '' }],
    })
  })

  it('reads the same output without colours (NO_COLOR) and with CRLF line ends', () => {
    const result = { cancelled: ['a', 'b'], failed: [{ id: 'c', error: 'job not found: c' }] }
    expect(parseCancelOutput(render(result).replace(STRIP, ''))).toEqual(result)
    expect(parseCancelOutput(render(result).replace(/\n/g, '\r\n'))).toEqual(result)
  })

  it('throws on empty stdout, which hides whether any job was cancelled', () => {
    // why: docs/hyperctl.md#post-jobs-cancel lists every requested ID; nothing at all means an error body decoded as empty (docs/hyperctl.md#exit-codes)
    expect(() => parseCancelOutput('')).toThrow(/stdout is empty/)
  })

  it.each([
    ['a failure without ": "', warning('Failed to cancel:') + error('  - gone')],
    ['a section without entries', success('Cancelled:')],
    ['entries without a section', info('  - a')],
    [
      'the sections in the wrong order',
      warning('Failed to cancel:') + error('  - a: x') + success('Cancelled:') + info('  - b'),
    ],
    ['the missing -id error', error('Job ID required (-id)')],
    ['stray text', `${success('Cancelled:')}${info('  - a')}Cancelled 1 job(s)\n`],
    ['an entry cut right after its "  - " (no job ID)', success('Cancelled:') + info('  - ')],
    ['a failure without a job ID', warning('Failed to cancel:') + error('  - : job not found: ')],
  ])('throws on %s', (_, stdout) => {
    expect(() => parseCancelOutput(stdout)).toThrow(HyperctlParseError)
  })

  it.prop([fc.string({ unit: 'binary', maxLength: 300 })], { numRuns: 10_000 })(
    'returns lists of IDs or throws HyperctlParseError for random text',
    (stdout) => {
      let result: CancelOutput
      try {
        result = parseCancelOutput(stdout)
      } catch (caught) {
        if (!(caught instanceof HyperctlParseError)) throw caught
        return
      }
      expect(result.cancelled.length + result.failed.length).toBeGreaterThan(0)
    },
  )

  it.prop(
    [
      fc.array(fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/)),
      fc.array(
        fc.record({
          id: fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/),
          error: fc.string({ maxLength: 40 }).filter((s) => !/[\r\n\x1b]/.test(s)),
        }),
      ),
    ],
    { numRuns: 1_000 },
  )('reads back generated results exactly', (cancelled, failed) => {
    fc.pre(cancelled.length + failed.length > 0)
    expect(parseCancelOutput(render({ cancelled, failed }))).toEqual({ cancelled, failed })
  })
})
