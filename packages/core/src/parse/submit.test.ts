import { fc, it } from '@fast-check/vitest'
import { loadHyperctlFixtures } from '@hyperctl-export/fixtures'
import { describe, expect } from 'vitest'
import { HyperctlParseError } from '../errors.js'
import { parseSubmitOutput, type SubmitOutput } from './submit.js'

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

function render(result: SubmitOutput): string {
  return [
    ...(result.accepted > 0 ? [success(`Accepted Jobs: ${result.accepted}`)] : []),
    ...result.jobIds.map((id) => info(`  - Job ID: ${id}`)),
    ...(result.rejected > 0 ? [warning(`Rejected Jobs: ${result.rejected}`)] : []),
    ...result.errors.map((message) => error(`  - ${message}`)),
  ].join('')
}

describe('parseSubmitOutput', PROPERTY_TIME, () => {
  it('builds the same bytes as hyperctl for every submit fixture (so the cases below are faithful)', () => {
    const fixtures = loadHyperctlFixtures((f) => f.command === 'submit' && !f.expectsError)
    expect(fixtures.length).toBeGreaterThan(0)
    for (const fixture of fixtures) expect(render(fixture.expected as SubmitOutput)).toBe(fixture.stdout)
  })

  it('reads accepted IDs and rejection messages', () => {
    const result = {
      accepted: 2,
      rejected: 1,
      jobIds: ['a1', 'b2'],
      errors: ['job with ID x already exists'],
    }
    expect(parseSubmitOutput(render(result))).toEqual(result)
  })

  it('reads all jobs rejected as accepted 0 (no Accepted line is printed then)', () => {
    const result = {
      accepted: 0,
      rejected: 2,
      jobIds: [],
      errors: ['job with ID a already exists', 'job with ID b already exists'],
    }
    expect(parseSubmitOutput(render(result))).toEqual(result)
  })

  it('keeps job IDs that contain ":" and spaces whole', () => {
    const result = { accepted: 2, rejected: 0, jobIds: ['nightly:db:2026-02-10', 'a: b'], errors: [] }
    expect(parseSubmitOutput(render(result))).toEqual(result)
  })

  it('reads the same output without colours (NO_COLOR) and with CRLF line ends', () => {
    const result = {
      accepted: 1,
      rejected: 1,
      jobIds: ['2545e058-b89e-4692-8e5d-47214a8ea293'],
      errors: ['no'],
    }
    const plain = render(result).replace(STRIP, '')
    expect(plain).toContain(' INFO    - Job ID: 2545e058')
    expect(parseSubmitOutput(plain)).toEqual(result)
    expect(parseSubmitOutput(render(result).replace(/\n/g, '\r\n'))).toEqual(result)
  })

  it('keeps a multi-line rejection message, without pterm blank prefixes', () => {
    const stdout = `${warning('Rejected Jobs: 1')}\x1b[30;101m\x1b[30;101m  ERROR  \x1b[0m\x1b[0m \x1b[91m\x1b[91m  - first\x1b[0m\x1b[0m\n\x1b[30;101m\x1b[30;101m         \x1b[0m\x1b[0m \x1b[91m\x1b[91msecond\x1b[0m\x1b[0m\n`
    expect(parseSubmitOutput(stdout).errors).toEqual(['first\nsecond'])
  })

  it.each([
    ['Accepted Jobs: 2 with one ID', success('Accepted Jobs: 2') + info('  - Job ID: a1')],
    [
      'Accepted Jobs: 1 with two IDs',
      success('Accepted Jobs: 1') + info('  - Job ID: a1') + info('  - Job ID: b2'),
    ],
    ['Rejected Jobs: 1 with two messages', warning('Rejected Jobs: 1') + error('  - x') + error('  - y')],
    ['Rejected Jobs: 2 with one message', warning('Rejected Jobs: 2') + error('  - x')],
    ['IDs without an Accepted line', info('  - Job ID: a1')],
    ['messages without a Rejected line', error('  - x')],
    ['a rejection cut right after its "  - "', warning('Rejected Jobs: 1') + error('  - ')],
  ])('throws when the counts do not match the lists: %s', (_, stdout) => {
    expect(() => parseSubmitOutput(stdout)).toThrow(HyperctlParseError)
  })

  it('throws on empty stdout, which a submit that reached hypervisord never prints', () => {
    // why: docs/hyperctl.md#post-jobs-submit: a 200 reply means at least one job was parsed, and each is accepted or rejected
    expect(() => parseSubmitOutput('')).toThrow(/stdout is empty/)
    expect(() => parseSubmitOutput('\n')).toThrow(HyperctlParseError)
  })

  it('throws on lines that are not part of a submit result', () => {
    const accepted = success('Accepted Jobs: 1') + info('  - Job ID: a1')
    expect(() => parseSubmitOutput(`${accepted}stray\n`)).toThrow(HyperctlParseError)
    expect(() => parseSubmitOutput(`${accepted}${info('Submitted')}`)).toThrow(HyperctlParseError)
    expect(() => parseSubmitOutput(error('Job ID required (-id)'))).toThrow(HyperctlParseError)
    expect(() => parseSubmitOutput(warning('Rejected Jobs: 1') + error('  - x') + accepted)).toThrow(
      HyperctlParseError,
    )
    expect(() => parseSubmitOutput(success('Accepted Jobs: 1') + info('  - Job ID: '))).toThrow(
      /empty job ID/,
    )
  })

  it.prop([fc.string({ unit: 'binary', maxLength: 300 })], { numRuns: 10_000 })(
    'returns counts that match the lists or throws HyperctlParseError for random text',
    (stdout) => {
      let result: SubmitOutput
      try {
        result = parseSubmitOutput(stdout)
      } catch (caught) {
        if (!(caught instanceof HyperctlParseError)) throw caught
        return
      }
      expect(result.jobIds.length === result.accepted && result.errors.length === result.rejected).toBe(true)
    },
  )

  it.prop(
    [
      fc.array(fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\r\n\x1b]/.test(s))),
      // why: a rejection always says why (docs/hyperctl.md#post-jobs-submit); an empty message is a cut line, refused above
      fc.array(fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\r\n\x1b]/.test(s))),
    ],
    { numRuns: 1_000 },
  )('reads back generated results exactly', (jobIds, errors) => {
    fc.pre(jobIds.length + errors.length > 0)
    const result = { accepted: jobIds.length, rejected: errors.length, jobIds, errors }
    expect(parseSubmitOutput(render(result))).toEqual(result)
  })
})
