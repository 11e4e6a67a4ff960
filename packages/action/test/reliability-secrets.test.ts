import { chmod, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type HypervisordSim,
  type HypervisordSimOptions,
  startHypervisordSim,
} from '@hyperctl-export/simulator'
import { afterEach, describe, expect, it } from 'vitest'
import { ActionHarness, type ActionRun, hyperctlSimPath, waitFor } from './support/action-harness.js'

// why: the simulator refuses absolute output paths outside the temp directory (it stays in its sandbox)
const E = join(tmpdir(), 'hx-action-e')

// why: values no output can contain by chance, so a hit is a leak and nothing else
const VC_PASSWORD = 'act-PW-sweep-5b9e1c3f'
const API_KEY = 'act-KEY-sweep-8a6d2e40'
const vcenter = {
  'vcenter-server': 'vc.example.test',
  'vcenter-username': 'exporter@vsphere.local',
  'vcenter-password': VC_PASSWORD,
}
const sims: HypervisordSim[] = []

async function sim(options: HypervisordSimOptions = {}): Promise<HypervisordSim> {
  const started = await startHypervisordSim({ autoAdvance: false, stableOrder: true, ...options })
  sims.push(started)
  return started
}

afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()))
})

/**
 * A hyperctl that records the mode of its job file (and of the file's directory) while it exists, then
 * runs hyperctl-sim with the same arguments.
 */
async function recordingHyperctl(harness: ActionHarness): Promise<{ path: string; record: string }> {
  const path = join(harness.dir, 'hyperctl-recording.mjs')
  const record = join(harness.dir, 'job-files.jsonl')
  await writeFile(
    path,
    `#!/usr/bin/env node
import { spawn } from 'node:child_process'
import { appendFileSync, statSync } from 'node:fs'
import { dirname } from 'node:path'

const args = process.argv.slice(2)
if (args[0] === 'submit' && args[1] === '-file') {
  const mode = (p) => (statSync(p).mode & 0o777).toString(8)
  appendFileSync(${JSON.stringify(record)}, JSON.stringify({ file: args[2], mode: mode(args[2]), dir: mode(dirname(args[2])) }) + '\\n')
}
const child = spawn(${JSON.stringify(hyperctlSimPath)}, args, { stdio: 'inherit' })
child.on('exit', (code) => process.exit(code ?? 1))
`,
  )
  await chmod(path, 0o755)
  await writeFile(record, '')
  return { path, record }
}

interface Step {
  what: string
  main: ActionRun
  post: ActionRun
}

/** Runs main as the runner would (optionally doing something while it waits), then post with main's state. */
async function step(
  harness: ActionHarness,
  what: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
  during?: (ids: string[], pid: number) => Promise<void> | void,
): Promise<Step> {
  const stepInputs = { 'poll-interval': '50ms', ...vcenter, ...inputs }
  const running = await harness.start('main', stepInputs, { env })
  if (during) {
    const ids = await waitFor(async () => {
      const value = (await running.outputs())['job-ids']
      return value ? (JSON.parse(value) as string[]) : undefined
    }, `${what}: the job IDs`)
    await during(ids, running.pid)
  }
  const main = await running.done
  const post = await harness.run('post', stepInputs, { env, state: main.state })
  return { what, main, post }
}

/** stdout (without the mask commands themselves), stderr, and every file the steps left behind. */
async function expectNoSecret(harness: ActionHarness, steps: readonly Step[]): Promise<void> {
  for (const { what, main, post } of steps) {
    for (const run of [main, post]) {
      const stdout = run.stdout
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n')
      for (const secret of [VC_PASSWORD, API_KEY]) {
        expect(stdout, `${what}: stdout`).not.toContain(secret)
        expect(run.stderr, `${what}: stderr`).not.toContain(secret)
      }
    }
    // the result output is JSON and says what became of every job
    if (main.outputs.result) expect(() => JSON.parse(main.outputs.result!)).not.toThrow()
  }
  const files = await harness.allFiles()
  expect(files.length).toBeGreaterThan(steps.length * 3)
  for (const { path, text } of files) {
    expect(text.includes(VC_PASSWORD), path).toBe(false)
    expect(text.includes(API_KEY), path).toBe(false)
  }
  // every private temp directory (hyperctl job files) is gone once post ran
  expect(await readdir(harness.runnerTemp)).toEqual([])
}

