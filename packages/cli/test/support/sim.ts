import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type HypervisordSim,
  type HypervisordSimOptions,
  startHypervisordSim,
} from '@hyperctl-export/simulator'

export const VC_PASSWORD = 'vc-pass-Secret-4711'

/** The flags and environment of an export with a full vCenter connection (password only in the env). */
export function vcenterArgs(): string[] {
  return ['--vcenter-server', 'vcenter.test.invalid', '--vcenter-username', 'exporter@vsphere.local']
}

export interface TestDaemon {
  sim: HypervisordSim
  url: string
  /** A temporary directory for exports, removed by stop(). */
  out: string
  stop(): Promise<void>
}

/**
 * A simulator whose jobs never move by themselves (a manual clock): the test decides when each job ends,
 * with sim.control.completeJob/failJob. Query order is stable.
 */
export async function startDaemon(options: HypervisordSimOptions = {}): Promise<TestDaemon> {
  const sim = await startHypervisordSim({ autoAdvance: false, stableOrder: true, ...options })
  const out = await mkdtemp(join(tmpdir(), 'cli-e2e-'))
  return {
    sim,
    url: sim.url,
    out,
    async stop() {
      await sim.close()
      await rm(out, { recursive: true, force: true })
    },
  }
}
