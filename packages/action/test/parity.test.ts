import { mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type HypervisordSim, startHypervisordSim } from '@hyperctl-export/simulator'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../../cli/test/support/cli-process.js'
import { ActionHarness, waitFor } from './support/action-harness.js'

// One table of scenarios, each run through both faces against its own simulator: the CLI's built bin as a
// child process (`hyperctl-export export … --json`) and the action's bundle as the runner runs it. Both
// must reach the same verdict, print the same run JSON byte for byte and refuse the same input alike.

// why: the simulator writes exports only under the temp directory (its sandbox)
const OUT = join(tmpdir(), 'hx-parity')
const VC_PASSWORD = 'vc-parity-Secret-3141'
const KEY = 'parity-key-1'

type Face = 'cli' | 'action'

interface FaceRun {
  /** The CLI's exit code, or the action's `status` output. */
  verdictSignal: number | string
  /** The CLI's `--json` document, or the action's `result` output (undefined when refused before a run). */
  json: string | undefined
  /** Every error line the face showed (CLI stderr `error:` lines, the action's `::error` lines). */
  errors: string
  /** Jobs the simulator holds afterwards, the submits and the requests of any kind it received. */
  jobs: number
  submits: number
  requests: number
}

interface Scenario {
  name: string
  vmPaths?: string[]
  /** Job file contents (JSON); `{out}` in it stands for the scenario's output directory. */
  jobFile?: unknown
  timeout?: string
  /** Before the face runs: set the daemon up. */
  before?(sim: HypervisordSim): Promise<void>
  /** Once the face's jobs are on the daemon (`expected` of them): make them end. */
  drive?(sim: HypervisordSim, ids: string[]): Promise<void> | void
  /** How many jobs the face submits before `drive` (default: one per VM). */
  expected?: number
  /** Run the face once to completion first, then again with the same idempotency key (the one compared). */
  rerun?: boolean
  verdict: string
  /** The job statuses of the run document, in input order, and whether each was attached to. */
  statuses?: string[]
  attached?: boolean
  /** Jobs on the daemon at the end (a restart forgets them; a refusal submits none). */
  jobsAfter: number
  exitCode: number
  status: string
  /** Words every refusal or error must hold (for a refusal: both VM paths). */
  errorHas?: string[]
}

const complete = (sim: HypervisordSim, ids: string[]) => {
  for (const id of ids) sim.control.completeJob(id)
}

async function cancelOnDaemon(sim: HypervisordSim, ids: string[]): Promise<void> {
  // someone else cancels the job through the daemon's own API (not this run)
  const reply = await fetch(`${sim.url}/jobs/cancel`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ job_ids: ids }),
  })
  expect(reply.status).toBe(200)
}

const COMPLETED: Scenario = {
  name: 'completed',
  statuses: ['completed', 'completed'],
  attached: false,
  jobsAfter: 2,
  vmPaths: ['/DC/vm/web-01', '/DC/vm/db-01'],
  drive: complete,
  verdict: 'completed',
  exitCode: 0,
  status: 'completed',
}

