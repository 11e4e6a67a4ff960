import {
  IncompleteExportError,
  JobFailedError,
  type JobOutcome,
  type OutcomeStatus,
  runJson,
} from '@hyperctl-export/core'
import { describe, expect, it } from 'vitest'
import { EXIT_CODE_FOR_VERDICT, outcomeSummary } from './outcome-report.js'
import { createStyle } from './style.js'

function outcome(status: OutcomeStatus, extra: Partial<JobOutcome> = {}): JobOutcome {
  return {
    index: 0,
    jobId: 'j',
    vmPath: '/DC/vm/a',
    name: 'a',
    status,
    attached: false,
    warnings: [],
    ...extra,
  }
}

describe('outcomeSummary', () => {
  it('lists the files of a completed job and the error and hint of a failed one', () => {
    const text = outcomeSummary(
      [
        outcome('completed', {
          jobId: 'j1',
          result: { files: ['/o/a.ovf', '/o/a-disk1.vmdk'] },
          durationMs: 5_000,
        }),
        outcome('failed', { jobId: 'j2', error: new JobFailedError('j2', 'export failed: \x1b[2J') }),
      ],
      createStyle(false),
    )
    expect(text).toContain('a  completed in 5s  job j1')
    expect(text).toContain('  file    /o/a-disk1.vmdk')
    expect(text).toContain('  error   job j2 failed: export failed: \\x1b[2J')
    expect(text).toContain('  hint    ')
    expect(text).not.toContain('\x1b')
  })
})

describe('outcomeSummary and runJson with verified files', () => {
  const verified = outcome('completed', {
    durationMs: 2_000,
    verified: true,
    files: [
      { path: '/e/a.ovf', size: 1_000, sha256: 'a'.repeat(64), role: 'descriptor' },
      { path: '/e/a-disk-0.vmdk', size: 9_000_000, sha256: 'b'.repeat(64), role: 'disk' },
    ],
  })
  const incomplete = outcome('failed', {
    jobId: 'k',
    verified: false,
    files: [{ path: '/e/b.ovf', size: 10, sha256: 'c'.repeat(64), role: 'descriptor' }],
    error: new IncompleteExportError('k', '/e', [{ path: '/e/b-disk-0.vmdk', problem: 'is missing' }]),
  })

  it('prints each file with its role, size and SHA-256, then the totals and the verdict', () => {
    const text = outcomeSummary([verified], createStyle(false))
    expect(text).toContain(`  file    /e/a.ovf  (descriptor, 1000 B)  sha256 ${'a'.repeat(64)}`)
    expect(text).toContain(`  file    /e/a-disk-0.vmdk  (disk, 8.58 MiB)  sha256 ${'b'.repeat(64)}`)
    // 9 001 000 bytes in 2 s
    expect(text).toContain('  verified  2 files, 8.58 MiB in 2s, 4.5 MB/s')
  })

  it('names the missing file of an incomplete export, exits 1 for it, and lists only completed files in JSON', () => {
    expect(outcomeSummary([incomplete], createStyle(false))).toContain('/e/b-disk-0.vmdk: is missing')
    const json = runJson([verified, incomplete], { waited: true })
    expect(EXIT_CODE_FOR_VERDICT[json.verdict]).toBe(1)
    expect(json.files).toEqual(verified.files)
    expect(json.verified).toBe(true)
    expect(json.checksums).toEqual({ '/e/a.ovf': 'a'.repeat(64), '/e/a-disk-0.vmdk': 'b'.repeat(64) })
    expect(json.jobs[1]).toMatchObject({
      error: { kind: 'incomplete-export' },
      verified: false,
    })
  })
})
