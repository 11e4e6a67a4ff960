import { writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { OUTCOME_STATUSES } from '@hyperctl-export/core'
import { type HypervisordSim, startHypervisordSim } from '@hyperctl-export/simulator'
import { afterEach, describe, expect, it } from 'vitest'
import { ActionHarness, type ActionRun, connection, waitFor } from './support/action-harness.js'

// why: the simulator writes only under the temp directory (it stays in its sandbox)
const OUT = join(tmpdir(), 'hx-action-paths')
const vcenter = {
  'vcenter-server': 'vc.example.test',
  'vcenter-username': 'exporter@vsphere.local',
  'vcenter-password': 'vc-Pa55word-paths-8k2j',
}
const sims: HypervisordSim[] = []

async function sim(): Promise<HypervisordSim> {
  // why: jobs end only when a test says so
  const started = await startHypervisordSim({ jobDurationMs: 3_600_000, stableOrder: true })
  sims.push(started)
  return started
}

/** The step summary as a person reads it: one non-empty page that names the step's status. */
function expectSummary(run: ActionRun, says: string): void {
  expect(run.summary.trim(), `summary of a ${run.outputs.status} step`).not.toBe('')
  expect(run.summary).toContain(says)
}

afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()))
})

describe.each(['api', 'cli'] as const)('the bundled action (%s transport)', (transport) => {
  it("notes a job file's value that wins over an input, naming both values", async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    const fromFile = join(OUT, 'from-file')
    await writeFile(
      join(harness.workspace, 'jobs.yaml'),
      `jobs:\n  - vm_path: /DC/vm/a\n    output_path: ${JSON.stringify(fromFile)}\n    export_method: govc\n`,
    )
    const run = await harness.run(
      'main',
      {
        ...inputs,
        ...vcenter,
        'job-file': 'jobs.yaml',
        'output-path': join(OUT, 'from-input'),
        'export-method': 'web',
        wait: 'false',
      },
      { env },
    )
    expect(run.code, run.stdout).toBe(0)
    const notices = run.stdout.split('\n').filter((l) => l.startsWith('::notice::'))
    expect(notices).toEqual([
      `::notice::/DC/vm/a: the job file's output_path ${JSON.stringify(fromFile)} wins over input output-path ${JSON.stringify(join(OUT, 'from-input'))}`,
      `::notice::/DC/vm/a: the job file's export_method "govc" wins over input export-method "web"`,
    ])
    expect(daemon.control.jobs()[0]!.definition).toMatchObject({
      output_path: fromFile,
      export_method: 'govc',
    })
    expectSummary(run, 'submitted')
  })

  it("uses core's words for job states in the summary, statuses and result, and durations as a person reads them", async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    const running = await harness.start(
      'main',
      {
        ...inputs,
        ...vcenter,
        'vm-paths': '/DC/vm/a\n/DC/vm/b',
        'output-path': OUT,
        'poll-interval': '100ms',
      },
      { env },
    )
    const ids = await waitFor(async () => {
      const published = (await running.outputs())['job-ids']
      const parsed = published ? (JSON.parse(published) as string[]) : []
      return parsed.length === 2 ? parsed : undefined
    }, 'the job IDs')
    daemon.control.completeJob(ids[0]!)
    daemon.control.failJob(ids[1]!, 'disk read error')
    const run = await running.done
    const words = new Set<string>(OUTCOME_STATUSES)
    const statuses = JSON.parse(run.outputs.statuses!) as Record<string, string>
    expect(statuses).toEqual({ [ids[0]!]: 'completed', [ids[1]!]: 'failed' })
    const result = JSON.parse(run.outputs.result!) as { jobs: { jobId: string; status: string }[] }
    for (const job of result.jobs) expect(job.status).toBe(statuses[job.jobId])
    const rows = [...run.summary.matchAll(/<tr><td>[^<]*<\/td><td><code>([^<]+)<\/code>.*?<\/tr>/g)]
    expect(rows).toHaveLength(2)
    for (const [row, id] of rows.map((m) => [m[0], m[1]!] as const)) {
      const cells = [...row.matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1]!)
      const word = cells[2]!.split(' ')[1]!
      expect(words).toContain(word)
      expect(word).toBe(statuses[id])
      expect(cells[5], row).toMatch(/^(\d+ms|\d+s|\d+m\d{2}s|\d+h\d{2}m)$/)
    }
  })

  it('writes a step summary when the wait times out and when the daemon cannot be reached', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection(transport, daemon)
    const step = {
      ...inputs,
      ...vcenter,
      'vm-path': '/DC/vm/a',
      'output-path': OUT,
      'poll-interval': '100ms',
    }
    const timedOut = await harness.run('main', { ...step, timeout: '2s' }, { env })
    expect(timedOut.outputs.status).toBe('timeout')
    expectSummary(timedOut, 'timeout')
    await daemon.control.goDown()
    const unreachable = await harness.run('main', step, { env })
    expect(unreachable.outputs.status).toBe('failed')
    expectSummary(unreachable, 'could not be reached')
  })
})