const SCENARIOS: Scenario[] = [
  COMPLETED,
  {
    name: 'failed',
    statuses: ['failed'],
    jobsAfter: 1,
    vmPaths: ['/DC/vm/web-01'],
    drive: (sim, ids) => {
      sim.control.failJob(ids[0]!, 'export failed: export ovf: disk read error on datastore1')
    },
    verdict: 'failed',
    exitCode: 1,
    status: 'failed',
    errorHas: ['disk read error on datastore1'],
  },
  {
    name: 'rejected',
    statuses: ['rejected'],
    jobsAfter: 1,
    jobFile: { jobs: [{ id: 'nightly-db-01', vm_path: '/DC/vm/db-01', output_path: '{out}' }] },
    async before(sim) {
      // another export already holds the ID the job file asks for
      const seed = await fetch(`${sim.url}/jobs/submit`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ id: 'nightly-db-01', vm_path: '/DC/vm/other-vm', output_path: '/x' }),
      })
      expect(seed.status).toBe(200)
    },
    expected: 0,
    verdict: 'failed',
    exitCode: 1,
    status: 'failed',
    errorHas: ['job with ID nightly-db-01 already exists'],
  },
  {
    name: 'cancelled',
    statuses: ['cancelled'],
    jobsAfter: 1,
    vmPaths: ['/DC/vm/web-01'],
    drive: cancelOnDaemon,
    verdict: 'cancelled',
    exitCode: 1,
    status: 'cancelled',
  },
  {
    name: 'timeout',
    statuses: ['timeout'],
    jobsAfter: 1,
    vmPaths: ['/DC/vm/web-01'],
    // why: the job never moves on the simulator's manual clock; only the face's own timeout ends the wait.
    // The deadline runs from the process start, so it leaves room for a slow start before the submit
    timeout: '2s',
    verdict: 'timeout',
    exitCode: 4,
    status: 'timeout',
    errorHas: ['did not finish within 2s'],
  },
  {
    name: 'lost',
    statuses: ['lost'],
    jobsAfter: 0,
    vmPaths: ['/DC/vm/web-01'],
    drive: (sim) => sim.control.restart(),
    verdict: 'failed',
    exitCode: 1,
    status: 'failed',
    errorHas: ['disappeared from the daemon'],
  },
  { ...COMPLETED, name: 'duplicate ID attached', attached: true, rerun: true },
  {
    name: 'collision of two VM names in one output path',
    jobsAfter: 0,
    vmPaths: ['/DC/vm/a/web', '/DC/vm/b/web'],
    verdict: 'refused',
    exitCode: 2,
    status: 'failed',
    errorHas: ['/DC/vm/a/web and /DC/vm/b/web would both be exported to'],
  },
  {
    name: 'collision of one client ID given twice',
    jobsAfter: 0,
    jobFile: {
      jobs: [
        { id: 'same-id', vm_path: '/DC/vm/web-01', output_path: '{out}/web' },
        { id: 'same-id', vm_path: '/DC/vm/db-01', output_path: '{out}/db' },
      ],
    },
    verdict: 'refused',
    exitCode: 2,
    status: 'failed',
    errorHas: ['/DC/vm/web-01 and /DC/vm/db-01 have the same job ID same-id'],
  },
]

const sims: HypervisordSim[] = []
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()))
  await rm(OUT, { recursive: true, force: true })
})

/** The inputs both faces get, each in its own words: the CLI's flags, the action's inputs. */
function request(face: Face, scenario: Scenario, sim: HypervisordSim, jobFile: string | undefined) {
  const timeout = scenario.timeout ?? '1h'
  if (face === 'cli') {
    return [
      'export',
      ...(scenario.vmPaths ?? []),
      ...(jobFile ? ['--job-file', jobFile] : ['--output', OUT]),
      ...['--daemon-url', sim.url, '--transport', 'api'],
      ...['--vcenter-server', 'vc.example.test', '--vcenter-username', 'exporter@vsphere.local'],
      ...['--idempotency-key', KEY, '--poll-interval', '20ms', '--timeout', timeout, '--json'],
    ]
  }
  return {
    ...(scenario.vmPaths ? { 'vm-paths': scenario.vmPaths.join('\n'), 'output-path': OUT } : {}),
    ...(jobFile ? { 'job-file': jobFile } : {}),
    'daemon-url': sim.url,
    transport: 'api',
    'vcenter-server': 'vc.example.test',
    'vcenter-username': 'exporter@vsphere.local',
    'vcenter-password': VC_PASSWORD,
    'idempotency-key': KEY,
    'poll-interval': '20ms',
    timeout,
  }
}

/** One run of one face, with the daemon driven as the scenario says once the face's jobs are on it. */
async function runFace(face: Face, scenario: Scenario, sim: HypervisordSim, harness: ActionHarness) {
  const jobFile = scenario.jobFile === undefined ? undefined : join(harness.workspace, `jobs-${face}.json`)
  if (jobFile) await writeFile(jobFile, JSON.stringify(scenario.jobFile).replaceAll('{out}', OUT))
  const before = sim.control.jobs().length
  const expected = scenario.expected ?? scenario.vmPaths?.length ?? 0
  const drive = async () => {
    if (!scenario.drive) return
    const ids = await waitFor(() => {
      const jobs = sim.control.jobs().slice(before)
      return jobs.length === expected && jobs.map((j) => j.definition.id as string)
    }, `${expected} job(s) on the daemon`)
    await scenario.drive(sim, ids)
  }
  if (face === 'cli') {
    const [result] = await Promise.all([
      runCli(request('cli', scenario, sim, jobFile) as string[], {
        HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD,
      }),
      drive(),
    ])
    const errors = result.stderr
      .split('\n')
      .filter((l) => l.startsWith('error:'))
      .join('\n')
    return { verdictSignal: result.code!, json: result.code === 2 ? undefined : result.stdout, errors }
  }
  const inputs = request('action', scenario, sim, jobFile) as Record<string, string>
  const [run] = await Promise.all([harness.run('main', inputs), drive()])
  const errors = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('::error'))
    .join('\n')
  return { verdictSignal: run.outputs.status!, json: run.outputs.result, errors }
}

