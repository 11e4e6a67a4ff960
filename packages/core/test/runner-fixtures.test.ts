import { join } from 'node:path'
import { fixturesRoot, type HyperctlFixture, loadHyperctlFixtures } from '@hyperctl-export/fixtures'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import {
  AuthFailedError,
  CommandFailedError,
  DaemonError,
  DaemonUnreachableError,
  type HyperctlError,
  JobNotFoundError,
  UsageError,
} from '../src/errors.js'
import { assertValidJobId, ignoredOptionWarnings } from '../src/jobs/job-definition.js'
import { HyperctlRunner } from '../src/runner/hyperctl-runner.js'
import type { JobInfo, JobSpec, SubmitResult } from '../src/types.js'
import { FAKE_HYPERCTL, fakeSetup } from './fake-hyperctl/harness.js'

interface Row {
  id: string
  idTruncated: boolean
  name: string
  vmPath: string
  vmPathTruncated: boolean
  status: JobInfo['status']
  phase: string | null
  percent: number | null
  started: string | null
}
interface ErrorExpectation {
  error: string
  exitCode: number
  message: string
}

/** A runner call that reproduces the fixture, what it must return, and the argv it must send. */
interface Replay {
  invoke: (runner: HyperctlRunner) => Promise<unknown>
  expected?: unknown
  argv?: (argv: string[]) => void
}

const RUNNER_COMMANDS = new Set(['version', 'status', 'query', 'submit', 'cancel'])
const fixtures = loadHyperctlFixtures((f) => RUNNER_COMMANDS.has(f.command))

describe('HyperctlRunner', () => {
  let fake: Awaited<ReturnType<typeof fakeSetup>>
  beforeEach(async () => {
    fake = await fakeSetup()
  })
  afterEach(async () => {
    await fake.dispose()
  })

  it('has a fixture for every command it runs', () => {
    expect(new Set(fixtures.map((f) => f.command))).toEqual(RUNNER_COMMANDS)
  })

  for (const fixture of fixtures) {
    const outcome = fixture.expectsError ? `throws ${errorClassFor(fixture).name}` : 'returns what it means'
    it(`${outcome} when hyperctl prints ${fixture.name}`, async () => {
      const caseName = fixture.name.slice(fixture.name.lastIndexOf('/') + 1)
      const env = await fake.env({ case: caseName, dir: join(fixturesRoot(), fixture.folder) })
      const runner = new HyperctlRunner({ hyperctlPath: FAKE_HYPERCTL, env })
      const replay = replayOf(fixture)
      if (fixture.expectsError) {
        const error = await replay.invoke(runner).then(
          () => undefined,
          (e: unknown) => e,
        )
        const expected = fixture.expected as ErrorExpectation
        expect(error).toBeInstanceOf(errorClassFor(fixture))
        if (error instanceof DaemonUnreachableError || error instanceof UsageError) {
          expect(error.message).toContain(expected.message)
        }
      } else {
        expect(await replay.invoke(runner)).toEqual(replay.expected)
      }
      const records = fake.records()
      expect(records).toHaveLength(1)
      replay.argv?.(records[0]!.argv)
    })
  }

  for (const fixture of fixtures.filter((f) => f.command === 'query' && singleId(f) !== undefined)) {
    it(`getJob answers as ${fixture.name} says for its one ID`, async () => {
      const caseName = fixture.name.slice(fixture.name.lastIndexOf('/') + 1)
      const env = await fake.env({ case: caseName, dir: join(fixturesRoot(), fixture.folder) })
      const runner = new HyperctlRunner({ hyperctlPath: FAKE_HYPERCTL, env })
      const id = singleId(fixture)!
      const call = runner.getJob(id)
      if (fixture.expectsError) {
        await expect(call).rejects.toBeInstanceOf(errorClassFor(fixture))
        return
      }
      const rows = (fixture.expected as { jobs: Row[] }).jobs
      if (rows.length === 0) await expect(call).rejects.toBeInstanceOf(JobNotFoundError)
      else expect(await call).toEqual(jobInfo(rows[0]!, id))
    })
  }
})

