import { fc, it as prop } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { HyperctlParseError } from '../errors.js'
import { JOB_STATUSES } from '../types.js'
import { mapReply, toCancelResult, toJobInfo, toJobList, toJobProgress } from './job-mapping.js'
import { ReplyShapeError } from './json-shape.js'

const base = {
  definition: { id: 'j1', name: 'web 01', vm_path: '/DC/vm/web-01', output_path: '/exports/web-01' },
  status: 'completed',
  updated_at: '2026-02-10T09:41:19Z',
}

describe('toJobInfo', () => {
  it('reads a Go duration in nanoseconds as milliseconds and joins both file lists without repeats', () => {
    const job = toJobInfo({
      ...base,
      result: {
        vm_name: 'web-01',
        output_dir: '/exports/web-01',
        ovf_path: '/exports/web-01/web-01.ovf',
        files: ['/exports/web-01/web-01.ovf'],
        output_files: ['/exports/web-01/web-01.ovf', '/exports/web-01/disk1.vmdk'],
        total_size: 1024,
        duration: 1_500_000_000,
        success: true,
        error: '',
      },
    })
    expect(job.result).toEqual({
      vmName: 'web-01',
      outputDir: '/exports/web-01',
      ovfPath: '/exports/web-01/web-01.ovf',
      files: ['/exports/web-01/web-01.ovf', '/exports/web-01/disk1.vmdk'],
      totalSize: 1024,
      durationMs: 1500,
      success: true,
    })
  })

  it('takes the export method from progress, then result, then the definition', () => {
    const definition = { ...base.definition, export_method: 'govc' }
    expect(toJobInfo({ ...base, definition }).exportMethod).toBe('govc')
    expect(toJobInfo({ ...base, definition: { ...base.definition, method: 'ovftool' } }).exportMethod).toBe(
      'ovftool',
    )
    expect(toJobInfo({ ...base, definition, result: { export_method: 'web' } }).exportMethod).toBe('web')
    expect(
      toJobInfo({ ...base, definition, result: { export_method: 'web' }, progress: { export_method: 'ctl' } })
        .exportMethod,
    ).toBe('ctl')
  })

  it('prefers output_dir over output_path', () => {
    expect(toJobInfo({ ...base, definition: { ...base.definition, output_dir: '/d' } }).outputPath).toBe('/d')
    expect(toJobInfo(base).outputPath).toBe('/exports/web-01')
  })

  it('leaves optional fields absent rather than undefined', () => {
    expect(Object.keys(toJobInfo(base)).sort()).toEqual(
      ['definition', 'id', 'name', 'outputPath', 'source', 'status', 'updatedAt', 'vmPath'].sort(),
    )
  })

  it('accepts a job without vm_path, which the daemon stores and fails', () => {
    expect(toJobInfo({ ...base, definition: { id: 'j2', name: '' } })).toMatchObject({
      id: 'j2',
      vmPath: '',
      name: '',
    })
  })

  it('throws ReplyShapeError for an unknown status, an empty ID or a field of the wrong type', () => {
    expect(() => toJobInfo({ ...base, status: 'paused' })).toThrow(ReplyShapeError)
    expect(() => toJobInfo({ ...base, definition: { ...base.definition, id: '' } })).toThrow(ReplyShapeError)
    expect(() => toJobInfo({ ...base, started_at: 17 })).toThrow(ReplyShapeError)
    expect(() => toJobInfo({ ...base, progress: { percent_complete: '45' } })).toThrow(ReplyShapeError)
    expect(() => toJobInfo({ ...base, result: { files: 'a' } })).toThrow(ReplyShapeError)
  })

  const jsonValue = fc.jsonValue({ maxDepth: 4 })
  const jobLike = fc.record(
    {
      definition: fc.oneof(
        jsonValue,
        fc.record(
          { id: fc.oneof(fc.string(), jsonValue), name: jsonValue, vm_path: jsonValue },
          { requiredKeys: [] },
        ),
      ),
      status: fc.oneof(fc.constantFrom(...JOB_STATUSES), jsonValue),
      progress: fc.oneof(
        jsonValue,
        fc.record({ phase: jsonValue, percent_complete: jsonValue }, { requiredKeys: [] }),
      ),
      result: fc.oneof(jsonValue, fc.record({ files: jsonValue, duration: jsonValue }, { requiredKeys: [] })),
      started_at: jsonValue,
    },
    { requiredKeys: [] },
  )

  prop.prop([fc.oneof(jobLike, jsonValue)], { numRuns: 2_000 })(
    'returns a valid JobInfo or throws ReplyShapeError for any JSON',
    (value) => {
      let job: ReturnType<typeof toJobInfo>
      try {
        job = toJobInfo(value)
      } catch (error) {
        return void expect(error).toBeInstanceOf(ReplyShapeError)
      }
      expect(JOB_STATUSES).toContain(job.status)
      expect(typeof job.id === 'string' && job.id.length > 0).toBe(true)
      expect(job.percent === undefined || Number.isFinite(job.percent)).toBe(true)
      expect(job.result === undefined || Array.isArray(job.result.files)).toBe(true)
    },
  )
})

describe('toJobList', () => {
  it('reads "jobs": null as no jobs', () => {
    expect(toJobList({ jobs: null, total: 0 })).toEqual([])
  })

  it('throws ReplyShapeError for a null element or a jobs field that is not a list', () => {
    expect(() => toJobList({ jobs: [base, null] })).toThrow(ReplyShapeError)
    expect(() => toJobList({ jobs: {} })).toThrow(ReplyShapeError)
  })
})

describe('toJobProgress', () => {
  it('reads a pending job without progress', () => {
    expect(toJobProgress({ job_id: 'j1', status: 'pending', timestamp: 't' })).toEqual({
      jobId: 'j1',
      status: 'pending',
      timestamp: 't',
    })
  })
})

describe('toCancelResult', () => {
  it('gives a failed ID without an errors entry an empty reason, as hyperctl prints it', () => {
    expect(toCancelResult({ cancelled: ['a'], failed: ['b'] })).toEqual({
      cancelled: ['a'],
      failed: [{ id: 'b', error: '' }],
    })
  })
})

describe('mapReply', () => {
  it('turns a ReplyShapeError into HyperctlParseError carrying the raw text', () => {
    let error: unknown
    try {
      mapReply('a job reply', '{"raw":1}', () => toJobInfo({}))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(HyperctlParseError)
    expect((error as HyperctlParseError).raw).toBe('{"raw":1}')
    expect((error as Error).cause).toBeInstanceOf(ReplyShapeError)
  })
})
