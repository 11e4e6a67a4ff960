import { describe, expect, it } from 'vitest'
import { JobFailedError } from '../errors.js'
import type { JobOutcome } from './job-outcome.js'
import { jobOutcomeJson, OUTCOME_SCHEMA_VERSION, runJson } from './run-json.js'

const failed: JobOutcome = {
  ...{ index: 1, jobId: 'b', vmPath: '/DC/vm/b', name: 'b', status: 'failed' },
  attached: true,
  exportMethod: 'web',
  durationMs: 2000,
  job: {
    id: 'b',
    name: 'b',
    vmPath: '/DC/vm/b',
    status: 'failed',
    phase: 'connecting',
    percent: 0,
    source: 'api',
  },
  error: new JobFailedError('b', 'vcenter server is required'),
  warnings: ['w'],
}

describe('jobOutcomeJson', () => {
  it('gives the fields in a fixed order, the error as kind, message and hint, and the last progress', () => {
    expect(JSON.stringify(jobOutcomeJson(failed))).toBe(
      JSON.stringify({
        jobId: 'b',
        vmPath: '/DC/vm/b',
        name: 'b',
        status: 'failed',
        attached: true,
        exportMethod: 'web',
        durationMs: 2000,
        phase: 'connecting',
        percent: 0,
        error: {
          kind: 'job-failed',
          message: 'job b failed: vcenter server is required',
          hint: failed.error!.hint,
        },
        warnings: ['w'],
      }),
    )
  })

  it('leaves out what is unknown and the stale progress of a completed job, and masks secrets in the result', () => {
    const json = jobOutcomeJson({
      ...{ index: 0, jobId: 'a', vmPath: '/DC/vm/a', name: 'a', status: 'completed', attached: false },
      job: {
        id: 'a',
        name: 'a',
        vmPath: '/DC/vm/a',
        status: 'completed',
        phase: 'connecting',
        source: 'api',
      },
      result: { files: ['/o/a.ovf'], outputDir: '/o', password: 'hunter22' } as never,
      warnings: [],
    })
    expect(json).toEqual({
      jobId: 'a',
      vmPath: '/DC/vm/a',
      name: 'a',
      status: 'completed',
      attached: false,
      result: { files: ['/o/a.ovf'], outputDir: '/o', password: '[redacted]' },
      warnings: [],
    })
  })
})

describe('runJson', () => {
  it('carries the schema version, the verdict and every job in input order', () => {
    const json = runJson([{ ...failed, index: 0, jobId: 'a' }, failed], { waited: true })
    expect(json.schemaVersion).toBe(OUTCOME_SCHEMA_VERSION)
    expect(json.verdict).toBe('failed')
    expect(json.jobs.map((j) => j.jobId)).toEqual(['a', 'b'])
  })
})