function replayOf(fixture: HyperctlFixture): Replay {
  const args = fixture.case.argv.slice(1)
  switch (fixture.command) {
    case 'version':
      return {
        invoke: (r) => r.version(),
        expected: { hyperctl: (fixture.expected as { version: string }).version },
        argv: (argv) => expect(argv).toEqual(['-version']),
      }
    case 'status':
      return {
        invoke: (r) => r.checkDaemonStatus(),
        expected: { ...(fixture.expected as object), url: 'http://localhost:8080' },
        argv: (argv) => expect(argv).toEqual(['status']),
      }
    case 'query':
      return queryReplay(fixture, args)
    case 'submit':
      return submitReplay(fixture, args)
    case 'cancel': {
      const ids = flag(args, 'id')?.split(',')
      if (!ids?.every(isUsableId)) {
        // a run the runner cannot produce (no -id): the same output must still give the same error
        return { invoke: (r) => r.cancelJobs(['ba78368e-ef45-41f5-9eda-57ac0326af5f']) }
      }
      return {
        invoke: (r) => r.cancelJobs(ids),
        expected: fixture.expected,
        argv: (argv) => expect(argv).toEqual(['cancel', '-id', ids.join(',')]),
      }
    }
    default:
      throw new Error(`no replay for ${fixture.command}`)
  }
}

function queryReplay(fixture: HyperctlFixture, args: string[]): Replay {
  const rows = fixture.expectsError ? [] : (fixture.expected as { jobs: Row[] }).jobs
  const ids = flag(args, 'id')?.split(',')
  if (ids?.every(isUsableId) && new Set(ids).size === ids.length) {
    return {
      invoke: (r) => r.queryJobs({ ids }),
      expected: rows.map((row) => jobInfo(row, fullIdOf(row, ids))),
      argv: (argv) => expect(argv).toEqual(['query', '-id', ids.join(',')]),
    }
  }
  const statuses = flag(args, 'status')
  if (!ids && statuses !== undefined && !args.includes('-all')) {
    const status = statuses.split(',').map((s) => s.trim()) as JobInfo['status'][]
    return {
      invoke: (r) => r.queryJobs({ status }),
      expected: rows.map((row) => ({ ...jobInfo(row, row.id), idTruncated: row.idTruncated })),
      argv: (argv) => expect(argv).toEqual(['query', '-status', status.join(',')]),
    }
  }
  // -all, no flag, or IDs the runner would refuse: the same table read as a query of all jobs
  return {
    invoke: (r) => r.queryJobs({ all: true }),
    expected: rows.map((row) => ({ ...jobInfo(row, row.id), idTruncated: row.idTruncated })),
    argv: (argv) => expect(argv).toEqual(['query', '-all']),
  }
}

function submitReplay(fixture: HyperctlFixture, args: string[]): Replay {
  const checkArgv = (argv: string[]) => {
    expect(argv.slice(0, 2)).toEqual(['submit', '-file'])
    expect(argv[2]).toMatch(/[\\/]jobs\.json$/)
    expect(argv).toHaveLength(3)
  }
  if (fixture.expectsError) {
    const jobs: JobSpec[] = [{ vmPath: '/Datacenter/vm/web-01', outputPath: '/exports/web-01' }]
    return { invoke: (r) => r.submitJobs(jobs), argv: checkArgv }
  }
  const printed = fixture.expected as {
    accepted: number
    rejected: number
    jobIds: string[]
    errors: string[]
  }
  const specs = jobsOfFixture(fixture, args)
  // the daemon rejects only duplicate IDs and lists accepted IDs in submission order (docs/hyperctl.md#post-jobs-submit)
  const named = new Map<string, string>()
  const unnamed: string[] = []
  for (const message of printed.errors) {
    const id = /^job with ID (.+) already exists$/.exec(message)?.[1]
    if (id === undefined) unnamed.push(message)
    else named.set(id, message)
  }
  const acceptedIds = [...printed.jobIds]
  const outcomes = specs.map((spec, index) => {
    if (spec.id !== undefined && named.has(spec.id)) return { id: spec.id, error: named.get(spec.id)! }
    const id = acceptedIds.shift()
    if (id === undefined) return { id: spec.id ?? `fixture-job-${index}`, error: unnamed.join('; ') }
    if (spec.id !== undefined) expect(id).toBe(spec.id)
    return { id }
  })
  const jobs = specs.map((spec, i) => ({ ...spec, id: outcomes[i]!.id }))
  const expected: SubmitResult = {
    jobs: jobs.map((job, index) => ({
      index,
      id: job.id,
      vmPath: job.vmPath,
      name: job.name ?? job.vmPath.split('/').filter(Boolean).at(-1)!,
      accepted: outcomes[index]!.error === undefined,
      ...(outcomes[index]!.error === undefined ? {} : { error: outcomes[index]!.error }),
      exportMethod: job.exportMethod ?? 'web',
    })),
    warnings: jobs.flatMap((job) =>
      ignoredOptionWarnings(job).map((w) => (jobs.length > 1 ? `${job.vmPath}: ${w}` : w)),
    ),
  }
  return { invoke: (r) => r.submitJobs(jobs), expected, argv: checkArgv }
}

