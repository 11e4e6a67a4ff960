import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import {
  type HypervisordSim,
  type HypervisordSimOptions,
  type RecordedRequest,
  startHypervisordSim,
} from '@hyperctl-export/simulator'
import { HypervisordClient, type HypervisordClientOptions } from '../../src/client/hypervisord-client.js'
import { type Executor, nodeExecutor } from '../../src/runner/executor.js'
import { HyperctlRunner } from '../../src/runner/hyperctl-runner.js'
import type { ExportBackend, JobSpec, Transport } from '../../src/types.js'
import type { Clock } from '../../src/wait/clock.js'

/** The simulator's hyperctl stand-in, pointed at a simulator by its documented test knob. */
export const HYPERCTL_SIM = resolve(import.meta.dirname, '../../../simulator/dist/bin/hyperctl-sim.js')

// why: values no output can contain by chance, so a hit in a scan is a leak and nothing else
export const VC_PASSWORD = 'vc-PW-reliab1lity-9f4e2d'
export const API_KEY = 'api-KEY-reliab1lity-6c1a8b'
export const vcenter = {
  server: 'vcenter.example.test',
  username: 'exporter@vsphere.local',
  password: VC_PASSWORD,
}

export interface FaultSim {
  sim: HypervisordSim
  /** Exports land here (the simulator's cwd); removed by close(). */
  out: string
  /** Where hyperctl's private job-file directories are made; must be empty after every call. */
  jobTemp: string
  /** The session's time is the simulator's: every pause between polls moves the daemon's clock on. */
  clock: Clock
  close(): Promise<void>
}

/** A simulator on a manual clock (nothing moves unless the session sleeps or the test advances). */
export async function startFaultSim(options: HypervisordSimOptions = {}): Promise<FaultSim> {
  const out = await mkdtemp(join(tmpdir(), 'hx-rel-out-'))
  const jobTemp = await mkdtemp(join(tmpdir(), 'hx-rel-tmp-'))
  const sim = await startHypervisordSim({
    autoAdvance: false,
    stableOrder: true,
    jobDurationMs: 20_000,
    cwd: out,
    ...options,
  })
  return {
    sim,
    out,
    jobTemp,
    clock: simClock(sim),
    async close() {
      await sim.close()
      await rm(out, { recursive: true, force: true })
      await rm(jobTemp, { recursive: true, force: true })
    },
  }
}

export function simClock(sim: HypervisordSim): Clock {
  return {
    now: () => sim.control.clock.now(),
    sleep: async (ms, signal) => {
      if (signal?.aborted) return
      await sim.control.advance(ms)
    },
  }
}

export interface BackendOverrides {
  /** HypervisordClient options (api). */
  client?: Partial<HypervisordClientOptions>
  /** Extra environment of hyperctl-sim (cli), e.g. HYPERCTL_SIM_GARBLE. */
  hyperctlEnv?: Record<string, string>
  commandTimeoutMs?: number
  executor?: Executor
}

/**
 * A backend for one transport against the simulator. The client's retry pauses are a few real
 * milliseconds (they are not on the session's clock), so a test never waits for real backoff.
 */
export function backendFor(
  f: FaultSim,
  transport: Transport,
  overrides: BackendOverrides = {},
): ExportBackend {
  if (transport === 'api') {
    return new HypervisordClient({
      daemonUrl: f.sim.url,
      env: {},
      retries: 3,
      retryMinDelayMs: 1,
      retryMaxDelayMs: 4,
      retryAfterMaxMs: 4,
      requestTimeoutMs: 5_000,
      ...overrides.client,
    })
  }
  return new HyperctlRunner({
    hyperctlPath: HYPERCTL_SIM,
    env: {
      PATH: process.env.PATH,
      HYPERCTL_SIM_DAEMON_URL: f.sim.url,
      HYPERCTL_SIM_SPINNER_FRAMES: '1',
      ...overrides.hyperctlEnv,
    },
    tempDir: f.jobTemp,
    commandTimeoutMs: overrides.commandTimeoutMs ?? 20_000,
    executor: overrides.executor ?? nodeExecutor,
  })
}

export const jobSpecs = (f: FaultSim, n: number, prefix = 'vm'): JobSpec[] =>
  Array.from({ length: n }, (_, i) => ({
    vmPath: `/DC/vm/${prefix}-${i}`,
    outputPath: join(f.out, `${prefix}-${i}`),
    vcenter,
  }))

export const submitRequests = (requests: readonly RecordedRequest[]) =>
  requests.filter((r) => r.method === 'POST' && r.path === '/jobs/submit')

/** The job IDs named in the bodies of the submit requests, one entry per time an ID was sent. */
export function submittedIds(requests: readonly RecordedRequest[]): string[] {
  return submitRequests(requests).flatMap((r) => {
    const body = JSON.parse(r.body) as { jobs?: Array<{ id: string }> } | { id: string }
    return 'jobs' in body && body.jobs ? body.jobs.map((j) => j.id) : [(body as { id: string }).id]
  })
}

export async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String)
}

/**
 * Every string reachable from a value, for secret scans: own properties of errors (message, hint, stdout,
 * stderr, raw, ...) and their causes, outcomes, nested objects and arrays. Bounded in depth and size.
 */
export function everyString(value: unknown): string {
  const seen = new Set<unknown>()
  const parts: string[] = []
  const visit = (v: unknown, depth: number) => {
    if (depth > 12 || parts.length > 100_000) return
    if (typeof v === 'string') {
      parts.push(v)
      return
    }
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
      parts.push(String(v))
      return
    }
    if (v === null || typeof v !== 'object' || seen.has(v)) return
    seen.add(v)
    if (v instanceof Error) {
      parts.push(String(v), v.stack ?? '')
      for (const key of Object.getOwnPropertyNames(v))
        visit((v as unknown as Record<string, unknown>)[key], depth + 1)
      visit(v.cause, depth + 1)
      return
    }
    for (const item of Array.isArray(v) ? v : Object.values(v)) visit(item, depth + 1)
  }
  visit(value, 0)
  return parts.join('\n')
}