describe('the bundled action under RUNNER_DEBUG=1 (cli transport)', () => {
  it('logs each hyperctl command line with its exit code through core.debug, and no password', async () => {
    const daemon = await sim()
    const harness = await ActionHarness.create()
    const { inputs, env } = connection('cli', daemon)
    const step = { ...inputs, ...vcenter, 'vm-path': '/DC/vm/a', 'output-path': OUT, wait: 'false' }
    const run = await harness.run('main', step, { env: { ...env, RUNNER_DEBUG: '1' } })
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toMatch(/^::debug::\S*hyperctl-sim\.js submit -file \S+ → exit 0 \(\d+ ms\)$/m)
    const logged = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'))
    expect(logged.join('\n')).not.toContain(vcenter['vcenter-password'])
    const plain = await harness.run('main', step, { env })
    expect(plain.stdout).not.toContain('::debug::')
  })
})

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('the bundled action when the submit never leaves', () => {
  it.each([
    ['a port fetch blocks (6000, X11)', async () => 6000, 'bad port'],
    ['a refused connection', closedPort, 'ECONNREFUSED'],
  ])('says nothing was submitted and sets no job-id: %s', async (_, port, detail) => {
    const harness = await ActionHarness.create()
    const run = await harness.run('main', {
      ...vcenter,
      'daemon-url': `http://127.0.0.1:${await port()}`,
      transport: 'api',
      'vm-path': '/DC/vm/a',
      'output-path': OUT,
    })
    expect(run.code).toBe(1)
    expect(run.outputs['job-id'] ?? '').toBe('')
    expect(JSON.parse(run.outputs['job-ids'] ?? '[]')).toEqual([])
    const error = run.stdout.split('\n').find((l) => l.startsWith('::error'))
    expect(error).toContain(`${detail}`)
    expect(error).toContain('nothing was submitted')
    expect(run.stdout).not.toContain('were submitted')
    expectSummary(run, 'nothing was submitted')
  })
})

describe('the bundled action with a typo in an input', () => {
  it('suggests the closest value, fails before any request, and says so in the step summary', async () => {
    const harness = await ActionHarness.create()
    const run = await harness.run('main', {
      ...vcenter,
      'daemon-url': 'http://127.0.0.1:9',
      transport: 'apy',
      'vm-path': '/DC/vm/a',
      'output-path': OUT,
    })
    expect(run.code).toBe(1)
    const error = run.stdout.split('\n').find((l) => l.startsWith('::error'))
    expect(error).toContain('input transport: must be auto, cli or api, not "apy"; did you mean "api"?')
    expect(run.outputs.status).toBe('failed')
    expect(run.summary.trim().split('\n')).toHaveLength(1)
    expectSummary(run, 'did you mean &quot;api&quot;?')
  })
})
