import { fc, it } from '@fast-check/vitest'
import {
  cutJobId,
  cutVmPath,
  encodeText,
  goFormatFloat1,
  renderCancelResult,
  renderQueryOutput,
  renderSpinnerFinal,
  renderSpinnerFrame,
  renderStatus,
  renderSubmitResult,
} from '@hyperctl-export/simulator'
import { describe, expect } from 'vitest'
import { HyperctlParseError } from '../errors.js'
import { parseCancelOutput } from './cancel.js'
import { classifyHyperctlFailure } from './failure.js'
import { parseQueryOutput } from './query.js'
import { parseStatusOutput } from './status.js'
import { parseSubmitOutput } from './submit.js'

// why: properties with thousands of runs can outlast vitest's 5 s default on a loaded machine
const PROPERTY_TIME = { timeout: 60_000 }

// Output of hyperctl-sim (packages/simulator: pterm, go-runewidth and Go byte cutting re-implemented and
// replayed against the fixtures) for generated replies, read back by the parsers: two independent readings of
// docs/hyperctl.md that must agree on cells with CJK, emoji, U+FFFD from byte cuts and literal " | ".

const bytes = (text: string) => Buffer.byteLength(text, 'utf8')
/** A cell as the runner sees it: hyperctl's bytes decoded as UTF-8 with U+FFFD. */
const seen = (cell: string) => encodeText(cell).toString('utf8')

const cellText = fc
  .oneof(
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.constantFrom(
      '/Datacenter/vm/Größe/日本語/データベース-サーバー',
      '/dc/vm/😀😀😀😀😀😀😀😀😀😀',
      'db | primary',
      'completed backup',
      '...x',
      '',
    ),
  )
  // why: a line break makes pterm print a cell over several lines, and gookit rewrites text holding `</>`
  // (docs/hyperctl.md#styles); neither is a job name hyperctl can show faithfully
  .filter((s) => !/[\n\r\x1b]/.test(s) && !s.includes('</>'))

const jobId = fc.oneof(
  fc.uuid(),
  fc.constantFrom('nightly-db', 'job-42', '日本語ジョブ', 'ab😀cd', 'abcde...', 'ab...'),
  fc.stringMatching(/^[A-Za-z0-9._-]{1,14}$/),
)

const queryJob = fc.record({
  id: jobId,
  name: cellText,
  vmPath: cellText,
  status: fc.constantFrom('pending', 'running', 'completed', 'failed', 'cancelled'),
  progress: fc.option(fc.record({ phase: cellText, percent: fc.double({ min: 0, max: 100, noNaN: true }) })),
  started: fc.option(
    fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
  ),
})
type QueryJob = typeof queryJob extends fc.Arbitrary<infer T> ? T : never

/** Without colours a " | " in a cell, or a "| "/" |" at its edge, cannot be told from a boundary. */
function ambiguousWithoutColour(job: QueryJob): boolean {
  const cells = [job.name, cutVmPath(job.vmPath), job.progress?.phase ?? '']
  return cells.some((cell) => cell.includes(' | ') || cell.startsWith('| ') || /(?:^| )\|\s*$/.test(cell))
}

describe('parseQueryOutput on hyperctl-sim output', PROPERTY_TIME, () => {
  it.prop([fc.array(queryJob, { minLength: 1, maxLength: 5 }), fc.boolean()], { numRuns: 300 })(
    'reads every generated job back as hyperctl showed it',
    (jobs, colour) => {
      const reply = {
        jobs: jobs.map((job) => ({
          definition: { id: job.id, name: job.name, vm_path: job.vmPath },
          status: job.status,
          progress: job.progress && { phase: job.progress.phase, percent_complete: job.progress.percent },
          started_at: job.started?.toISOString() ?? null,
        })),
      }
      const { stdout, stderr } = renderQueryOutput(reply, { color: colour })
      let result: ReturnType<typeof parseQueryOutput>
      try {
        result = parseQueryOutput(stdout.toString('utf8'), stderr.toString('utf8'))
      } catch (error) {
        if (!(error instanceof HyperctlParseError) || colour || !jobs.some(ambiguousWithoutColour))
          throw error
        return
      }
      expect(result.total).toBe(jobs.length)
      result.jobs.forEach((row, index) => {
        const job = jobs[index]
        if (!job) throw new Error('more rows than jobs')
        const idCell = seen(cutJobId(job.id))
        const pathCell = seen(cutVmPath(job.vmPath)).trimEnd()
        const pathCut = bytes(job.vmPath) > 30
        // why: without colours a " | " in the name or path leaves the row known by its ID and status only
        const unreadable = row.cellsUnreadable === true
        if (unreadable) expect(!colour && ambiguousWithoutColour(job)).toBe(true)
        expect(row).toMatchObject({
          id: bytes(job.id) > 8 ? idCell.slice(0, -3) : idCell,
          idTruncated: bytes(job.id) > 8,
          name: unreadable ? '' : job.name.trimEnd(),
          status: job.status,
          phase: job.progress ? job.progress.phase : null,
          percent: job.progress ? Number(goFormatFloat1(job.progress.percent)) : null,
          started: job.started ? job.started.toISOString().slice(11, 19) : null,
        })
        // why: a 30-byte path starting with "..." looks exactly like a cut one; a cut path ending in spaces
        // loses them with the padding (docs/hyperctl.md#boxed-table): neither can be read back
        if (
          unreadable ||
          /\s$/.test(cutVmPath(job.vmPath)) ||
          (job.vmPath.startsWith('...') && bytes(job.vmPath) === 30)
        )
          return
        expect(row).toMatchObject({
          vmPath: pathCut ? pathCell.slice(3) : pathCell,
          vmPathTruncated: pathCut,
        })
      })
    },
  )
})

