import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fc, it } from '@fast-check/vitest'
import {
  garbleBytes,
  type HypervisordSim,
  parseGarbling,
  renderCancelResult,
  renderQueryOutput,
  renderStatus,
  renderSubmitResult,
  runHyperctlSim,
  startHypervisordSim,
} from '@hyperctl-export/simulator'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { HyperctlError, HyperctlParseError } from '../src/errors.js'
import { parseCancelOutput } from '../src/parse/cancel.js'
import { parseQueryOutput } from '../src/parse/query.js'
import { parseStatusOutput } from '../src/parse/status.js'
import { parseSubmitOutput } from '../src/parse/submit.js'
import { parseVersionOutput } from '../src/parse/version.js'
import type { ExecResult, Executor } from '../src/runner/executor.js'
import { HyperctlRunner } from '../src/runner/hyperctl-runner.js'
import type { JobSpec } from '../src/types.js'
import { HYPERCTL_SIM, VC_PASSWORD, vcenter } from './support/fault-sim.js'

// why: thousands of runs per property can outlast vitest's 5 s default on a loaded machine
const PROPERTY_TIME = { timeout: 120_000 }

// The simulator's garbling modes (HYPERCTL_SIM_GARBLE): cut a stream after N bytes, insert stray bytes at
// seeded places, add an unknown column to the query table; alone or combined, on stdout, stderr or both.
const stream = fc.constantFrom('stdout', 'stderr', 'both')
const garbleSpec = fc
  .uniqueArray(
    fc.oneof(
      fc.tuple(fc.nat({ max: 1_400 }), stream).map(([bytes, s]) => `cut:${bytes}:${s}`),
      fc.tuple(fc.nat({ max: 2 ** 31 }), stream).map(([seed, s]) => `stray:${seed}:${s}`),
      fc.constant('unknown-column'),
    ),
    { minLength: 1, maxLength: 3, selector: (part) => part.split(':')[0] },
  )
  .map((parts) => parts.join(','))

/** The bytes of one stream after the simulator's garbling. */
const garbled = (bytes: Buffer, spec: string, which: 'stdout' | 'stderr') =>
  garbleBytes(bytes, parseGarbling(spec), which).toString('utf8')

function caught(run: () => unknown): { value?: unknown; error?: unknown } {
  try {
    return { value: run() }
  } catch (error) {
    return { error }
  }
}

/** A parse error must carry what was read and show the start of it in its message. */
function expectParseErrorWithExcerpt(error: unknown): void {
  expect(error).toBeInstanceOf(HyperctlParseError)
  const { raw, message } = error as HyperctlParseError
  // why: whole code points, so the excerpt's own cut cannot split a surrogate pair here
  expect(message).toContain(JSON.stringify(Array.from(raw).slice(0, 30).join('')).slice(1, -1))
}

// ---------------------------------------------------------------------------------------------------
// The parsers on generated hyperctl output, garbled: 10,000 runs each

const id = fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9._-]{1,14}$/))
const text = fc
  .string({ minLength: 1, maxLength: 24 })
  .filter((s) => !/[\n\r\x1b|]/.test(s) && s.trim() === s)
const queryJob = fc.record({
  definition: fc.record({ id, name: text, vm_path: text.map((s) => `/DC/vm/${s}`) }),
  status: fc.constantFrom('pending', 'running', 'completed', 'failed', 'cancelled'),
  progress: fc.option(fc.record({ phase: text, percent_complete: fc.integer({ min: 0, max: 100 }) }), {
    nil: null,
  }),
  started_at: fc.option(fc.constant('2026-01-01T10:00:00Z'), { nil: null }),
})

/**
 * Intact outputs of generated replies, rendered once (rendering tables is the slow part); each run of a
 * property below garbles one of them anew, so every run reads a different damaged output.
 */
