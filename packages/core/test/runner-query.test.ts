import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HyperctlParseError, JobNotFoundError, UsageError } from '../src/errors.js'
import { HyperctlRunner } from '../src/runner/hyperctl-runner.js'
import { FAKE_HYPERCTL, type FakeResponse, FIXTURE_DIR, fakeSetup } from './fake-hyperctl/harness.js'

const RUNNING_ID = '2545e058-b89e-4692-8e5d-47214a8ea293'
const CANCELLED_ID = '406ade18-be51-47fa-a9f1-5554e7efe301'

/** The full IDs behind the 12 rows of query-all-12, in row order (from the daemon reply it records). */
const ALL_12_IDS = (
  JSON.parse(JSON.parse(readFileSync(join(FIXTURE_DIR, 'query-all-12.case.json'), 'utf8')).response.body) as {
    jobs: Array<{ definition: { id: string } }>
  }
).jobs.map((job) => job.definition.id)

describe('HyperctlRunner queries', () => {
  let fake: Awaited<ReturnType<typeof fakeSetup>>
  beforeEach(async () => {
    fake = await fakeSetup()
  })
  afterEach(async () => {
    await fake.dispose()
  })

  const runnerFor = async (script: Record<string, FakeResponse>) =>
    new HyperctlRunner({ hyperctlPath: FAKE_HYPERCTL, env: await fake.env(script) })

  describe('getJob', () => {
    it('returns the row under the full ID when hyperctl shows its 8-byte prefix', async () => {
      const runner = await runnerFor({ query: { fixture: 'query-running' } })
      expect(await runner.getJob(RUNNING_ID)).toEqual({
        id: RUNNING_ID,
        name: 'web-01',
        vmPath: '/Datacenter/vm/web-01',
        vmPathTruncated: false,
        status: 'running',
        phase: 'exporting',
        percent: 45.7,
        startedAt: '14:03:27',
        source: 'cli',
      })
      expect(fake.records().map((r) => r.argv)).toEqual([['query', '-id', RUNNING_ID]])
    })

    it('throws JobNotFoundError when hyperctl prints No jobs found', async () => {
      const runner = await runnerFor({ query: { fixture: 'query-empty' } })
      const error = await runner.getJob(RUNNING_ID).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(JobNotFoundError)
      expect((error as JobNotFoundError).jobId).toBe(RUNNING_ID)
    })

    it('throws HyperctlParseError when the row shows another ID', async () => {
      const runner = await runnerFor({ query: { fixture: 'query-running' } })
      await expect(runner.getJob('ffffffff-b89e-4692-8e5d-47214a8ea293')).rejects.toBeInstanceOf(
        HyperctlParseError,
      )
    })

    it('throws HyperctlParseError when the row shows a whole ID that is only a prefix of the asked one', async () => {
      const runner = await runnerFor({ query: { fixture: 'query-running' } })
      await expect(runner.getJob('2545e058')).rejects.toBeInstanceOf(HyperctlParseError)
    })

    it('throws HyperctlParseError when hyperctl prints more than one row', async () => {
      const runner = await runnerFor({ query: { fixture: 'query-all-12' } })
      await expect(runner.getJob(ALL_12_IDS[0]!)).rejects.toBeInstanceOf(HyperctlParseError)
    })

    it('throws UsageError without running hyperctl when the ID could smuggle in a second one', async () => {
      const runner = await runnerFor({ query: { fixture: 'query-running' } })
      await expect(runner.getJob(`${RUNNING_ID},other`)).rejects.toBeInstanceOf(UsageError)
      expect(fake.records()).toEqual([])
    })
  })

  describe('queryJobs', () => {
    it('maps the rows of one `query -id` run back to the full IDs, skipping IDs the daemon does not know', async () => {
      const asked = [...ALL_12_IDS.slice(0, 5), 'unknown-job-7', ...ALL_12_IDS.slice(5)]
      const runner = await runnerFor({ query: { fixture: 'query-all-12' } })
      const jobs = await runner.queryJobs({ ids: asked })
      expect(jobs.map((j) => j.id)).toEqual(ALL_12_IDS)
      expect(jobs.map((j) => j.status)).toEqual([
        'running',
        'completed',
        'failed',
        'cancelled',
        'pending',
        'running',
        'completed',
        'failed',
        'running',
        'completed',
        'pending',
        'running',
      ])
      expect(jobs[0]).toEqual({
        id: 'ba78368e-ef45-41f5-9eda-57ac0326af5f',
        name: 'web-01',
        vmPath: 'center/vm/production/web-01',
        vmPathTruncated: true,
        status: 'running',
        phase: 'exporting',
        percent: 45.7,
        startedAt: '22:58:40',
        source: 'cli',
      })
      expect(jobs[4]).toEqual({
        id: 'f39e41cc-44fb-4803-b63e-1bdec794fc07',
        name: 'ci runner',
        vmPath: '/Datacenter/vm/ci/runner-01',
        vmPathTruncated: false,
        status: 'pending',
        source: 'cli',
      })
      expect(fake.records().map((r) => r.argv)).toEqual([['query', '-id', asked.join(',')]])
    })

    it('asks alone, after the one run, for IDs that share the shown 8-byte prefix and were not submitted here', async () => {
      const twin = '406ade18-0000-4000-8000-000000000000'
      const notices: string[] = []
      const runner = new HyperctlRunner({
        hyperctlPath: FAKE_HYPERCTL,
        onNotice: (message) => notices.push(message),
        env: await fake.env({
          [`query -id ${CANCELLED_ID},${twin},${RUNNING_ID}`]: { fixture: 'query-cancelled' },
          [`query -id ${CANCELLED_ID}`]: { fixture: 'query-cancelled' },
          [`query -id ${twin}`]: { fixture: 'query-empty' },
        }),
      })
      const jobs = await runner.queryJobs({ ids: [CANCELLED_ID, twin, RUNNING_ID] })
      expect(jobs.map((j) => [j.id, j.status])).toEqual([[CANCELLED_ID, 'cancelled']])
      expect(fake.records().map((r) => r.argv)).toEqual([
        ['query', '-id', `${CANCELLED_ID},${twin},${RUNNING_ID}`],
        ['query', '-id', CANCELLED_ID],
        ['query', '-id', twin],
      ])
      await runner.queryJobs({ ids: [CANCELLED_ID, twin, RUNNING_ID] })
      expect(notices).toHaveLength(1)
      expect(notices[0]).toContain(`${CANCELLED_ID}, ${twin}`)
    })

    it('reads a row of the second round as the twin it was asked for', async () => {
      const twin = '406ade18-0000-4000-8000-000000000000'
      const runner = await runnerFor({
        [`query -id ${twin},${CANCELLED_ID}`]: { fixture: 'query-cancelled' },
        [`query -id ${twin}`]: { fixture: 'query-empty' },
        [`query -id ${CANCELLED_ID}`]: { fixture: 'query-cancelled' },
      })
      const jobs = await runner.queryJobs({ ids: [twin, CANCELLED_ID] })
      expect(jobs.map((j) => [j.id, j.status])).toEqual([[CANCELLED_ID, 'cancelled']])
    })

    it('throws HyperctlParseError when a row matches no asked ID', async () => {
      const runner = await runnerFor({ query: { fixture: 'query-cancelled' } })
      await expect(runner.queryJobs({ ids: [RUNNING_ID] })).rejects.toBeInstanceOf(HyperctlParseError)
    })

    it('runs `query -status` and returns the shown ID prefixes marked as cut', async () => {
      const runner = await runnerFor({ query: { fixture: 'query-all-12' } })
      const jobs = await runner.queryJobs({ status: ['running', 'failed', 'running'] })
      expect(fake.records().map((r) => r.argv)).toEqual([['query', '-status', 'running,failed']])
      expect(jobs.map((j) => [j.id, j.idTruncated])).toContainEqual(['job-42', false])
      expect(jobs.map((j) => [j.id, j.idTruncated])).toContainEqual(['nightly-', true])
      expect(jobs).toHaveLength(12)
    })

    it('runs `query -all` when neither IDs nor statuses are given', async () => {
      const runner = await runnerFor({ query: { fixture: 'query-empty' } })
      expect(await runner.queryJobs({})).toEqual([])
      expect(await runner.queryJobs({ all: true, status: ['running'] })).toEqual([])
      expect(await runner.queryJobs({ ids: [], status: [] })).toEqual([])
      expect(fake.records().map((r) => r.argv)).toEqual([
        ['query', '-all'],
        ['query', '-all'],
        ['query', '-all'],
      ])
    })

    it('throws UsageError without running hyperctl for an unknown status or an ID with a comma', async () => {
      const runner = await runnerFor({ query: { fixture: 'query-empty' } })
      await expect(runner.queryJobs({ status: ['running,failed' as 'running'] })).rejects.toBeInstanceOf(
        UsageError,
      )
      await expect(runner.queryJobs({ ids: ['a,b'] })).rejects.toBeInstanceOf(UsageError)
      expect(fake.records()).toEqual([])
    })
  })

  describe('cancelJobs', () => {
    const asked = ['ba78368e-ef45-41f5-9eda-57ac0326af5f', '4c2bb811-2336-448b-8de9-aaa329fc9985']

    it('runs `cancel -id a,b` and returns what was cancelled and what failed', async () => {
      const runner = await runnerFor({ cancel: { fixture: 'cancel-one-failed' } })
      expect(await runner.cancelJobs([...asked, asked[0]!])).toEqual({
        cancelled: [asked[0]],
        failed: [{ id: asked[1], error: `job ${asked[1]} cannot be cancelled (status: completed)` }],
      })
      expect(fake.records().map((r) => r.argv)).toEqual([['cancel', '-id', asked.join(',')]])
    })

    it('throws HyperctlParseError when the answer names IDs that were not asked for', async () => {
      const runner = await runnerFor({ cancel: { fixture: 'cancel-two' } })
      await expect(runner.cancelJobs(asked)).rejects.toBeInstanceOf(HyperctlParseError)
    })

    it('returns an empty result without running hyperctl for no IDs', async () => {
      const runner = await runnerFor({ cancel: { fixture: 'cancel-two' } })
      expect(await runner.cancelJobs([])).toEqual({ cancelled: [], failed: [] })
      expect(fake.records()).toEqual([])
    })

    it('throws UsageError without running hyperctl when an ID holds a comma', async () => {
      const runner = await runnerFor({ cancel: { fixture: 'cancel-two' } })
      await expect(runner.cancelJobs(['a,b'])).rejects.toBeInstanceOf(UsageError)
      expect(fake.records()).toEqual([])
    })
  })
})
