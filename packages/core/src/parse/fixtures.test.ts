import { fc, it } from '@fast-check/vitest'
import { type HyperctlFixture, loadHyperctlFixtures } from '@hyperctl-export/fixtures'
import { describe, expect } from 'vitest'
import { HyperctlParseError } from '../errors.js'
import { parseCancelOutput } from './cancel.js'
import { classifyHyperctlFailure } from './failure.js'
import { parseQueryOutput, type QueryOutput } from './query.js'
import { parseStatusOutput } from './status.js'
import { parseSubmitOutput } from './submit.js'
import { parseVersionOutput } from './version.js'

// why: properties with thousands of runs can outlast vitest's 5 s default on a loaded machine
const PROPERTY_TIME = { timeout: 60_000 }

const fixtures = loadHyperctlFixtures()

/** The parser for each command, fed the way the runner feeds it (query also gets stderr). */
const parsers: Record<string, (stdout: string, stderr: string) => unknown> = {
  submit: (stdout) => parseSubmitOutput(stdout),
  query: (stdout, stderr) => parseQueryOutput(stdout, stderr),
  status: (stdout) => parseStatusOutput(stdout),
  cancel: (stdout) => parseCancelOutput(stdout),
  version: (stdout) => parseVersionOutput(stdout),
}

const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g

/** What hyperctl prints with NO_COLOR set: the same bytes without escape codes (docs/hyperctl.md#colour). */
function withoutColour(bytes: Buffer): string {
  return bytes.toString('latin1').replace(ESCAPES, '')
}

function decode(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8')
}

function exitCodeOf(fixture: HyperctlFixture): number {
  return fixture.case.exitCode
}

describe('hyperctl fixtures', PROPERTY_TIME, () => {
  it('finds the public fixture set', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(24)
  })

  for (const fixture of fixtures) {
    const run = { stdout: fixture.stdout, stderr: fixture.stderr, exitCode: exitCodeOf(fixture) }
    const parse = parsers[fixture.command]
    if (fixture.expectsError) {
      it(`classifies ${fixture.name} as its expected failure`, () => {
        expect(classifyHyperctlFailure(run)).toEqual(fixture.expected)
      })
      if (parse) {
        it(`refuses to read ${fixture.name} as a ${fixture.command} result`, () => {
          expect(() => parse(fixture.stdout, fixture.stderr)).toThrow(HyperctlParseError)
        })
      }
    } else {
      it(`classifies ${fixture.name} as a success`, () => {
        expect(classifyHyperctlFailure(run)).toBeNull()
      })
      if (parse) {
        it(`reads ${fixture.name} exactly`, () => {
          expect(parse(fixture.stdout, fixture.stderr)).toEqual(fixture.expected)
        })
        it(`reads ${fixture.name} without colours (NO_COLOR) exactly, or refuses an ambiguous table`, () => {
          const stdout = decode(withoutColour(fixture.stdoutBytes))
          const stderr = decode(withoutColour(fixture.stderrBytes))
          expect(classifyHyperctlFailure({ stdout, stderr, exitCode: run.exitCode })).toBeNull()
          let result: unknown
          try {
            result = parse(stdout, stderr)
          } catch (error) {
            // why: only a query row whose name or path contains " | " is unreadable without colours
            expect(error).toBeInstanceOf(HyperctlParseError)
            expect(fixture.command).toBe('query')
            expect(stdout.split('\n').some((line) => line.split(' | ').length > 6)).toBe(true)
            return
          }
          expect(result).toEqual(fixture.expected)
        })
        it(`reads ${fixture.name} with CRLF line ends exactly`, () => {
          const crlf = (text: string) => text.replace(/\n/g, '\r\n')
          expect(parse(crlf(fixture.stdout), crlf(fixture.stderr))).toEqual(fixture.expected)
          expect(
            classifyHyperctlFailure({ ...run, stdout: crlf(run.stdout), stderr: crlf(run.stderr) }),
          ).toBeNull()
        })
      }
    }
    if (fixture.expectsError) {
      it(`classifies ${fixture.name} without colours (NO_COLOR) the same`, () => {
        const stdout = decode(withoutColour(fixture.stdoutBytes))
        const stderr = decode(withoutColour(fixture.stderrBytes))
        expect(classifyHyperctlFailure({ stdout, stderr, exitCode: run.exitCode })).toEqual(fixture.expected)
      })
    }
  }
})

