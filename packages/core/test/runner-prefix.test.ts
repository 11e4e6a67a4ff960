import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { exportVms } from '../src/run/run-export.js'
import { HyperctlRunner } from '../src/runner/hyperctl-runner.js'
import type { JobSpec } from '../src/types.js'
import { type FaultSim, HYPERCTL_SIM, startFaultSim, vcenter } from './support/fault-sim.js'

let fault: FaultSim
let dir: string
let wrapper: string
let log: string

// why: the count must come from outside the code under test: a wrapper logs every hyperctl process started
beforeEach(async () => {
  fault = await startFaultSim()
  dir = await mkdtemp(join(tmpdir(), 'hx-prefix-'))
  wrapper = join(dir, 'hyperctl-counting.mjs')
  log = join(dir, 'runs.log')
  await writeFile(
    wrapper,
    [
      `#!${process.execPath}`,
      "import { appendFileSync } from 'node:fs'",
      "import { spawnSync } from 'node:child_process'",
      `appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n')`,
      `const run = spawnSync(process.execPath, [${JSON.stringify(HYPERCTL_SIM)}, ...process.argv.slice(2)], { stdio: 'inherit' })`,
      'process.exitCode = run.status ?? 1',
    ].join('\n'),
  )
  await chmod(wrapper, 0o755)
})
afterEach(async () => {
  await fault.close()
  await rm(dir, { recursive: true, force: true })
})

async function runs(): Promise<string[][]> {
  const text = await readFile(log, 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string[])
}

function runner(notices: string[] = []): HyperctlRunner {
  return new HyperctlRunner({
    hyperctlPath: wrapper,
    tempDir: fault.jobTemp,
    env: { ...process.env, HYPERCTL_SIM_DAEMON_URL: fault.sim.url },
    onNotice: (message) => notices.push(message),
  })
}

const nightly = (n: number): JobSpec => {
  const two = String(n).padStart(2, '0')
  return { id: `nightly-web-${two}`, vmPath: `/DC/vm/nightly/web-${two}`, outputPath: fault.out, vcenter }
}

describe('one hyperctl run per poll when job IDs share their first 8 characters', { timeout: 60_000 }, () => {
  it('50 jobs nightly-web-01…50: one query process, every status right', async () => {
    const backend = runner()
    const jobs = Array.from({ length: 50 }, (_, i) => nightly(i + 1))
    const submitted = await backend.submitJobs(jobs)
    expect(submitted.jobs.every((j) => j.accepted)).toBe(true)
    const expected = new Map<string, string>()
    for (const [i, job] of jobs.entries()) {
      const id = job.id!
      if (i % 5 === 0) {
        fault.sim.control.completeJob(id)
        expected.set(id, 'completed')
      } else if (i % 7 === 0) {
        fault.sim.control.failJob(id, 'boom')
        expected.set(id, 'failed')
      } else {
        expected.set(id, 'pending')
      }
    }
    const before = (await runs()).length
    const seen = await backend.queryJobs({ ids: jobs.map((j) => j.id!) })
    const after = await runs()
    expect(after.slice(before)).toHaveLength(1)
    expect(after.at(-1)!.slice(0, 2)).toEqual(['query', '-id'])
    expect(new Map(seen.map((j) => [j.id, j.status]))).toEqual(expected)
    expect(seen.map((j) => j.vmPath)).toEqual(jobs.map((j) => j.vmPath))
  })

  it('exportVms polls 50 such jobs with exactly one hyperctl process per poll', async () => {
    const polls: number[] = []
    const outcomes = await exportVms(
      runner(),
      Array.from({ length: 50 }, (_, i) => nightly(i + 1)),
      {
        clock: fault.clock,
        pollIntervalMs: 20_000,
        minPollIntervalMs: 10_000,
        onProgress: () => polls.push(1),
      },
    )
    expect(outcomes.map((o) => o.status)).toEqual(Array(50).fill('completed'))
    const queries = (await runs()).filter((argv) => argv[0] === 'query')
    expect(polls.length).toBeGreaterThan(1)
    expect(queries).toHaveLength(polls.length)
  })

  it('asks alone only for the two jobs that share prefix, name and VM path, and says so once', async () => {
    const notices: string[] = []
    const backend = runner(notices)
    const twins: JobSpec[] = [
      { id: 'nightly-web-twin-a', vmPath: '/DC/vm/twin', outputPath: fault.out, vcenter },
      { id: 'nightly-web-twin-b', vmPath: '/DC/vm/twin', outputPath: fault.out, vcenter },
    ]
    const jobs = [nightly(1), nightly(2), ...twins]
    await backend.submitJobs(jobs)
    fault.sim.control.completeJob('nightly-web-twin-b')
    const before = (await runs()).length
    for (let poll = 0; poll < 2; poll++) {
      const seen = await backend.queryJobs({ ids: jobs.map((j) => j.id!) })
      expect(seen.map((j) => [j.id, j.status])).toEqual([
        ['nightly-web-01', 'pending'],
        ['nightly-web-02', 'pending'],
        ['nightly-web-twin-a', 'pending'],
        ['nightly-web-twin-b', 'completed'],
      ])
    }
    const argvs = (await runs()).slice(before)
    expect(argvs.map((a) => a.join(' '))).toEqual(
      Array(2)
        .fill([
          `query -id ${jobs.map((j) => j.id).join(',')}`,
          'query -id nightly-web-twin-a',
          'query -id nightly-web-twin-b',
        ])
        .flat(),
    )
    expect(notices).toEqual([expect.stringContaining('nightly-web-twin-a, nightly-web-twin-b')])
  })
})
