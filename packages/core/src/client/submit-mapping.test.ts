import { describe, expect, it } from 'vitest'
import { prepareJobs } from '../jobs/job-definition.js'
import { ReplyShapeError } from './json-shape.js'
import { toSubmitResult } from './submit-mapping.js'

const jobs = prepareJobs([
  { id: 'a', vmPath: '/vm/a', outputPath: '/x/a' },
  { id: 'b', vmPath: '/vm/b', outputPath: '/x/b' },
  { id: 'c', vmPath: '/vm/c', outputPath: '/x/c', thin: true },
])

describe('toSubmitResult', () => {
  it('matches duplicate rejections to their jobs whatever their order', () => {
    const result = toSubmitResult(
      {
        job_ids: ['b'],
        accepted: 1,
        rejected: 2,
        errors: ['job with ID c already exists', 'job with ID a already exists'],
      },
      jobs,
    )
    expect(result.jobs.map((j) => [j.id, j.accepted, j.error])).toEqual([
      ['a', false, 'job with ID a already exists'],
      ['b', true, undefined],
      ['c', false, 'job with ID c already exists'],
    ])
  })

  it('pairs other messages with the unaccepted jobs in order when they are equally many', () => {
    const result = toSubmitResult({ job_ids: ['b'], errors: ['quota exceeded', 'disk full'] }, jobs)
    expect(result.jobs.map((j) => j.error)).toEqual(['quota exceeded', undefined, 'disk full'])
  })

  it('gives every unaccepted job all unexplained messages when they do not pair up', () => {
    const result = toSubmitResult({ job_ids: ['b'], errors: ['daemon busy'] }, jobs)
    expect(result.jobs.map((j) => j.error)).toEqual([
      'hypervisord did not accept this job: daemon busy',
      undefined,
      'hypervisord did not accept this job: daemon busy',
    ])
  })

  it('says so when a job is neither accepted nor named', () => {
    const result = toSubmitResult({ job_ids: ['a', 'b'] }, jobs)
    expect(result.jobs[2]).toMatchObject({ accepted: false, error: 'hypervisord did not accept this job' })
  })

  it('warns per job, naming the job when there are several', () => {
    expect(toSubmitResult({ job_ids: ['a', 'b', 'c'] }, jobs).warnings).toEqual([
      'job c: thin is used only by the ctl export method, not by web',
    ])
    expect(toSubmitResult({ job_ids: ['c'] }, jobs.slice(2)).warnings).toEqual([
      'thin is used only by the ctl export method, not by web',
    ])
  })

  it('throws ReplyShapeError when the daemon accepted jobs under IDs we did not send', () => {
    expect(() => toSubmitResult({ job_ids: ['a', 'f7029af9-1f43-4239-833a-aeb83df35526'] }, jobs)).toThrow(
      ReplyShapeError,
    )
  })

  it('throws ReplyShapeError when job_ids is missing', () => {
    expect(() => toSubmitResult({ accepted: 3 }, jobs)).toThrow(ReplyShapeError)
  })
})
