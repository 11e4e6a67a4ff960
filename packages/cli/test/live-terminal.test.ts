import { OUTCOME_STATUSES, QUEUED } from '@hyperctl-export/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './support/cli-process.js'
import { startDaemon, type TestDaemon, VC_PASSWORD, vcenterArgs } from './support/sim.js'
import { cliOnPty, screen } from './support/terminal.js'

let daemon: TestDaemon
beforeAll(async () => {
  daemon = await startDaemon()
})
afterAll(async () => {
  await daemon.stop()
})

interface Row {
  name: string
  status: string
  /** Seconds shown, or undefined when the row shows no time. */
  seconds?: number
}

const VMS = ['web-01', 'db-01', 'app-01']
/** Every name a row of these tests can have. */
const NAMES = [...VMS, 'old-01']

/** The live rows of the frame on screen (name, status word, elapsed), keyed by VM name. */
function rows(lines: readonly string[]): Map<string, Row> {
  const found = new Map<string, Row>()
  for (const line of lines) {
    const cells = line.trim().split(/\s+/)
    const name = cells[1]
    if (!name || !NAMES.includes(name) || !cells.at(-1)?.endsWith('…')) continue
    const seconds = secondsIn(cells.at(-2) ?? '')
    found.set(name, { name, status: cells[2]!, ...(seconds !== undefined ? { seconds } : {}) })
  }
  return found
}

/** Seconds in `45s` or `1m30s`, the forms these tests meet; undefined for anything else. */
function secondsIn(text: string): number | undefined {
  const time = /^(?:(\d+)m)?(\d+)s$/.exec(text)
  return time ? Number(time[1] ?? 0) * 60 + Number(time[2]) : undefined
}

/** The footer: the run's elapsed seconds and its counts. */
function footer(lines: readonly string[]): { seconds: number; text: string } | undefined {
  const line = lines.find((l) => /^\d+s elapsed · /.test(l))
  return line ? { seconds: Number(/^(\d+)s/.exec(line)![1]), text: line } : undefined
}

function idOf(vm: string): string {
  const job = daemon.sim.control.jobs().find((j) => j.definition.vm_path === `/DC/vm/${vm}`)
  if (!job) throw new Error(`no job for ${vm} on the daemon`)
  return job.definition.id
}

describe('the live display on a terminal', () => {
  // why: the held-back job must visibly start later than the run, so the test lets real seconds pass
  it('shows the job held back by --max-concurrent as queued like the footer, and times each job on the clock the final report uses', {
    timeout: 40_000,
  }, async () => {
    const run = cliOnPty(
      [
        'export',
        ...VMS.map((vm) => `/DC/vm/${vm}`),
        '-o',
        daemon.out,
        '--max-concurrent',
        '2',
        '--poll-interval',
        '100ms',
        '--daemon-url',
        daemon.url,
        ...vcenterArgs(),
      ],
      { HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD },
    )
    // the third job is held back: its row and the footer say the same word, and its row shows no time
    const held = await run.until((text) => {
      const lines = screen(text)
      const app = rows(lines).get('app-01')
      return app?.status === QUEUED && footer(lines)?.text.includes(`1 ${QUEUED}`)
        ? { app, lines }
        : undefined
    }, 'app-01 queued')
    expect(held.app.seconds).toBeUndefined()
    expect(footer(held.lines)!.text).toMatch(/^\d+s elapsed · 0 completed · 2 running · 1 queued · 0 failed$/)
    const shownWords = new Set<string>([...OUTCOME_STATUSES, QUEUED])
    for (const row of rows(held.lines).values()) expect(shownWords).toContain(row.status)

    await run.until((text) => (footer(screen(text))?.seconds ?? 0) >= 2, 'two seconds of the run')
    daemon.sim.control.completeJob(idOf('web-01'))
    // once submitted, app-01 counts from its own submit, not from the start of the run
    const started = await run.until((text) => {
      const lines = screen(text)
      const app = rows(lines).get('app-01')
      return app && app.status !== QUEUED ? { app, run: footer(lines)! } : undefined
    }, 'app-01 submitted')
    expect(started.app.seconds).toBeDefined()
    expect(started.app.seconds!).toBeLessThan(started.run.seconds)

    await run.until((text) => (rows(screen(text)).get('app-01')?.seconds ?? 0) >= 1, 'app-01 at 1s')
    daemon.sim.control.completeJob(idOf('db-01'))
    daemon.sim.control.completeJob(idOf('app-01'))
    const { code, text } = await run.done
    expect(code).toBe(0)

    const lines = screen(text)
    const last = rows(lines)
    expect([...last.values()].map((r) => r.status)).toEqual(['completed', 'completed', 'completed'])
    expect(footer(lines)!.text).toMatch(/^\d+s elapsed · 3 completed · 0 running · 0 queued · 0 failed$/)
    // the final report prints, per job, the number its live row ended on
    for (const vm of VMS) {
      const reported = new RegExp(`^${vm} +completed in (\\d+)s `, 'm').exec(lines.join('\n'))
      expect(reported, `${vm} in the final report:\n${lines.join('\n')}`).not.toBeNull()
      expect(last.get(vm)!.seconds, vm).toBe(Number(reported![1]))
    }
    expect(last.get('app-01')!.seconds!).toBeLessThan(footer(lines)!.seconds)
    expect(last.get('app-01')!.seconds!).toBeGreaterThanOrEqual(1)
  })
})

describe('wait on a terminal', () => {
  it("times a job it did not submit from the daemon's start, the same number in the row and the report", async () => {
    // why: the daemon's clock put the job's start 90 s before this test; only a clock anchored there shows it
    const old = await startDaemon({ startTime: Date.now() - 90_000 })
    try {
      const submitted = await runCli(
        ['submit', '/DC/vm/old-01', '-o', old.out, '--daemon-url', old.url, ...vcenterArgs()],
        { HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD },
      )
      const id = submitted.stdout.trim()
      // the daemon starts the export on its clock, 90 s ago by this machine's
      await old.sim.control.advance(1)
      expect(old.sim.control.job(id)?.started_at).toBeTruthy()
      const run = cliOnPty(['wait', id, '--poll-interval', '100ms', '--daemon-url', old.url])
      const first = await run.until((text) => rows(screen(text)).get('old-01')?.seconds, 'the row of old-01')
      expect(first).toBeGreaterThanOrEqual(90)
      old.sim.control.completeJob(id)
      const { code, text } = await run.done
      expect(code).toBe(0)
      const lines = screen(text)
      const reported = /^old-01 +completed in (\S+) /m.exec(lines.join('\n'))
      expect(reported, lines.join('\n')).not.toBeNull()
      expect(rows(lines).get('old-01')!.seconds).toBe(secondsIn(reported![1]!))
      expect(secondsIn(reported![1]!)!).toBeGreaterThanOrEqual(first)
    } finally {
      await old.stop()
    }
  })
})
