import { readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { type HypervisordSim, startHypervisordSim } from '@hyperctl-export/simulator'
import { afterEach, describe, expect, it } from 'vitest'
import { ActionHarness } from './support/action-harness.js'

const VMS = 10_000
// GitHub's limits: a step summary up to 1 MiB, one output up to 1 MB
const SUMMARY_LIMIT = 1024 * 1024
const OUTPUT_LIMIT = 1_000_000

let daemon: HypervisordSim | undefined
afterEach(async () => {
  await daemon?.close()
  daemon = undefined
})

describe('the action with 10,000 VMs', () => {
  it('keeps the summary under 1 MiB and each output under 1 MB, with every outcome in result-file', async () => {
    // why: no files on disk (10,000 exports), but each result still lists its files, as the web exporter does
    daemon = await startHypervisordSim({ jobDurationMs: 1, writeFiles: false, stableOrder: true })
    const harness = await ActionHarness.create()
    const vmPaths = Array.from({ length: VMS }, (_, i) => `/DC/vm/fleet-${String(i).padStart(5, '0')}`)
    // why: 10,000 paths are too long for one INPUT_ variable (Linux caps one at 128 KiB); a job file carries them
    const jobs = vmPaths.map((vmPath) => ({ vm_path: vmPath, output_path: '/exports' }))
    await writeFile(join(harness.workspace, 'fleet.json'), JSON.stringify({ jobs }))
    const run = await harness.run('main', {
      'daemon-url': daemon.url,
      transport: 'api',
      'vcenter-server': 'vc.example.test',
      'vcenter-username': 'exporter',
      'vcenter-password': 'limits-Pa55word',
      'job-file': 'fleet.json',
      'poll-interval': '200ms',
      timeout: '20m',
      // why: the simulator writes no files here, so there is nothing to verify (and /exports may exist)
      verify: 'off',
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('completed')

    expect(Buffer.byteLength(run.summary)).toBeLessThanOrEqual(SUMMARY_LIMIT)
    expect(run.summary).toMatch(/\d+ more jobs are not shown in this table \(\d+ completed\)/)
    const outputFile = await readFile(`${harness.dir}/step-1-main/output`, 'utf8')
    expect(outputFile.length).toBeGreaterThan(OUTPUT_LIMIT)
    for (const [name, value] of Object.entries(run.outputs)) {
      expect(Buffer.byteLength(value), name).toBeLessThanOrEqual(OUTPUT_LIMIT)
    }

    const resultFile = run.outputs['result-file']
    expect(resultFile).toBeTruthy()
    expect(dirname(resultFile!)).toBe(harness.runnerTemp)
    expect(run.summary).toContain(resultFile)
    const full = JSON.parse(await readFile(resultFile!, 'utf8')) as {
      schemaVersion: number
      verdict: string
      jobs: Array<{ vmPath: string; status: string }>
    }
    expect(full.verdict).toBe('completed')
    expect(full.jobs.map((entry) => entry.vmPath)).toEqual(vmPaths)
    expect(full.jobs.every((entry) => entry.status === 'completed')).toBe(true)

    // why: the output is the same document with its job list cut, so a workflow reads it the same way
    const shown = JSON.parse(run.outputs.result!) as {
      schemaVersion: number
      verdict: string
      jobs: unknown[]
    }
    expect(shown.schemaVersion).toBe(full.schemaVersion)
    expect(shown.verdict).toBe('completed')
    const note = shown.jobs.at(-1)
    expect(note).toEqual({ truncated: true, shown: shown.jobs.length - 1, total: VMS, resultFile })
    expect(shown.jobs.slice(0, -1)).toEqual(full.jobs.slice(0, shown.jobs.length - 1))
    expect(JSON.parse(run.outputs['job-ids']!)).toHaveLength(VMS)
  }, 600_000)
})