async function runScenario(face: Face, scenario: Scenario): Promise<FaceRun> {
  // why: each face gets a daemon of its own whose jobs move only when the test says (a manual clock)
  const sim = await startHypervisordSim({ autoAdvance: false, stableOrder: true })
  sims.push(sim)
  await rm(OUT, { recursive: true, force: true })
  await mkdir(OUT, { recursive: true })
  const harness = await ActionHarness.create()
  await scenario.before?.(sim)
  if (scenario.rerun) await runFace(face, scenario, sim, harness)
  const rerun = scenario.rerun ? { ...scenario, drive: undefined } : scenario
  const run = await runFace(face, rerun, sim, harness)
  return {
    ...run,
    jobs: sim.control.jobs().length,
    submits: sim.control.requests.filter((r) => r.path === '/jobs/submit').length,
    requests: sim.control.requests.length,
  }
}

describe('the CLI and the action over one table of scenarios', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const cli = await runScenario('cli', scenario)
    const action = await runScenario('action', scenario)

    expect(cli.verdictSignal).toBe(scenario.exitCode)
    expect(action.verdictSignal).toBe(scenario.status)
    for (const word of scenario.errorHas ?? []) {
      // with --json the CLI's errors are in its document (stderr keeps only progress); the action also
      // fails the step with an ::error line
      expect(cli.json === undefined ? cli.errors : jobErrors(cli.json)).toContain(word)
      expect(action.errors).toContain(word)
    }
    expect([cli.jobs, action.jobs]).toEqual([scenario.jobsAfter, scenario.jobsAfter])
    if (scenario.verdict === 'refused') {
      // refused before any submit: the daemon got no request at all, and neither face printed a run document
      expect([cli.submits, action.submits, cli.requests, action.requests]).toEqual([0, 0, 0, 0])
      expect(cli.json).toBeUndefined()
      const refusal = refusals(cli.errors, 'cli')
      expect(refusal.length).toBeGreaterThan(0)
      expect(refusals(action.errors, 'action')).toEqual(refusal)
      return
    }
    const doc = JSON.parse(cli.json!) as {
      verdict: string
      jobs: Array<{ status: string; attached: boolean }>
    }
    expect(doc.verdict).toBe(scenario.verdict)
    expect(doc.jobs.map((j) => j.status)).toEqual(scenario.statuses)
    if (scenario.attached !== undefined)
      expect(doc.jobs.every((j) => j.attached === scenario.attached)).toBe(true)
    // byte for byte but for what each run measures on its own clock (a job's durationMs, how long ago a lost
    // job was last seen); the daemon's times (result.durationMs) come from the simulator's manual clock and
    // stay as they are. The action adds no top-level field of its own today.
    expect(sameDurations(action.json!)).toBe(sameDurations(cli.json!.trimEnd()))
    expect(action.jobs).toBe(cli.jobs)
    expect(action.submits).toBe(cli.submits)
  })
})

/**
 * What each run measures on its own clock made alike, nothing else: a job's own durationMs (indented as a
 * job field is), and how long ago a lost job was last seen.
 */
function sameDurations(json: string): string {
  return json
    .replace(/^( {6}"durationMs": )\d+,$/gm, '$1"<per run>",')
    .replace(/less than the \d+ms since it last showed us the job/g, 'less than the <per run> since')
}

function jobErrors(json: string): string {
  const doc = JSON.parse(json) as { jobs: Array<{ error?: { message: string } }> }
  return doc.jobs.map((j) => j.error?.message ?? '').join('\n')
}

/** The refusal's sentences, with the one word that differs by face (its name of the output option) made alike. */
function refusals(errors: string, face: Face): string[] {
  const outputOption = face === 'cli' ? '--output' : 'input output-path'
  return errors
    .replace(/^(error: |::error::)/gm, '')
    .split('\n')
    .flatMap((line) => line.split(/;\s+|%0A/))
    .filter((s) => s.includes(' and /DC/vm/'))
    .map((s) => s.replaceAll(outputOption, '<output option>').trim())
}