// Mutations of real outputs: a mutated output is either read as a valid result or refused with a
// HyperctlParseError, and never turns a job that was not completed into a completed one.

type Mutation =
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; byte: number }
  | { kind: 'delete'; at: number }
  | { kind: 'drop-line'; at: number }
  | { kind: 'duplicate-line'; at: number }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('drop-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
)

function mutate(bytes: Buffer, change: Mutation): string {
  if (bytes.length === 0) return ''
  const at = change.at % bytes.length
  switch (change.kind) {
    case 'cut':
      return bytes.subarray(0, at).toString('utf8')
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([change.byte]), bytes.subarray(at)]).toString(
        'utf8',
      )
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]).toString('utf8')
    case 'drop-line':
    case 'duplicate-line': {
      const lines = bytes.toString('utf8').split('\n')
      const line = change.at % lines.length
      if (change.kind === 'drop-line') lines.splice(line, 1)
      else lines.splice(line, 0, lines[line] ?? '')
      return lines.join('\n')
    }
  }
}

function successFixtures(command: string): HyperctlFixture[] {
  return fixtures.filter((f) => f.command === command && !f.expectsError)
}

/** Returns the result, or undefined after checking that the parser refused with a HyperctlParseError. */
function attempt<T>(read: () => T): T | undefined {
  try {
    return read()
  } catch (error) {
    if (error instanceof HyperctlParseError) return undefined
    throw error
  }
}

const STATUSES: readonly string[] = ['pending', 'running', 'completed', 'failed', 'cancelled']
const stringList = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string')

function withAlsoNoColour(
  list: HyperctlFixture[],
): Array<{ stdout: Buffer; stderr: string; source: HyperctlFixture }> {
  return list.flatMap((source) => [
    { stdout: source.stdoutBytes, stderr: source.stderr, source },
    {
      stdout: Buffer.from(withoutColour(source.stdoutBytes), 'latin1'),
      stderr: decode(withoutColour(source.stderrBytes)),
      source,
    },
  ])
}

describe('parseQueryOutput on mutated fixtures', PROPERTY_TIME, () => {
  const samples = withAlsoNoColour(successFixtures('query'))
  const sample = fc.constantFrom(...samples)

  it.prop([sample, mutation, fc.boolean()], { numRuns: 10_000 })(
    'returns rows no more completed than the original, or throws HyperctlParseError',
    ({ stdout, stderr, source }, change, passStderr) => {
      const result = attempt(() => parseQueryOutput(mutate(stdout, change), passStderr ? stderr : undefined))
      if (!result) return
      const original = source.expected as QueryOutput
      const completedBefore = original.jobs.filter((job) => job.status === 'completed').length
      const completedAfter = result.jobs.filter((job) => job.status === 'completed').length
      // why: only a duplicated line can repeat an intact completed row, and with stderr even that is refused
      const allowed = passStderr
        ? completedBefore
        : completedBefore + (change.kind === 'duplicate-line' ? 1 : 0)
      expect(completedAfter).toBeLessThanOrEqual(allowed)
      expect(result.total).toBe(result.jobs.length)
      if (passStderr) expect(result.jobs.length).toBe(original.jobs.length)
      expect(result.jobs.every((job) => STATUSES.includes(job.status) && job.id !== '')).toBe(true)
    },
  )

  const failedOnly = samples.filter(({ source }) =>
    (source.expected as QueryOutput).jobs.every((job) => job.status !== 'completed'),
  )
  it.prop([fc.constantFrom(...failedOnly), mutation], { numRuns: 2_000 })(
    'never reads a completed job from a mutated table that had none',
    ({ stdout, stderr }, change) => {
      const result = attempt(() => parseQueryOutput(mutate(stdout, change), stderr))
      expect(result?.jobs.some((job) => job.status === 'completed') ?? false).toBe(false)
    },
  )
})

