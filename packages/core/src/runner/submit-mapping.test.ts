import { describe, expect, it } from 'vitest'
import { HyperctlParseError } from '../errors.js'
import { prepareJobs } from '../jobs/job-definition.js'
import { matchSubmitResult } from './submit-mapping.js'

const jobs = prepareJobs([
  { id: 'web-02', vmPath: '/DC/vm/web-02', outputPath: '/exports/web-02' },
  { id: 'nightly-db', vmPath: '/DC/vm/db-01', outputPath: '/exports/db-01', name: 'nightly db' },
  { id: 'cache-03', vmPath: '/DC/vm/cache-03', outputPath: '/exports/cache-03', exportMethod: 'govc' },
])

describe('matchSubmitResult', () => {
  it('returns one entry per job in input order when every job was accepted', () => {
    const result = matchSubmitResult(
      jobs,
      { accepted: 3, rejected: 0, jobIds: ['cache-03', 'web-02', 'nightly-db'], errors: [] },
      'raw',
    )
    expect(result).toEqual([
      {
        index: 0,
        id: 'web-02',
        vmPath: '/DC/vm/web-02',
        name: 'web-02',
        accepted: true,
        exportMethod: 'web',
      },
      {
        index: 1,
        id: 'nightly-db',
        vmPath: '/DC/vm/db-01',
        name: 'nightly db',
        accepted: true,
        exportMethod: 'web',
      },
      {
        index: 2,
        id: 'cache-03',
        vmPath: '/DC/vm/cache-03',
        name: 'cache-03',
        accepted: true,
        exportMethod: 'govc',
      },
    ])
  })

  it('gives a duplicate-ID rejection to the job it names', () => {
    const result = matchSubmitResult(
      jobs,
      {
        accepted: 2,
        rejected: 1,
        jobIds: ['web-02', 'cache-03'],
        errors: ['job with ID nightly-db already exists'],
      },
      'raw',
    )
    expect(result.map((j) => [j.id, j.accepted, j.error])).toEqual([
      ['web-02', true, undefined],
      ['nightly-db', false, 'job with ID nightly-db already exists'],
      ['cache-03', true, undefined],
    ])
  })

  it('gives a rejection that names no job to the one job left unaccounted for', () => {
    const result = matchSubmitResult(
      jobs,
      { accepted: 2, rejected: 1, jobIds: ['web-02', 'nightly-db'], errors: ['quota exceeded'] },
      'raw',
    )
    expect(result[2]).toMatchObject({ id: 'cache-03', accepted: false, error: 'quota exceeded' })
  })

  it('marks every unaccounted job rejected with all unattributed messages when several are left', () => {
    const result = matchSubmitResult(
      jobs,
      { accepted: 1, rejected: 2, jobIds: ['nightly-db'], errors: ['quota exceeded', 'disk full'] },
      'raw',
    )
    expect(result.map((j) => [j.id, j.accepted, j.error])).toEqual([
      ['web-02', false, 'quota exceeded; disk full'],
      ['nightly-db', true, undefined],
      ['cache-03', false, 'quota exceeded; disk full'],
    ])
  })

  it('marks every job rejected when none was accepted', () => {
    const result = matchSubmitResult(
      jobs,
      {
        accepted: 0,
        rejected: 3,
        jobIds: [],
        errors: [
          'job with ID cache-03 already exists',
          'job with ID web-02 already exists',
          'job with ID nightly-db already exists',
        ],
      },
      'raw',
    )
    expect(result.map((j) => j.error)).toEqual([
      'job with ID web-02 already exists',
      'job with ID nightly-db already exists',
      'job with ID cache-03 already exists',
    ])
  })

  it.each([
    [
      'the counts do not add up to the jobs',
      { accepted: 2, rejected: 0, jobIds: ['web-02', 'cache-03'], errors: [] },
    ],
    [
      'fewer IDs are listed than accepted',
      { accepted: 3, rejected: 0, jobIds: ['web-02', 'cache-03'], errors: [] },
    ],
    [
      'an accepted ID is not ours',
      { accepted: 3, rejected: 0, jobIds: ['web-02', 'cache-03', 'other'], errors: [] },
    ],
    [
      'an ID is listed twice',
      { accepted: 3, rejected: 0, jobIds: ['web-02', 'web-02', 'cache-03'], errors: [] },
    ],
    [
      'a duplicate-ID rejection names a job that is not ours',
      {
        accepted: 2,
        rejected: 1,
        jobIds: ['web-02', 'cache-03'],
        errors: ['job with ID other already exists'],
      },
    ],
    [
      'a job is both accepted and rejected',
      {
        accepted: 2,
        rejected: 1,
        jobIds: ['web-02', 'cache-03'],
        errors: ['job with ID web-02 already exists'],
      },
    ],
  ])('throws HyperctlParseError with the raw text when %s', (_, printed) => {
    let caught: unknown
    try {
      matchSubmitResult(jobs, printed, 'the raw output')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(HyperctlParseError)
    expect((caught as HyperctlParseError).raw).toBe('the raw output')
  })
})
