import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, startCli } from './support/cli-process.js'
import { startDaemon, type TestDaemon, VC_PASSWORD, vcenterArgs } from './support/sim.js'

let daemon: TestDaemon
const VMS = ['/DC/vm/数据库-01', '/DC/vm/web-🚀', '/DC/vm/plain']
beforeAll(async () => {
  daemon = await startDaemon()
  const submitted = await runCli(
    ['submit', ...VMS, '-o', daemon.out, '--daemon-url', daemon.url, ...vcenterArgs()],
    {
      HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD,
    },
  )
  expect(submitted.code, submitted.stderr).toBe(0)
  daemon.sim.control.completeJob(daemon.sim.control.jobs()[0]!.definition.id)
})
afterAll(async () => {
  await daemon.stop()
})

/**
 * Terminal columns of `text` as a terminal draws it, written out for the characters these tests use (the
 * CJK ideographs and the emoji take two columns), independent of the CLI's own measure.
 */
function columns(text: string): number {
  let width = 0
  for (const char of text) width += /[\u4e00-\u9fff]|\p{Extended_Pictographic}/u.test(char) ? 2 : 1
  return width
}

describe('tables', () => {
  it('jobs lines every column up by display width, with CJK and emoji names', async () => {
    const result = await runCli(['jobs', '--daemon-url', daemon.url])
    expect(result.code).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(VMS.length + 1)
    const [header, ...rows] = lines
    const vmColumn = columns(header!.slice(0, header!.indexOf('VM')))
    for (const row of rows) {
      expect(columns(row.slice(0, row.indexOf('/DC/vm/'))), row).toBe(vmColumn)
      expect(
        VMS.some((vm) => row.endsWith(vm)),
        row,
      ).toBe(true)
    }
  })

  it('job lines its values up after the widest label, sizes and times as a person reads them', async () => {
    const [first] = daemon.sim.control.jobs()
    const result = await runCli(['job', first!.definition.id, '--daemon-url', daemon.url])
    expect(result.code).toBe(0)
    const rows = result.stdout.split('\n').filter((l) => /^[a-z]/.test(l) && !l.startsWith('definition'))
    const starts = new Set(rows.map((row) => /^[a-z]+(?: [a-z]+)? +/.exec(row)![0].length))
    expect(starts.size, result.stdout).toBe(1)
    expect(result.stdout).toMatch(/^name {2,}数据库-01$/m)
    expect(result.stdout).toMatch(/^total size {2,}\d+(\.\d)? KiB$/m)
    expect(result.stdout).toMatch(/^took {2,}\d+(ms|s)$/m)
    // the daemon's last phase of a finished export ("connecting 0%") is not shown as if it were current
    expect(result.stdout).not.toMatch(/^phase/m)
  })

  it('jobs -q piped into a reader that stops after one line ends quietly', async () => {
    const run = startCli(['jobs', '-q', '--daemon-url', daemon.url])
    run.child.stdout!.destroy()
    const result = await run.done
    expect(result.stderr).not.toContain('EPIPE')
    expect(result.code).toBe(0)
  })
})