/** The jobs the fixture submitted: its job file, or its -vm and -output flags. */
function jobsOfFixture(fixture: HyperctlFixture, args: string[]): JobSpec[] {
  const file = flag(args, 'file')
  if (file === undefined) {
    return [{ vmPath: flag(args, 'vm')!, outputPath: flag(args, 'output') ?? '/exports/unnamed' }]
  }
  const text = fixture.case.files?.[file]
  if (text === undefined) throw new Error(`${fixture.name}: job file ${file} is not in the case`)
  const parsed: unknown = /\.ya?ml$/.test(file) ? parseYaml(text) : JSON.parse(text)
  const list = Array.isArray(parsed)
    ? parsed
    : parsed && typeof parsed === 'object' && 'jobs' in parsed && Array.isArray(parsed.jobs)
      ? parsed.jobs
      : [parsed]
  return list.map((definition: Record<string, unknown>) => {
    const spec: JobSpec = {
      vmPath: String(definition.vm_path),
      outputPath: String(definition.output_path ?? definition.output_dir ?? '/exports/unnamed'),
    }
    if (typeof definition.id === 'string' && definition.id !== '') spec.id = definition.id
    if (typeof definition.name === 'string') spec.name = definition.name
    if (typeof definition.format === 'string') spec.format = definition.format
    const method = definition.export_method ?? definition.method
    if (typeof method === 'string') spec.exportMethod = method as JobSpec['exportMethod']
    if (definition.options && typeof definition.options === 'object') {
      spec.options = Object.fromEntries(
        Object.entries(definition.options).map(([k, v]) => [
          k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
          v,
        ]),
      )
    }
    return spec
  })
}

function jobInfo(row: Row, id: string): JobInfo {
  const job: JobInfo = {
    id,
    name: row.name,
    vmPath: row.vmPath,
    vmPathTruncated: row.vmPathTruncated,
    status: row.status,
    source: 'cli',
  }
  if (row.phase !== null) job.phase = row.phase
  if (row.percent !== null) job.percent = row.percent
  if (row.started !== null) job.startedAt = row.started
  return job
}

/** The requested ID a row shows: whole, or its first 8 bytes followed by `...`. */
function fullIdOf(row: Row, ids: string[]): string {
  const matches = ids.filter((id) =>
    row.idTruncated ? id.length > 8 && id.startsWith(row.id) && row.id.length === 8 : id === row.id,
  )
  if (matches.length !== 1) throw new Error(`row ${row.id} matches ${matches.length} requested IDs`)
  return matches[0]!
}

function singleId(fixture: HyperctlFixture): string | undefined {
  const ids = flag(fixture.case.argv.slice(1), 'id')?.split(',')
  return ids?.length === 1 && isUsableId(ids[0]!) ? ids[0] : undefined
}

function errorClassFor(fixture: HyperctlFixture): abstract new (...args: never[]) => HyperctlError {
  const { error, message } = fixture.expected as ErrorExpectation
  switch (error) {
    case 'daemon-unreachable':
      return DaemonUnreachableError
    case 'usage':
      return UsageError
    case 'server-error':
      return /\bunauthorized\b/i.test(message) ? AuthFailedError : DaemonError
    case 'parse-failure':
      return /invalid character 'u'/.test(message) ? AuthFailedError : DaemonError
    default:
      return CommandFailedError
  }
}

// the subcommand flags that take a value (docs/hyperctl.md#flag-parsing); `-all` is the only bool one
const VALUE_FLAGS = new Set(['file', 'vm', 'output', 'id', 'status', 'daemon'])

/** A Go flag's value: `-name value`, `--name value` or `-name=value`, before the first positional. */
function flag(args: string[], name: string): string | undefined {
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!
    const match = /^--?([A-Za-z]+)(=(.*))?$/s.exec(arg)
    if (!match) return undefined
    const [, flagName, withValue, value] = match
    if (withValue !== undefined) {
      if (flagName === name) return value
      continue
    }
    if (flagName === name) return args[i + 1]
    if (VALUE_FLAGS.has(flagName!)) i++
  }
  return undefined
}

function isUsableId(id: string): boolean {
  try {
    assertValidJobId(id)
    return true
  } catch {
    return false
  }
}
