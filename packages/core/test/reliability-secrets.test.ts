import { stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { exportVms, settleJobs, waitForJobs } from '../src/run/run-export.js'
import { type Executor, nodeExecutor } from '../src/runner/executor.js'
import type { ExportBackend, Transport } from '../src/types.js'
import {
  API_KEY,
  backendFor,
  everyString,
  type FaultSim,
  filesUnder,
  jobSpecs,
  startFaultSim,
  VC_PASSWORD,
} from './support/fault-sim.js'

const polling = { minPollIntervalMs: 1_000, pollIntervalMs: 10_000, timeoutMs: 600_000 }

interface Scenario {
  name: string
  /** Text the API transport must show (the daemon's words with the secret masked), so the scan saw them. */
  shows?: string
  /** Runs the fault; returns everything the library handed back (values, or errors it threw). */
  run(f: FaultSim, backend: ExportBackend, seen: unknown[]): Promise<void>
}

/** Every value a caller of exportVms sees: callbacks' arguments, the outcomes, or the rejection. */
async function exportAll(
  f: FaultSim,
  backend: ExportBackend,
  seen: unknown[],
  options: Parameters<typeof exportVms>[2] = {},
  count = 2,
): Promise<void> {
  const result = await exportVms(backend, jobSpecs(f, count), {
    ...polling,
    clock: f.clock,
    ...options,
    onSubmitted: async (accepted) => {
      seen.push(structuredClone(accepted.map(({ error: _e, ...o }) => o)), accepted)
      await options.onSubmitted?.(accepted)
    },
    onProgress: (update) => {
      seen.push(
        update.outcomes.map((o) => ({ ...o })),
        update.daemonUnreachable,
      )
      options.onProgress?.(update)
    },
  }).catch((error: unknown) => error)
  seen.push(result)
}

const scenarios: Scenario[] = [
  { name: 'success', run: (f, b, seen) => exportAll(f, b, seen) },
  {
    name: 'a job failing with a daemon text that quotes the password',
    shows: 'login exporter:*** refused',
    run: (f, b, seen) =>
      exportAll(f, b, seen, {
        onSubmitted: (accepted) => {
          f.sim.control.failJob(accepted[0]!.jobId, `export failed: login exporter:${VC_PASSWORD} refused`)
        },
      }),
  },
  {
    name: 'the daemon down at the start',
    run: async (f, b, seen) => {
      await f.sim.control.goDown({ keepJobs: true })
      await exportAll(f, b, seen)
    },
  },
  {
    name: 'an outage, then the daemon back with its jobs',
    run: (f, b, seen) =>
      exportAll(f, b, seen, { onSubmitted: () => f.sim.control.goDown({ forMs: 15_000, keepJobs: true }) }),
  },
  {
    name: 'a restart (lost jobs, one resubmit)',
    run: (f, b, seen) =>
      exportAll(f, b, seen, { maxResubmits: 1, onSubmitted: () => f.sim.control.restart() }),
  },
  {
    name: 'the daemon down past the grace period',
    run: (f, b, seen) =>
      exportAll(f, b, seen, {
        unreachableGraceMs: 20_000,
        onSubmitted: () => f.sim.control.goDown({ keepJobs: true }),
      }),
  },
  {
    name: 'a lost submit reply',
    run: (f, b, seen) => {
      f.sim.control.dropNextSubmitReply()
      return exportAll(f, b, seen)
    },
  },
  {
    name: 'a burst of 5xx and 429 replies',
    run: (f, b, seen) => {
      let once = false
      return exportAll(f, b, seen, {
        onProgress: () => {
          if (once) return
          once = true
          f.sim.control.failNext(5, 502, { body: '<html>bad gateway</html>', contentType: 'text/html' })
          f.sim.control.throttleNext(3, 1)
        },
      })
    },
  },
  {
    name: 'the key refused mid-wait',
    run: (f, b, seen) =>
      exportAll(f, b, seen, { onSubmitted: () => f.sim.control.requireApiKey(`${API_KEY}-rotated`) }),
  },
  {
    name: 'a job that never finishes, cancelled at the timeout',
    run: (f, b, seen) =>
      exportAll(f, b, seen, {
        timeoutMs: 30_000,
        cancelOnTimeout: true,
        onSubmitted: (accepted) => {
          for (const o of accepted) f.sim.control.hangJob(o.jobId)
        },
      }),
  },
  {
    name: 'an interrupt mid-wait, jobs cancelled',
    run: (f, b, seen) => {
      const stop = new AbortController()
      return exportAll(f, b, seen, {
        signal: stop.signal,
        cancelOnAbort: true,
        onProgress: () => stop.abort(),
      })
    },
  },
  {
    name: 'jobs looked at afterwards (settle, wait, get, query, cancel, status)',
    shows: 'vi://exporter:***@vc/',
    run: async (f, b, seen) => {
      await exportAll(f, b, seen, { wait: false })
      const ids = f.sim.control.jobs().map((j) => j.definition.id)
      f.sim.control.failJob(ids[0]!, `export failed: ovftool vi://exporter:${VC_PASSWORD}@vc/ refused`)
      seen.push(await settleJobs(b, ids, { ...polling, clock: f.clock }).catch((e: unknown) => e))
      seen.push(await waitForJobs(b, ids, { ...polling, clock: f.clock }).catch((e: unknown) => e))
      seen.push(await b.getJob(ids[1]!).catch((e: unknown) => e))
      seen.push(await b.queryJobs({ all: true }).catch((e: unknown) => e))
      seen.push(await b.cancelJobs(ids).catch((e: unknown) => e))
      seen.push(await b.checkDaemonStatus().catch((e: unknown) => e))
    },
  },
]

interface JobFileCheck {
  mode: number
  dirMode: number
}

/** Runs hyperctl for real, and looks at its argv and its job file while it exists. */
function watchingExecutor(argv: string[][], files: JobFileCheck[]): Executor {
  return {
    async run(file, args, options) {
      argv.push([file, ...args])
      if (args[0] === 'submit' && args[1] === '-file' && args[2]) {
        files.push({
          mode: (await stat(args[2])).mode & 0o777,
          dirMode: (await stat(dirname(args[2]))).mode & 0o777,
        })
      }
      return nodeExecutor.run(file, args, options)
    },
  }
}

describe('everyString', () => {
  it('finds a string anywhere: error fields, causes, outcomes, nested objects', () => {
    const inner = Object.assign(new Error('inner'), { stderr: 'deep-secret-1' })
    const outer = Object.assign(new Error('outer', { cause: inner }), {
      outcomes: [{ job: { d: 'deep-secret-2' } }],
    })
    const text = everyString([{ a: [outer] }])
    expect(text).toContain('deep-secret-1')
    expect(text).toContain('deep-secret-2')
  })
})

let f: FaultSim | undefined
afterEach(async () => {
  await f?.close()
  f = undefined
})

// why: the cli transport starts a real hyperctl process per poll, submit and lookup; on a loaded 2-core
// machine a run of many polls takes several seconds, which says nothing about the code
describe.each<Transport>(['api', 'cli'])(
  'secrets through every fault (%s transport)',
  { timeout: 20_000 },
  (transport) => {
    it.each(scenarios.map((s) => [s.name, s] as const))(
      'no value returned or thrown holds the API key or the vCenter password: %s',
      async (_, scenario) => {
        f = await startFaultSim({ apiKey: transport === 'api' ? API_KEY : undefined })
        const argv: string[][] = []
        const files: JobFileCheck[] = []
        const backend = backendFor(f, transport, {
          client: { apiKey: API_KEY },
          executor: watchingExecutor(argv, files),
          commandTimeoutMs: 5_000,
        })
        const seen: unknown[] = []
        await scenario.run(f, backend, seen)
        if (f.sim.control.isDown) await f.sim.control.comeBack()

        const text = everyString(seen)
        expect(text.length).toBeGreaterThan(0)
        expect(text).not.toContain(VC_PASSWORD)
        expect(text).not.toContain(API_KEY)
        if (transport === 'api' && scenario.shows) expect(text).toContain(scenario.shows)
        if (transport === 'cli') {
          expect(argv.length).toBeGreaterThan(0)
          for (const args of argv) expect(args.join(' ')).not.toContain(VC_PASSWORD)
          for (const file of files) expect(file).toEqual({ mode: 0o600, dirMode: 0o700 })
          expect(await filesUnder(f.jobTemp)).toEqual([])
        }
        // the daemon did receive the password: the jobs carry their vCenter connection
        const onDaemon = f.sim.control.jobs()
        if (onDaemon.length > 0) expect(onDaemon[0]!.definition.vcenter?.password).toBe(VC_PASSWORD)
      },
    )
  },
)
