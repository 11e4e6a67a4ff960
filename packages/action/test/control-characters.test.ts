import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type HypervisordSim, startHypervisordSim } from '@hyperctl-export/simulator'
import { afterEach, describe, expect, it } from 'vitest'
import { HOSTILE_ERROR, HOSTILE_NAME, rawControls } from '../../core/test/support/hostile-text.js'
import { ActionHarness, hyperctlSimPath, waitFor } from './support/action-harness.js'

// why: the simulator refuses absolute output paths outside the temp directory (it stays in its sandbox)
const E = join(tmpdir(), 'hx-action-controls')

let sim: HypervisordSim | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

describe.each(['api', 'cli'] as const)(
  'escape codes, bidi and zero-width characters (%s transport)',
  (transport) => {
    it('reach no log line, annotation, output, state or summary of main and post', async () => {
      sim = await startHypervisordSim({ autoAdvance: false, stableOrder: true })
      const harness = await ActionHarness.create()
      const inputs = {
        transport,
        'daemon-url': sim.url,
        'hyperctl-path': hyperctlSimPath,
        'vcenter-server': 'vc.example.test',
        'vcenter-username': 'exporter@vsphere.local',
        'vcenter-password': 'vc-controls-4242',
        'vm-paths': `/DC/vm/${HOSTILE_NAME}\n/DC/vm/plain-01`,
        'output-path': E,
        'poll-interval': '50ms',
      }
      const env = { HYPERCTL_SIM_DAEMON_URL: sim.url }
      const running = await harness.start('main', inputs, { env })
      const ids = await waitFor(async () => {
        const value = (await running.outputs())['job-ids']
        const parsed = value ? (JSON.parse(value) as string[]) : []
        return parsed.length === 2 ? parsed : undefined
      }, 'the job IDs')
      for (const id of ids) sim.control.failJob(id, HOSTILE_ERROR)
      const main = await running.done
      const post = await harness.run('post', inputs, {
        env,
        state: { ...main.state, 'unfinished-job-ids': JSON.stringify(ids) },
      })

      const step = join(harness.dir, 'step-1-main')
      const surfaces = {
        'main log': main.stdout,
        'main stderr': main.stderr,
        'post log': post.stdout,
        'post stderr': post.stderr,
        GITHUB_OUTPUT: await readFile(join(step, 'output'), 'utf8'),
        GITHUB_STATE: await readFile(join(step, 'state'), 'utf8'),
        GITHUB_STEP_SUMMARY: main.summary,
      }
      for (const [where, text] of Object.entries(surfaces)) expect(rawControls(text), where).toEqual([])

      // the scan read real text: the hostile name is in the log and the summary, escaped
      expect(main.code).toBe(1)
      expect(main.stdout).toMatch(/::error.*red\\u202eexe\.txt/i)
      expect(main.summary).toMatch(/red\\u202eexe\.txt/i)
      if (transport === 'api') expect(main.stdout).toContain('export failed: \\x1b]0;owned\\x07')
    }, 60_000)
  },
)