describe('dist/main/index.js and dist/post/index.js with secrets, through success and every failure', () => {
  it('write neither the API key nor the vCenter password anywhere (api transport)', async () => {
    const harness = await ActionHarness.create()
    const api = (daemon: HypervisordSim) => ({
      'daemon-url': daemon.url,
      transport: 'api',
      'api-key': API_KEY,
      'output-path': E,
    })
    const keyed = () => sim({ apiKey: API_KEY })
    const downUrl = await (async () => {
      const d = await keyed()
      await d.control.goDown()
      return d.url
    })()

    const steps = await Promise.all([
      keyed().then((d) =>
        step(harness, 'completed', { ...api(d), 'vm-paths': '/DC/vm/a\n/DC/vm/b' }, {}, (ids) => {
          for (const id of ids) d.control.completeJob(id)
        }),
      ),
      keyed().then((d) =>
        step(
          harness,
          'failed with the password in the daemon text',
          { ...api(d), 'vm-path': '/DC/vm/f' },
          {},
          ([id]) => {
            d.control.failJob(id!, `export failed: ovftool vi://exporter:${VC_PASSWORD}@vc refused`)
          },
        ),
      ),
      step(
        harness,
        'daemon down',
        {
          'daemon-url': downUrl,
          transport: 'api',
          'api-key': API_KEY,
          'vm-path': '/DC/vm/d',
          'output-path': E,
        },
        {},
      ),
      keyed().then((d) =>
        step(harness, 'key refused', { ...api(d), 'api-key': `${API_KEY}-wrong`, 'vm-path': '/DC/vm/k' }, {}),
      ),
      keyed().then((d) =>
        step(
          harness,
          'timeout, cancelled',
          { ...api(d), 'vm-path': '/DC/vm/t', timeout: '1s', 'cancel-on-timeout': 'true' },
          {},
        ),
      ),
      keyed().then((d) =>
        step(harness, 'SIGINT', { ...api(d), 'vm-path': '/DC/vm/i' }, {}, (_ids, pid) => {
          process.kill(pid, 'SIGINT')
        }),
      ),
      keyed().then((d) => {
        d.control.dropNextSubmitReply()
        return step(harness, 'submit reply lost', { ...api(d), 'vm-path': '/DC/vm/l' }, {}, ([id]) => {
          d.control.completeJob(id!)
        })
      }),
      keyed().then((d) =>
        step(harness, '5xx burst', { ...api(d), 'vm-path': '/DC/vm/x' }, {}, async ([id]) => {
          d.control.failNext(2, 502, { body: '<html>bad gateway</html>', contentType: 'text/html' })
          await waitFor(() => d.control.requests.filter((r) => r.fault).length === 2, 'the 502 replies')
          d.control.completeJob(id!)
        }),
      ),
      keyed().then((d) =>
        step(harness, 'restart: lost', { ...api(d), 'vm-path': '/DC/vm/r' }, {}, () => {
          d.control.restart()
        }),
      ),
    ])

    expect(
      Object.fromEntries(steps.map((s) => [s.what, [s.main.code, s.main.outputs.status, s.post.code]])),
    ).toEqual({
      completed: [0, 'completed', 0],
      'failed with the password in the daemon text': [1, 'failed', 0],
      'daemon down': [1, 'failed', 0],
      'key refused': [1, 'failed', 0],
      'timeout, cancelled': [1, 'timeout', 0],
      SIGINT: [130, 'cancelled', 0],
      'submit reply lost': [0, 'completed', 0],
      '5xx burst': [0, 'completed', 0],
      'restart: lost': [1, 'failed', 0],
    })
    await expectNoSecret(harness, steps)
    // the masking was at work, not luck: the daemon's text reached the step with the password masked
    const failed = steps.find((s) => s.what.startsWith('failed'))!.main
    expect(failed.outputs.result).toContain('vi://exporter:***@vc refused')
    expect(failed.summary).toContain('vi://exporter:***@vc refused')
  })

  it('write no vCenter password anywhere, and keep job files 0600 while they exist (cli transport)', async () => {
    const harness = await ActionHarness.create()
    const hyperctl = await recordingHyperctl(harness)
    const cli = (daemon: HypervisordSim) => ({
      'daemon-url': daemon.url,
      transport: 'cli',
      'hyperctl-path': hyperctl.path,
      'output-path': E,
    })
    const envOf = (daemon: HypervisordSim, extra: Record<string, string> = {}) => ({
      HYPERCTL_SIM_DAEMON_URL: daemon.url,
      ...extra,
    })

    const steps = await Promise.all([
      sim().then((d) =>
        step(harness, 'completed', { ...cli(d), 'vm-path': '/DC/vm/a' }, envOf(d), ([id]) => {
          d.control.completeJob(id!)
        }),
      ),
      sim().then((d) =>
        step(
          harness,
          'garbled output',
          { ...cli(d), 'vm-path': '/DC/vm/g' },
          envOf(d, { HYPERCTL_SIM_GARBLE: 'stray:9:both' }),
        ),
      ),
      sim().then((d) =>
        step(
          harness,
          'hyperctl missing',
          { ...cli(d), 'hyperctl-path': join(harness.dir, 'nope'), 'vm-path': '/DC/vm/m' },
          envOf(d),
        ),
      ),
      sim().then((d) =>
        step(harness, 'SIGINT', { ...cli(d), 'vm-path': '/DC/vm/i' }, envOf(d), (_ids, pid) => {
          process.kill(pid, 'SIGINT')
        }),
      ),
      sim().then((d) => {
        d.control.dropNextSubmitReply()
        return step(harness, 'submit reply lost', { ...cli(d), 'vm-path': '/DC/vm/l' }, envOf(d), ([id]) => {
          d.control.completeJob(id!)
        })
      }),
    ])

    expect(
      Object.fromEntries(steps.map((s) => [s.what, [s.main.code, s.main.outputs.status, s.post.code]])),
    ).toEqual({
      completed: [0, 'completed', 0],
      'garbled output': [1, 'failed', 0],
      'hyperctl missing': [1, 'failed', 0],
      SIGINT: [130, 'cancelled', 0],
      'submit reply lost': [0, 'completed', 0],
    })
    await expectNoSecret(harness, steps)
    const jobFiles = (await readFile(hyperctl.record, 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { file: string; mode: string; dir: string })
    // completed, garbled (submit and its retries), SIGINT, and the lost reply's two submits
    expect(jobFiles.length).toBeGreaterThanOrEqual(5)
    for (const file of jobFiles) {
      expect(file, file.file).toMatchObject({ mode: '600', dir: '700' })
      expect(file.file.startsWith(harness.runnerTemp)).toBe(true)
    }
  })
})