function pool<T>(replies: fc.Arbitrary<T>, render: (reply: T) => { stdout: Buffer; stderr?: Buffer }) {
  return fc.sample(replies, { numRuns: 60, seed: 20_261_128 }).map((reply) => ({ reply, ...render(reply) }))
}
const queries = pool(fc.array(queryJob, { minLength: 1, maxLength: 4 }), (jobs) =>
  renderQueryOutput({ jobs }, { color: false }),
)
const statuses = pool(fc.array(fc.nat({ max: 100_000 }), { minLength: 4, maxLength: 4 }), (counts) => ({
  stdout: renderStatus(
    {
      version: '0.0.1',
      uptime: `${counts[0]! % 97}h2m1s`,
      total_jobs: counts[0]!,
      running_jobs: counts[1]!,
      completed_jobs: counts[2]!,
      failed_jobs: counts[3]!,
    },
    { color: false },
  ),
}))
const submits = pool(
  fc.tuple(fc.uniqueArray(id, { minLength: 1, maxLength: 4 }), fc.array(text, { maxLength: 2 })),
  ([ids, errors]) => ({
    stdout: renderSubmitResult(
      { job_ids: ids, accepted: ids.length, rejected: errors.length, errors },
      { color: false },
    ),
  }),
)
const cancels = pool(
  fc.tuple(fc.uniqueArray(id, { minLength: 1, maxLength: 4 }), fc.nat({ max: 4 })),
  ([ids, n]) => {
    const failed = ids.slice(Math.min(n, ids.length))
    const errors = new Map(failed.map((f) => [f, `job ${f} cannot be cancelled (status: completed)`]))
    return {
      stdout: renderCancelResult(
        { cancelled: ids.slice(0, ids.length - failed.length), failed, errors },
        { color: false },
      ),
    }
  },
)
const pick = <T>(list: readonly T[]) => fc.constantFrom(...list)

describe('hyperctl output parsers on simulator-garbled output', PROPERTY_TIME, () => {
  it.prop([pick(queries), garbleSpec], { numRuns: 10_000 })(
    'parseQueryOutput reads what the intact output says or throws HyperctlParseError',
    ({ stdout, stderr }, spec) => {
      const intact = parseQueryOutput(stdout.toString('utf8'), stderr!.toString('utf8'))
      const read = caught(() =>
        parseQueryOutput(garbled(stdout, spec, 'stdout'), garbled(stderr!, spec, 'stderr')),
      )
      if (read.error) expectParseErrorWithExcerpt(read.error)
      else expect(read.value).toEqual(intact)
    },
  )

  it.prop([pick(statuses), garbleSpec], { numRuns: 10_000 })(
    'parseStatusOutput reads what the intact output says or throws HyperctlParseError',
    ({ stdout }, spec) => {
      const intact = parseStatusOutput(stdout.toString('utf8'))
      const read = caught(() => parseStatusOutput(garbled(stdout, spec, 'stdout')))
      if (read.error) expectParseErrorWithExcerpt(read.error)
      else expect(read.value).toEqual(intact)
    },
  )

  it.prop([fc.constantFrom('0.0.1', '2.10.3', '1.0.0-rc.1'), garbleSpec], { numRuns: 10_000 })(
    'parseVersionOutput reads what the intact output says or throws HyperctlParseError',
    (version, spec) => {
      const stdout = Buffer.from(`hyperctl version ${version}\n`)
      const read = caught(() => parseVersionOutput(garbled(stdout, spec, 'stdout')))
      if (read.error) expectParseErrorWithExcerpt(read.error)
      else expect(read.value).toEqual({ version })
    },
  )

  // why: submit and cancel output has no end marker (a cut between two blocks or lines leaves a complete
  // looking text), and the parsers do not know which IDs were asked for: the runner checks that every
  // submitted or cancelled ID is accounted for (below). The parsers never list more than hyperctl did,
  // every block holds as many entries as it declares, and no entry lacks its ID or reason.
  it.prop([pick(submits), garbleSpec], { numRuns: 10_000 })(
    'parseSubmitOutput lists what each block declares, no more than hyperctl did, or throws',
    ({ reply: [ids, errors], stdout }, spec) => {
      const read = caught(() => parseSubmitOutput(garbled(stdout, spec, 'stdout')))
      if (read.error) return expectParseErrorWithExcerpt(read.error)
      const result = read.value as ReturnType<typeof parseSubmitOutput>
      expect(result.jobIds).toHaveLength(result.accepted)
      expect(result.errors).toHaveLength(result.rejected)
      expect(result.accepted).toBeLessThanOrEqual(ids.length)
      expect(result.rejected).toBeLessThanOrEqual(errors.length)
      expect([...result.jobIds, ...result.errors].every((entry) => entry !== '')).toBe(true)
    },
  )

  it.prop([pick(cancels), garbleSpec], { numRuns: 10_000 })(
    'parseCancelOutput lists no more jobs than hyperctl did, none without an ID, or throws',
    ({ reply: [ids], stdout }, spec) => {
      const read = caught(() => parseCancelOutput(garbled(stdout, spec, 'stdout')))
      if (read.error) return expectParseErrorWithExcerpt(read.error)
      const result = read.value as ReturnType<typeof parseCancelOutput>
      expect(result.cancelled.length + result.failed.length).toBeLessThanOrEqual(ids.length)
      expect([...result.cancelled, ...result.failed.map((f) => f.id)].every((j) => j !== '')).toBe(true)
    },
  )
})

