// Every way a "completed" export can be broken on disk, through the built CLI: the daemon says completed,
// the CLI says failed (exit 1) with incomplete-export and the file that is wrong.
import { join } from 'node:path'
import type { SimExportDamage } from '@hyperctl-export/simulator'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startCli } from './support/cli-process.js'
import { startDaemon, type TestDaemon, VC_PASSWORD, vcenterArgs } from './support/sim.js'

let daemon: TestDaemon
beforeEach(async () => {
  daemon = await startDaemon()
})
afterEach(async () => {
  await daemon.stop()
})

// the file each damage breaks, as the message must name it
const CASES: Array<[SimExportDamage, string]> = [
  ['short-disk', 'web-01-disk-0.vmdk'],
  ['missing-disk', 'web-01-disk-0.vmdk'],
  ['missing-descriptor', 'web-01.ovf'],
  ['corrupt-byte', 'web-01-disk-0.vmdk'],
  ['manifest-mismatch', 'web-01-disk-0.vmdk'],
  ['reference-outside', 'outside.vmdk'],
]

describe('hyperctl-export export on a damaged export', () => {
  it.each(CASES)(
    'exits 1 with incomplete-export naming the file when the export has %s',
    async (damage, file) => {
      daemon.sim.control.damageNextExport(damage)
      const out = join(daemon.out, 'web-01')
      const args = ['export', '/DC/vm/web-01', '--output', out, '--daemon-url', daemon.url, ...vcenterArgs()]
      const run = startCli([...args, '--poll-interval', '20ms', '--json'], {
        HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD,
      })
      const [, jobId] = await run.waitForStderr(/submitted as job (\S+)/)
      daemon.sim.control.completeJob(jobId!)
      const result = await run.done
      expect(daemon.sim.control.job(jobId!)?.status).toBe('completed')
      expect(result.code).toBe(1)
      const doc = JSON.parse(result.stdout)
      expect(doc.verdict).toBe('failed')
      expect(doc.jobs[0]).toMatchObject({
        status: 'failed',
        error: { kind: 'incomplete-export' },
        verified: false,
      })
      expect(doc.jobs[0].error.message).toContain(file)
    },
  )
})