describe('parseSubmitOutput on mutated fixtures', PROPERTY_TIME, () => {
  const sample = fc.constantFrom(...withAlsoNoColour(successFixtures('submit')))
  it.prop([sample, mutation], { numRuns: 10_000 })(
    'returns counts that match the lists, or throws HyperctlParseError',
    ({ stdout }, change) => {
      const result = attempt(() => parseSubmitOutput(mutate(stdout, change)))
      if (!result) return
      expect(result.accepted).toBe(result.jobIds.length)
      expect(result.rejected).toBe(result.errors.length)
      expect(result.accepted + result.rejected).toBeGreaterThan(0)
      expect(stringList(result.jobIds) && stringList(result.errors)).toBe(true)
    },
  )
})

describe('parseStatusOutput on mutated fixtures', PROPERTY_TIME, () => {
  const sample = fc.constantFrom(...withAlsoNoColour(successFixtures('status')))
  it.prop([sample, mutation], { numRuns: 10_000 })(
    'returns whole counts, or throws HyperctlParseError',
    ({ stdout }, change) => {
      const result = attempt(() => parseStatusOutput(mutate(stdout, change)))
      if (!result) return
      const counts = [result.totalJobs, result.runningJobs, result.completedJobs, result.failedJobs]
      expect(counts.every((count) => Number.isSafeInteger(count) && count >= 0)).toBe(true)
      expect(typeof result.version === 'string' && typeof result.uptime === 'string').toBe(true)
    },
  )
})

describe('parseCancelOutput on mutated fixtures', PROPERTY_TIME, () => {
  const sample = fc.constantFrom(...withAlsoNoColour(successFixtures('cancel')))
  it.prop([sample, mutation], { numRuns: 10_000 })(
    'returns lists of IDs, or throws HyperctlParseError',
    ({ stdout }, change) => {
      const result = attempt(() => parseCancelOutput(mutate(stdout, change)))
      if (!result) return
      expect(stringList(result.cancelled)).toBe(true)
      expect(result.failed.every((f) => typeof f.id === 'string' && typeof f.error === 'string')).toBe(true)
      expect(result.cancelled.length + result.failed.length).toBeGreaterThan(0)
    },
  )
})

describe('parseVersionOutput on mutated fixtures', PROPERTY_TIME, () => {
  const sample = fc.constantFrom(...withAlsoNoColour(successFixtures('version')))
  it.prop([sample, mutation], { numRuns: 10_000 })(
    'returns a version without spaces, or throws HyperctlParseError',
    ({ stdout }, change) => {
      const result = attempt(() => parseVersionOutput(mutate(stdout, change)))
      if (result) expect(/^\S+$/.test(result.version)).toBe(true)
    },
  )
})

describe('classifyHyperctlFailure on mutated fixtures', PROPERTY_TIME, () => {
  const sample = fc.constantFrom(...fixtures)
  it.prop([sample, mutation, fc.boolean(), fc.integer({ min: 0, max: 255 })], { numRuns: 3_000 })(
    'returns null only for exit 0, and a known kind with that exit code otherwise',
    (fixture, change, onStderr, exitCode) => {
      const stdout = onStderr ? fixture.stdout : mutate(fixture.stdoutBytes, change)
      const stderr = onStderr ? mutate(fixture.stderrBytes, change) : fixture.stderr
      const result = classifyHyperctlFailure({ stdout, stderr, exitCode })
      if (result === null) {
        expect(exitCode).toBe(0)
        return
      }
      expect(Object.keys(result).sort()).toEqual(['error', 'exitCode', 'message'])
      expect(result.exitCode).toBe(exitCode)
      expect([
        'daemon-unreachable',
        'server-error',
        'parse-failure',
        'usage',
        'not-found',
        'unknown',
      ]).toContain(result.error)
      expect(typeof result.message).toBe('string')
    },
  )
})