// ---------------------------------------------------------------------------------------------------
// The runner on garbled hyperctl-sim runs: never a success that differs from the intact run

/**
 * hyperctl-sim run in this process (runHyperctlSim) instead of as a child, so thousands of garbled runs
 * stay fast. Each distinct request goes once to the real simulator; its reply is replayed after that, so
 * every garbled run damages the very output of an intact run.
 */
function inProcessHyperctl(sim: HypervisordSim, garble: () => string | undefined): Executor {
  const replies = new Map<string, { status: number; body: Buffer }>()
  return {
    async run(_file, args, options): Promise<ExecResult> {
      const stdout: Buffer[] = []
      const stderr: Buffer[] = []
      const spec = garble()
      const exitCode = await runHyperctlSim(args, {
        stdout: { write: (b) => void stdout.push(Buffer.from(b)) },
        stderr: { write: (b) => void stderr.push(Buffer.from(b)) },
        env: {
          ...options.env,
          HYPERCTL_SIM_DAEMON_URL: sim.url,
          HYPERCTL_SIM_SPINNER_FRAMES: '1',
          ...(spec ? { HYPERCTL_SIM_GARBLE: spec } : {}),
        },
        fetch: async (url, init) => {
          const key = `${init.method} ${url} ${Buffer.from(init.body ?? []).toString('utf8')}`
          let reply = replies.get(key)
          if (!reply) {
            const response = await fetch(url, { method: init.method, headers: init.headers, body: init.body })
            reply = { status: response.status, body: Buffer.from(await response.arrayBuffer()) }
            replies.set(key, reply)
          }
          const { body, status } = reply
          return {
            status,
            arrayBuffer: async () =>
              body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer,
          }
        },
      })
      return {
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr),
        exitCode,
        signal: null,
        timedOut: false,
        aborted: false,
      }
    },
  }
}

describe('HyperctlRunner on garbled hyperctl output', PROPERTY_TIME, () => {
  let sim: HypervisordSim
  let dir: string
  let spec: string | undefined
  let runner: HyperctlRunner
  const jobs: JobSpec[] = [
    { id: 'garble-run-0001', vmPath: '/DC/vm/web-01', outputPath: '/exports/web-01', vcenter },
    { id: 'garble-run-0002', vmPath: '/DC/vm/db-01', outputPath: '/exports/db-01', vcenter },
    { id: 'garble-fail-03', vmPath: '/DC/vm/app-03', outputPath: '/exports/app-03', vcenter },
  ]
  const ids = jobs.map((j) => j.id!)
  const intact: Record<string, unknown> = {}

  /** The same call with the next garbling: equal to the intact answer, or a HyperctlError. */
  async function expectNoFalseSuccess(name: string, call: () => Promise<unknown>, garble: string) {
    spec = garble
    let value: unknown
    try {
      value = await call()
    } catch (error) {
      expect(error).toBeInstanceOf(HyperctlError)
      if (error instanceof HyperctlParseError) expectParseErrorWithExcerpt(error)
      expect(String((error as Error).message)).not.toContain(VC_PASSWORD)
      return
    } finally {
      spec = undefined
    }
    expect(decisive(name, value), `${name} with ${garble}`).toEqual(decisive(name, intact[name]))
  }

  /**
   * What a caller acts on. A rejection's or a failed cancel's text is the daemon's own words, passed on
   * as printed: a stray byte or a cut in it damages the message, not the answer (which jobs were
   * accepted or cancelled and which were not).
   */
  function decisive(name: string, value: unknown): unknown {
    if (name === 'cancel') {
      const { cancelled, failed } = value as { cancelled: string[]; failed: Array<{ id: string }> }
      return { cancelled, failed: failed.map((f) => f.id) }
    }
    if (name === 'submit') {
      const { jobs, warnings } = value as { jobs: Array<{ error?: string }>; warnings: string[] }
      return { jobs: jobs.map(({ error: _text, ...job }) => job), warnings }
    }
    return value
  }

  const calls: Record<string, () => Promise<unknown>> = {
    submit: () => runner.submitJobs(jobs),
    query: () => runner.queryJobs({ ids }),
    job: () => runner.getJob(ids[0]!),
    status: () => runner.checkDaemonStatus(),
    version: () => runner.version(),
    cancel: () => runner.cancelJobs(ids),
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hx-garble-'))
    sim = await startHypervisordSim({
      autoAdvance: false,
      stableOrder: true,
      jobDurationMs: 60_000,
      // why: the jobs name /exports/...; the simulator places them under dir instead of refusing them
      root: dir,
    })
    runner = new HyperctlRunner({
      hyperctlPath: 'hyperctl-in-process',
      env: {},
      tempDir: dir,
      executor: inProcessHyperctl(sim, () => spec),
    })
    // another VM's job holds the third ID, so the intact submit has a rejection to lose
    sim.control.seedJobs([
      {
        definition: {
          id: ids[2],
          name: 'other',
          vm_path: '/DC/vm/other',
          created_at: '2026-01-01T00:00:00Z',
        },
        status: 'failed',
        error: 'export failed: boom',
        updated_at: '2026-01-01T00:00:00Z',
      },
    ])
    // the intact answers, each from the real simulator once: jobs in three states, then a cancel
    intact.submit = await calls.submit!()
    expect((intact.submit as { jobs: Array<{ accepted: boolean }> }).jobs.map((j) => j.accepted)).toEqual([
      true,
      true,
      false,
    ])
    await sim.control.advance(0)
    await sim.control.advance(30_000)
    sim.control.completeJob(ids[1]!)
    for (const name of ['query', 'job', 'status', 'version', 'cancel']) intact[name] = await calls[name]!()
    expect(intact.cancel).toEqual({
      cancelled: [ids[0]],
      failed: [
        { id: ids[1], error: `job ${ids[1]} cannot be cancelled (status: completed)` },
        { id: ids[2], error: `job ${ids[2]} cannot be cancelled (status: failed)` },
      ],
    })
  })
  afterAll(async () => {
    await sim.close()
    await rm(dir, { recursive: true, force: true })
  })

  for (const name of ['submit', 'query', 'job', 'status', 'version', 'cancel']) {
    it.prop([garbleSpec], { numRuns: 400 })(
      `${name}: returns the intact answer or throws a HyperctlError`,
      (g) => expectNoFalseSuccess(name, calls[name]!, g),
    )
  }
})

