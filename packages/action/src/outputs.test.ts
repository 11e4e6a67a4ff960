import {
  DaemonUnreachableError,
  JobFailedError,
  type JobOutcome,
  JobRejectedError,
  JobTimeoutError,
  runVerdict,
} from '@hyperctl-export/core'
import { describe, expect, it } from 'vitest'
import { computeOutputs, STATUS_FOR_VERDICT } from './outputs.js'

function outcome(over: Partial<JobOutcome> & Pick<JobOutcome, 'jobId' | 'status'>): JobOutcome {
  return {
    index: 0,
    vmPath: `/DC/vm/${over.jobId}`,
    name: over.jobId,
    attached: false,
    warnings: [],
    ...over,
  }
}

const done = (jobId: string, files: string[] = []) =>
  outcome({
    jobId,
    status: 'completed',
    result: { files, totalSize: 10 },
    files: files.map((path, i) => ({
      path,
      size: 5,
      sha256: `${i}`.repeat(64),
      role: path.endsWith('.ovf') ? 'descriptor' : 'disk',
    })),
    verified: true,
    exportMethod: 'web',
    durationMs: 1500,
  })

describe('STATUS_FOR_VERDICT', () => {
  it.each([
    [[done('a'), done('b')], true, false, 'completed'],
    [[outcome({ jobId: 'a', status: 'running' })], false, false, 'submitted'],
    [[done('a'), outcome({ jobId: 'b', status: 'failed' })], true, false, 'failed'],
    [[outcome({ jobId: 'a', status: 'lost' })], true, false, 'failed'],
    [
      [outcome({ jobId: 'a', status: 'unknown', error: new DaemonUnreachableError('http://x', 'refused') })],
      true,
      false,
      'failed',
    ],
    [[outcome({ jobId: 'a', status: 'timeout' }), done('b')], true, false, 'timeout'],
    [[outcome({ jobId: 'a', status: 'cancelled' })], true, false, 'cancelled'],
    [
      [outcome({ jobId: 'a', status: 'aborted' }), outcome({ jobId: 'b', status: 'failed' })],
      true,
      false,
      'cancelled',
    ],
    [[outcome({ jobId: 'a', status: 'skipped' })], true, true, 'cancelled'],
  ] as const)(
    'gives %j (waited %s, interrupted %s) the status %s',
    (outcomes, waited, interrupted, status) => {
      expect(STATUS_FOR_VERDICT[runVerdict(outcomes, { waited, interrupted })]).toBe(status)
    },
  )
})

describe('computeOutputs', () => {
  it('writes every output as the documented string when one job completed and one failed', () => {
    const failed = outcome({
      jobId: 'b',
      index: 1,
      status: 'failed',
      error: new JobFailedError('b', 'validate job definition: vcenter server is required'),
    })
    const rejected = outcome({
      jobId: 'c',
      index: 2,
      status: 'rejected',
      error: new JobRejectedError('job with ID c already exists'),
    })
    const outputs = computeOutputs({
      outcomes: [done('a', ['/exports/a/a.ovf', '/exports/a/a-disk1.vmdk']), failed, rejected],
      waited: true,
      transport: 'api',
      outputPath: '/exports',
      durationMs: 61_400,
      exportMethod: 'web',
    })
    expect(outputs).toMatchObject({
      'job-id': 'a',
      'job-ids': '["a","b"]',
      status: 'failed',
      statuses: '{"a":"completed","b":"failed","c":"rejected"}',
      'output-path': '/exports',
      files: JSON.stringify([
        { path: '/exports/a/a.ovf', size: 5, sha256: '0'.repeat(64), role: 'descriptor' },
        { path: '/exports/a/a-disk1.vmdk', size: 5, sha256: '1'.repeat(64), role: 'disk' },
      ]),
      verified: 'true',
      checksums: JSON.stringify({
        '/exports/a/a.ovf': '0'.repeat(64),
        '/exports/a/a-disk1.vmdk': '1'.repeat(64),
      }),
      'duration-seconds': '61',
      transport: 'api',
      'export-method': 'web',
    })
    const result = JSON.parse(outputs.result!)
    expect(result).toMatchObject({ schemaVersion: 1, verdict: 'failed' })
    expect(result.jobs).toHaveLength(3)
    expect(result.jobs[1].error).toEqual({
      kind: 'job-failed',
      message: 'job b failed: validate job definition: vcenter server is required',
      hint: failed.error!.hint,
    })
    expect(Object.keys(outputs).sort()).toEqual([
      'checksums',
      'duration-seconds',
      'export-method',
      'files',
      'job-id',
      'job-ids',
      'output-path',
      'result',
      'status',
      'statuses',
      'transport',
      'verified',
    ])
  })

  it('leaves job-id empty and job-ids an empty array when the daemon accepted nothing', () => {
    const outputs = computeOutputs({
      outcomes: [outcome({ jobId: 'x', status: 'rejected' })],
      waited: true,
      transport: 'cli',
      outputPath: '/o',
      durationMs: 0,
      exportMethod: 'web',
    })
    expect(outputs['job-id']).toBe('')
    expect(outputs['job-ids']).toBe('[]')
  })
})

describe('result output', () => {
  it('redacts the vCenter password the daemon echoes in the job definition', () => {
    const o = outcome({
      jobId: 'a',
      status: 'timeout',
      error: new JobTimeoutError(['a'], 60_000, false),
      job: {
        id: 'a',
        name: 'a',
        vmPath: '/DC/vm/a',
        status: 'running',
        phase: 'exporting',
        percent: 40,
        source: 'api',
        definition: { vcenter: { server: 'vc', username: 'u', password: 'hunter2-secret' } },
      },
    })
    const { result } = computeOutputs({
      outcomes: [o],
      waited: true,
      transport: 'api',
      outputPath: '/o',
      durationMs: 0,
      exportMethod: 'web',
    })
    expect(result).not.toContain('hunter2-secret')
    expect(JSON.parse(result!).jobs[0]).toMatchObject({
      jobId: 'a',
      status: 'timeout',
      phase: 'exporting',
      percent: 40,
    })
  })
})