const line = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter((s) => !/[\n\r\x1b]/.test(s))

describe('parseSubmitOutput and parseCancelOutput on hyperctl-sim output', PROPERTY_TIME, () => {
  it.prop([fc.array(line, { maxLength: 4 }), fc.array(line, { maxLength: 4 }), fc.boolean()], {
    numRuns: 300,
  })('read generated replies back exactly', (ids, messages, colour) => {
    fc.pre(ids.length + messages.length > 0)
    const submit = renderSubmitResult(
      { job_ids: ids, accepted: ids.length, rejected: messages.length, errors: messages },
      { color: colour },
    )
    expect(parseSubmitOutput(submit.toString('utf8'))).toEqual({
      accepted: ids.length,
      rejected: messages.length,
      jobIds: ids,
      errors: messages,
    })
    const failed = messages.map((error, index) => ({ id: `job:${index}`, error }))
    const cancel = renderCancelResult(
      {
        cancelled: ids,
        failed: failed.map((f) => f.id),
        errors: new Map(failed.map((f) => [f.id, f.error])),
      },
      { color: colour },
    )
    expect(parseCancelOutput(cancel.toString('utf8'))).toEqual({ cancelled: ids, failed })
  })
})

describe('parseStatusOutput on hyperctl-sim output', PROPERTY_TIME, () => {
  const count = fc.nat({ max: 1_000_000 })
  it.prop(
    [fc.string({ maxLength: 12 }), fc.string({ maxLength: 24 }), count, count, count, count, fc.boolean()],
    {
      numRuns: 200,
    },
  )(
    'reads generated daemon statuses back exactly',
    (version, uptime, total, running, completed, failed, colour) => {
      fc.pre(!/[\n\r\x1b|]/.test(version + uptime) && !(version + uptime).includes('</>'))
      const stdout = renderStatus(
        {
          version,
          uptime,
          total_jobs: total,
          running_jobs: running,
          completed_jobs: completed,
          failed_jobs: failed,
        },
        { color: colour },
      )
      expect(parseStatusOutput(stdout.toString('utf8'))).toEqual({
        version: version.trimEnd(),
        uptime: uptime.trimEnd(),
        url: 'http://localhost:8080',
        totalJobs: total,
        runningJobs: running,
        completedJobs: completed,
        failedJobs: failed,
      })
    },
  )
})

describe('classifyHyperctlFailure on hyperctl-sim output', PROPERTY_TIME, () => {
  it.prop(
    [
      fc.array(
        fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !/[\n\r\x1b]/.test(s)),
        {
          minLength: 1,
          maxLength: 5,
        },
      ),
      fc.boolean(),
      fc.nat({ max: 8 }),
      fc.constantFrom(80, 120),
    ],
    { numRuns: 300 },
  )(
    'reads a multi-line server error body whatever the frames, colours and width',
    (lines, colour, frames, width) => {
      const body = `${lines.join('\n')}\n`
      const stderr = Buffer.concat([
        ...Array.from({ length: frames }, (_, k) =>
          renderSpinnerFrame(k, 'Submitting job(s)...', k / 5, { color: colour }),
        ),
        renderSpinnerFinal('error', `Server error: ${body}`, { color: colour, terminalWidth: width }),
      ]).toString('utf8')
      expect(classifyHyperctlFailure({ stdout: '', stderr, exitCode: 1 })).toEqual({
        error: 'server-error',
        exitCode: 1,
        message: `Server error: ${body}`.replace(/\n+$/, ''),
      })
    },
  )
})