// ---------------------------------------------------------------------------------------------------
// The real hyperctl-sim binary with HYPERCTL_SIM_GARBLE, through the runner as a child process

describe('HyperctlRunner with the hyperctl-sim binary and HYPERCTL_SIM_GARBLE', () => {
  let sim: HypervisordSim
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hx-garble-bin-'))
    sim = await startHypervisordSim({ autoAdvance: false, stableOrder: true, cwd: dir })
  })
  afterAll(async () => {
    await sim.close()
    await rm(dir, { recursive: true, force: true })
  })

  const runnerWith = (garble: string) =>
    new HyperctlRunner({
      hyperctlPath: HYPERCTL_SIM,
      env: { PATH: process.env.PATH, HYPERCTL_SIM_DAEMON_URL: sim.url, HYPERCTL_SIM_GARBLE: garble },
      tempDir: dir,
    })

  const cases: Array<[string, string, (r: HyperctlRunner) => Promise<unknown>]> = [
    [
      'a cut submit result',
      'cut:40',
      (r) => r.submitJobs([{ vmPath: '/DC/vm/a', outputPath: '/e/a', vcenter }]),
    ],
    [
      'a submit result with stray bytes',
      'stray:7',
      (r) => r.submitJobs([{ vmPath: '/DC/vm/b', outputPath: '/e/b', vcenter }]),
    ],
    ['a cut query table', 'cut:120', (r) => r.queryJobs({ all: true })],
    ['a query table with an unknown column', 'unknown-column', (r) => r.queryJobs({ all: true })],
    ['a query table with stray bytes', 'stray:3', (r) => r.queryJobs({ all: true })],
    ['a cut status table', 'cut:200', (r) => r.checkDaemonStatus()],
    ['a cut version line', 'cut:19', (r) => r.version()],
    ['a status with stray bytes on both streams', 'stray:11:both', (r) => r.checkDaemonStatus()],
  ]
  for (const [what, garble, call] of cases) {
    it(`throws a parse error with the raw output, never a result, for ${what} (${garble})`, async () => {
      // why: a job on the daemon, so query has a table to damage
      if (sim.control.jobs().length === 0)
        await runnerWith('').submitJobs([{ vmPath: '/DC/vm/seed', outputPath: '/e/s', vcenter }])
      const error = await call(runnerWith(garble)).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error, `${what} was read as a result`).toBeInstanceOf(HyperctlParseError)
      expectParseErrorWithExcerpt(error)
      expect(JSON.stringify(error)).not.toContain(VC_PASSWORD)
    })
  }
})
