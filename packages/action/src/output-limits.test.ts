import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fitOutputs, MAX_OUTPUT_BYTES } from './output-limits.js'

describe('fitOutputs', () => {
  it('returns outputs that fit unchanged and writes no file', () => {
    const outputs = { result: '[{"a":1}]', status: 'completed' }
    expect(fitOutputs(outputs, mkdtempSync(join(tmpdir(), 'limits-')))).toBe(outputs)
  })

  it('cuts every output that is too large and writes the full result to a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'limits-'))
    const entries = Array.from({ length: 5_000 }, (_, i) => ({ jobId: `job-${i}`, note: 'x'.repeat(300) }))
    const result = JSON.stringify(entries)
    const statuses = JSON.stringify(Object.fromEntries(entries.map((e) => [e.jobId, 'y'.repeat(300)])))
    const fitted = fitOutputs({ result, statuses, status: 'completed' }, dir)
    const file = fitted['result-file']!
    expect(file.startsWith(dir)).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe(result)
    expect(fitted.status).toBe('completed')
    for (const value of Object.values(fitted)) expect(Buffer.byteLength(value)).toBeLessThan(MAX_OUTPUT_BYTES)

    const shown = JSON.parse(fitted.result!) as unknown[]
    expect(shown.at(-1)).toEqual({ truncated: true, shown: shown.length - 1, total: 5_000, resultFile: file })
    expect(shown.slice(0, -1)).toEqual(entries.slice(0, shown.length - 1))
    const keyed = JSON.parse(fitted.statuses!) as Record<string, unknown>
    expect(keyed.truncated).toEqual({
      truncated: true,
      shown: Object.keys(keyed).length - 1,
      total: 5_000,
      resultFile: file,
    })
  })

  it('counts an output by the bytes written, escapes included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'limits-'))
    // 200,000 U+202E are 600 kB raw and 1.2 MB once written as \u202e escapes
    const result = JSON.stringify(['\u202e'.repeat(200_000)])
    const fitted = fitOutputs({ result }, dir)
    expect(fitted['result-file']).toBeDefined()
  })

  it('cuts the lists inside the run document and keeps its other fields', () => {
    const dir = mkdtempSync(join(tmpdir(), 'limits-'))
    const jobs = Array.from({ length: 4_000 }, (_, i) => ({ jobId: `job-${i}`, note: 'x'.repeat(300) }))
    const files = Array.from({ length: 4_000 }, (_, i) => ({
      path: `/exports/vm-${i}.ovf`,
      role: 'descriptor',
    }))
    const doc = { schemaVersion: 1, verdict: 'completed', files, verified: false, checksums: {}, jobs }
    const result = JSON.stringify(doc)
    const fitted = fitOutputs({ result }, dir)
    const file = fitted['result-file']!
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(doc)
    expect(Buffer.byteLength(fitted.result!)).toBeLessThan(MAX_OUTPUT_BYTES)

    const shown = JSON.parse(fitted.result!) as typeof doc
    expect(shown).toMatchObject({ schemaVersion: 1, verdict: 'completed', verified: false, checksums: {} })
    const jobNote = shown.jobs.at(-1)
    expect(jobNote).toEqual({ truncated: true, shown: shown.jobs.length - 1, total: 4_000, resultFile: file })
    expect(shown.jobs.length).toBeGreaterThan(1_000)
    expect(shown.jobs.slice(0, -1)).toEqual(jobs.slice(0, shown.jobs.length - 1))
    expect(shown.files.at(-1)).toEqual({
      truncated: true,
      shown: shown.files.length - 1,
      total: 4_000,
      resultFile: file,
    })
  })
})
