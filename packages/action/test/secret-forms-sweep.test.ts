import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { echoEveryForm } from '@hyperctl-export/fixtures'
import { type HypervisordSim, startHypervisordSim } from '@hyperctl-export/simulator'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type EchoProxy,
  recordingHyperctl,
  SWEEP_CASES,
  secretHits,
  startEchoProxy,
  sweepSurfaces,
} from '../../core/test/support/echo-proxy.js'
import { ActionHarness, hyperctlSimPath, waitFor } from './support/action-harness.js'

// why: the simulator refuses absolute output paths outside the temp directory (it stays in its sandbox)
const E = join(tmpdir(), 'hx-action-sweep')

let sim: HypervisordSim | undefined
let proxy: EchoProxy | undefined
afterEach(async () => {
  await proxy?.close()
  await sim?.close()
  sim = undefined
  proxy = undefined
})

describe('main and post, both transports, the issue secrets echoed in every form and under every key', () => {
  it.each(SWEEP_CASES)(
    '%s transport: no form of %s in a log, an output, the state, the summary, a file or an argv',
    async (transport, _, secret) => {
      sim = await startHypervisordSim({ autoAdvance: false, stableOrder: true })
      proxy = await startEchoProxy(sim.url, secret)
      const harness = await ActionHarness.create()
      const recorder = await recordingHyperctl(hyperctlSimPath)
      const inputs = {
        transport,
        'daemon-url': proxy.url,
        'hyperctl-path': recorder.path,
        'vcenter-server': 'vc.example.test',
        'vcenter-username': 'exporter@vsphere.local',
        'vcenter-password': secret,
        'vm-path': '/DC/vm/echo',
        'output-path': E,
        'poll-interval': '50ms',
      }
      const env = { HYPERCTL_SIM_DAEMON_URL: proxy.url }
      const running = await harness.start('main', inputs, { env })
      const [id] = await waitFor(async () => {
        const value = (await running.outputs())['job-ids']
        return value ? (JSON.parse(value) as string[]) : undefined
      }, 'the job ID')
      sim.control.failJob(id!, echoEveryForm(secret))
      const main = await running.done
      // why: post is made to look the job up (as after a killed main), so the daemon's echo reaches it too
      const post = await harness.run('post', inputs, {
        env,
        state: { ...main.state, 'unfinished-job-ids': JSON.stringify([id]) },
      })

      // why: the mask commands themselves carry the secret to the runner, which hides it; nothing else may
      const withoutMasks = (text: string) =>
        text
          .split('\n')
          .filter((line) => !line.startsWith('::add-mask::'))
          .join('\n')
      const runs = [
        { what: 'main', stdout: withoutMasks(main.stdout), stderr: main.stderr },
        { what: 'post', stdout: withoutMasks(post.stdout), stderr: post.stderr },
      ]
      const surfaces = await sweepSurfaces(runs, harness.dir, recorder.argv)
      expect(secretHits(surfaces, secret)).toEqual([])

      // the scans read real text: the job failed with the daemon's words, and post looked it up
      expect(main.code).toBe(1)
      expect(main.outputs.status).toBe('failed')
      expect(main.summary).toContain(id!.slice(0, 8))
      expect(post.stdout).toContain(`Not cancelling ${id}: it is already failed`)
      if (transport === 'api') expect(main.stdout).toContain('vi://exporter:***@vc')
      if (transport === 'cli') expect(await recorder.argv()).toContain('"query"')
      expect(await readdir(harness.runnerTemp)).toEqual([])
    },
    60_000,
  )
})
