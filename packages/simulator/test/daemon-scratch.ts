import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import type { HypervisordSim } from '../src/index.js'

/** A vCenter block that lets a job run (the simulator checks only that it is there). */
export const VC = { server: 'vcenter.example.com', username: 'exporter@vsphere.local', password: 'pw' }

/** A fresh temporary directory per test, and the simulator a test started, closed and removed after it. */
export function scratch(prefix: string): { dir: string; sim: HypervisordSim | undefined } {
  const state: { dir: string; sim: HypervisordSim | undefined } = { dir: '', sim: undefined }
  beforeEach(() => {
    state.dir = mkdtempSync(join(tmpdir(), prefix))
  })
  afterEach(async () => {
    await state.sim?.close()
    state.sim = undefined
    rmSync(state.dir, { recursive: true, force: true })
  })
  return state
}
