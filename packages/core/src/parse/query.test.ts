import { fc, it } from '@fast-check/vitest'
import { loadHyperctlFixtures } from '@hyperctl-export/fixtures'
import { describe, expect } from 'vitest'
import { HyperctlParseError } from '../errors.js'
import { parseQueryOutput, type QueryOutput, type QueryRow } from './query.js'

// why: properties with thousands of runs can outlast vitest's 5 s default on a loaded machine
const PROPERTY_TIME = { timeout: 60_000 }

// pterm's bytes for hyperctl's jobs table (docs/hyperctl.md#section-heading, #boxed-table); the first test checks them against the
// fixtures, so the hand-made tables below are what hyperctl would print. Widths count UTF-16 code units, which
// equals the display width for the ASCII fixtures; the parser never relies on widths.
const ROW_START = '\x1b[39m\x1b[39m|\x1b[0m\x1b[0m \x1b[39m\x1b[39m'
const ROW_END = '\x1b[0m\x1b[0m \x1b[39m\x1b[39m|\x1b[0m\x1b[0m'
const SEPARATOR = '\x1b[90m\x1b[90m | \x1b[0m\x1b[39m\x1b[0m\x1b[39m'
const HEADER_SEPARATOR = '\x1b[90m\x1b[90m | \x1b[0m\x1b[39m\x1b[96m\x1b[0m\x1b[39m\x1b[96m'
const STATUS_COLOUR: Record<string, string> = { running: '32', completed: '32', pending: '33', failed: '31' }
const HEADER = ['Job ID', 'Name', 'VM Path', 'Status', 'Progress', 'Started']
const STRIP = /\x1b\[[0-9;?]*[A-Za-z]/g

const border = (char: string) => `\x1b[39m\x1b[39m${char}\x1b[0m\x1b[0m`

function render(rows: string[][], header: string[] = HEADER, colour = true): string {
  const widths = header.map((_, c) => Math.max(...[header, ...rows].map((row) => (row[c] ?? '').length)))
  const pad = (text: string, c: number) => ' '.repeat((widths[c] ?? 0) - text.length)
  const width = widths.reduce((sum, w) => sum + w, 0) + 3 * (widths.length - 1)
  const statusColumn = header.indexOf('Status')
  const cell = (text: string, c: number) => {
    const code = c === statusColumn ? STATUS_COLOUR[text] : undefined
    return `${code ? `\x1b[${code}m${text}\x1b[0m\x1b[39m` : text}${pad(text, c)}`
  }
  const lines = [
    '',
    '# \x1b[1;33m\x1b[1;33mJobs\x1b[0m',
    '\x1b[1;33m\x1b[0m\x1b[0m',
    border('┌') + border('─').repeat(width + 2) + border('┐'),
    `${ROW_START}\x1b[96m\x1b[96m${header.map((h, c) => h + pad(h, c)).join(HEADER_SEPARATOR)}\x1b[0m\x1b[39m${ROW_END}`,
    `${ROW_START}\x1b[96m\x1b[0m\x1b[39m\x1b[0m\x1b[39m${'\x1b[90m\x1b[90m-\x1b[0m\x1b[39m\x1b[0m\x1b[39m'.repeat(width)}${ROW_END}`,
    ...rows.map((row) => ROW_START + row.map(cell).join(SEPARATOR) + ROW_END),
    border('└') + border('─').repeat(width + 2) + border('┘'),
  ]
  const text = `${lines.join('\n')}\n`
  return colour ? text : text.replace(STRIP, '')
}

function cellsOf(job: QueryRow): string[] {
  return [
    job.idTruncated ? `${job.id}...` : job.id,
    job.name,
    job.vmPathTruncated ? `...${job.vmPath}` : job.vmPath,
    job.status,
    job.phase === null ? '-' : `${job.phase} (${job.percent?.toFixed(1)}%)`,
    job.started ?? '-',
  ]
}

const found = (n: number, colour = true) => {
  const text = `\r\x1b[96m\x1b[96m▀ \x1b[0m\x1b[0m \x1b[97m\x1b[97mQuerying jobs...\x1b[0m\x1b[0m\x1b[90m\x1b[90m (0s)\x1b[0m\x1b[0m\r${' '.repeat(80)}\r\x1b[30;42m\x1b[30;42m SUCCESS \x1b[0m\x1b[0m \x1b[32m\x1b[32mFound ${n} job(s)\x1b[0m\x1b[0m\n`
  return colour ? text : text.replace(STRIP, '')
}

const row = (
  over: Partial<Record<'id' | 'name' | 'path' | 'status' | 'progress' | 'started', string>> = {},
) => [
  over.id ?? '2545e058...',
  over.name ?? 'web-01',
  over.path ?? '/Datacenter/vm/web-01',
  over.status ?? 'running',
  over.progress ?? 'exporting (45.7%)',
  over.started ?? '14:03:27',
]

const job = (over: Partial<QueryRow> = {}): QueryRow => ({
  id: '2545e058',
  idTruncated: true,
  name: 'web-01',
  vmPath: '/Datacenter/vm/web-01',
  vmPathTruncated: false,
  status: 'running',
  phase: 'exporting',
  percent: 45.7,
  started: '14:03:27',
  ...over,
})

describe('parseQueryOutput', PROPERTY_TIME, () => {
  const tables = loadHyperctlFixtures(
    (f) => f.command === 'query' && !f.expectsError && f.stdout.includes('┌'),
  )

  it('builds the same bytes as hyperctl for every ASCII fixture table (so the cases below are faithful)', () => {
    const ascii = tables.filter((f) => /^[\x00-\x7f┌┐└┘─]*$/.test(f.stdout))
    expect(ascii.length).toBeGreaterThan(0)
    for (const fixture of ascii) {
      expect(render((fixture.expected as QueryOutput).jobs.map(cellsOf))).toBe(fixture.stdout)
    }
  })

  it('reads one running job', () => {
    expect(parseQueryOutput(render([row()]), found(1))).toEqual({ total: 1, jobs: [job()] })
  })

  it('counts the rows as the total when no stderr is given', () => {
    expect(parseQueryOutput(render([row(), row({ id: 'job-42' })])).total).toBe(2)
  })

  it('reads the same table without colours (NO_COLOR)', () => {
    expect(parseQueryOutput(render([row()], HEADER, false), found(1, false))).toEqual({
      total: 1,
      jobs: [job()],
    })
  })

  it('reads CRLF line ends', () => {
    const crlf = (text: string) => text.replace(/\n/g, '\r\n')
    expect(parseQueryOutput(crlf(render([row()])), crlf(found(1)))).toEqual({ total: 1, jobs: [job()] })
  })

  it('keeps a literal " | " inside a name when the colour codes mark the real boundaries', () => {
    const result = parseQueryOutput(render([row({ name: 'db | primary', path: '/dc/vm/a | b' })]), found(1))
    expect(result.jobs[0]).toMatchObject({ name: 'db | primary', vmPath: '/dc/vm/a | b', status: 'running' })
  })

  it('reads a NO_COLOR row with more cells than the header by its ID and status, without guessing the name', () => {
    const stdout = render([row({ name: 'db | primary', status: 'failed' })], HEADER, false)
    const [only] = parseQueryOutput(stdout, found(1, false)).jobs
    expect(only).toMatchObject({ name: '', vmPath: '', status: 'failed', cellsUnreadable: true })
  })

  it('does not guess when a NO_COLOR cell ending in " |" would shift a boundary without changing the cell count', () => {
    const stdout = render([row({ name: 'db |', path: '/dc/vm/x' })], HEADER, false)
    expect(stdout).toContain('| db | | /dc/vm/x')
    const [only] = parseQueryOutput(stdout).jobs
    expect(only).toMatchObject({ name: '', vmPath: '', cellsUnreadable: true })
  })

  it('reads the status from its own column when the name says "completed backup"', () => {
    const stdout = render([
      row({ name: 'completed backup', status: 'failed', progress: 'connecting (0.0%)' }),
    ])
    const [only] = parseQueryOutput(stdout, found(1)).jobs
    expect(only).toMatchObject({
      name: 'completed backup',
      status: 'failed',
      phase: 'connecting',
      percent: 0,
    })
  })

  it('reads the status from its own column when the VM path ends in "completed" without colours', () => {
    const stdout = render([row({ path: '/dc/vm/completed', status: 'failed' })], HEADER, false)
    expect(parseQueryOutput(stdout).jobs[0]?.status).toBe('failed')
  })

  it.each([['done'], ['Completed'], ['completed!'], ['']])(
    'throws on the unknown status word %j',
    (status) => {
      expect(() => parseQueryOutput(render([row({ status })]))).toThrow(HyperctlParseError)
    },
  )

  it.each([
    ['an unknown column', ['Job ID', 'Name', 'VM Path', 'Status', 'Progress', 'Owner']],
    ['a missing column', ['Job ID', 'Name', 'VM Path', 'Status', 'Progress']],
    ['an extra column', [...HEADER, 'Error']],
    ['columns in another order', ['Job ID', 'VM Path', 'Name', 'Status', 'Progress', 'Started']],
  ])('throws on a header with %s', (_, header) => {
    const cells = header.map((name) => row()[HEADER.indexOf(name)] ?? 'x')
    expect(() => parseQueryOutput(render([cells], header))).toThrow(HyperctlParseError)
  })

  it('throws when stderr says Found 3 job(s) and the table has 2 rows', () => {
    const stdout = render([row(), row({ id: 'job-42' })])
    expect(() => parseQueryOutput(stdout, found(3))).toThrow(/stderr says 3 job\(s\), the table has 2/)
  })

  it('throws when stderr is given without a Found line', () => {
    const failed = found(1)
      .replace(/Found 1 job\(s\)/, 'Failed to query: EOF')
      .replace('30;42m', '30;101m')
    expect(() => parseQueryOutput(render([row()]), failed)).toThrow(HyperctlParseError)
    expect(() => parseQueryOutput(render([row()]), '')).toThrow(HyperctlParseError)
  })

  it.each([
    ['before the bottom border', (t: string) => t.slice(0, t.lastIndexOf('\x1b[39m\x1b[39m└'))],
    ['inside the last row', (t: string) => t.slice(0, t.indexOf('14:03:27') + 3)],
    ['inside the bottom border', (t: string) => t.slice(0, t.lastIndexOf('┘') - 40)],
    ['after the header', (t: string) => t.slice(0, t.indexOf('Started') + 40)],
  ])('throws when the table is cut off %s', (_, cut) => {
    const stdout = render([row(), row()])
    expect(() => parseQueryOutput(cut(stdout))).toThrow(HyperctlParseError)
    expect(() => parseQueryOutput(cut(stdout).replace(STRIP, ''))).toThrow(HyperctlParseError)
  })

  it('throws when text follows the table or the section title is missing', () => {
    const stdout = render([row()])
    expect(() => parseQueryOutput(`${stdout}stray text\n`)).toThrow(HyperctlParseError)
    expect(() => parseQueryOutput(stdout.replace('Jobs', 'Job list'))).toThrow(HyperctlParseError)
  })

  it('throws when the bottom border does not match the top border', () => {
    const stdout = render([row()]).replace(`${border('─')}${border('┘')}`, border('┘'))
    expect(() => parseQueryOutput(stdout)).toThrow(/bottom border/)
  })

  it('reads "No jobs found" as total 0', () => {
    const stdout = '\x1b[30;46m\x1b[30;46m INFO \x1b[0m\x1b[0m \x1b[96m\x1b[96mNo jobs found\x1b[0m\x1b[0m\n'
    expect(parseQueryOutput(stdout, found(0))).toEqual({ total: 0, jobs: [] })
    expect(parseQueryOutput(stdout.replace(STRIP, ''))).toEqual({ total: 0, jobs: [] })
    expect(() => parseQueryOutput(stdout, found(2))).toThrow(HyperctlParseError)
  })

  it('throws on empty stdout', () => {
    expect(() => parseQueryOutput('')).toThrow(HyperctlParseError)
    expect(() => parseQueryOutput('', found(0))).toThrow(HyperctlParseError)
  })

  it('reads pending, empty-phase and parenthesised-phase progress cells', () => {
    const stdout = render([
      row({ status: 'pending', progress: '-', started: '-' }),
      row({ progress: ' (0.0%)' }),
      row({ progress: 'copy (disk 1) (100.0%)' }),
    ])
    expect(
      parseQueryOutput(stdout, found(3)).jobs.map(({ phase, percent, started }) => ({
        phase,
        percent,
        started,
      })),
    ).toEqual([
      { phase: null, percent: null, started: null },
      { phase: '', percent: 0, started: '14:03:27' },
      { phase: 'copy (disk 1)', percent: 100, started: '14:03:27' },
    ])
  })

  it.each([
    ['exporting 45%'],
    ['exporting (45%)'],
    ['exporting (45.7)'],
    ['(45.7%)'],
    ['exporting (4x.7%)'],
    [''],
  ])('throws on the progress cell %j', (progress) => {
    expect(() => parseQueryOutput(render([row({ progress })]))).toThrow(HyperctlParseError)
  })

  it.each([['25:00:00'], ['14:3:27'], ['14:03'], ['yesterday'], ['']])(
    'throws on the start time %j',
    (started) => {
      expect(() => parseQueryOutput(render([row({ started })]))).toThrow(HyperctlParseError)
    },
  )

  it('tells cut IDs from whole IDs by the 8 bytes a cut keeps', () => {
    const ids = ['nightly-...', 'job-42', '12345...', 'abcdefgh', 'ab...']
    const stdout = render(ids.map((id) => row({ id })))
    expect(parseQueryOutput(stdout).jobs.map(({ id, idTruncated }) => ({ id, idTruncated }))).toEqual([
      { id: 'nightly-', idTruncated: true },
      { id: 'job-42', idTruncated: false },
      { id: '12345...', idTruncated: false },
      { id: 'abcdefgh', idTruncated: false },
      { id: 'ab...', idTruncated: false },
    ])
  })

  it('reads a VM path cut inside a UTF-8 sequence as U+FFFD, marked truncated', () => {
    const path = Buffer.from('/Datacenter/vm/Produktion/Größe-ÜbergangsVM-日本語', 'utf8')
    const tail = path.subarray(path.length - 27)
    expect(tail.toString('utf8')).toContain('\uFFFD')
    const marker = 'PATH-PLACEHOLDER-000000000000'
    const bytes = Buffer.from(render([row({ path: marker })]), 'utf8')
    const at = bytes.indexOf(marker)
    const stdout = Buffer.concat([
      bytes.subarray(0, at),
      Buffer.from('...'),
      tail,
      bytes.subarray(at + marker.length),
    ]).toString('utf8')
    const [only] = parseQueryOutput(stdout, found(1)).jobs
    expect(only).toMatchObject({ vmPath: tail.toString('utf8'), vmPathTruncated: true })
    expect(only?.vmPath.startsWith('\uFFFD')).toBe(true)
  })

  it('reads CJK and emoji names and an ID cut inside a UTF-8 sequence', () => {
    const id = `${Buffer.from('日本語-ジョブ', 'utf8').subarray(0, 8).toString('utf8')}...`
    const stdout = render([row({ id, name: '数据库 👨‍👩‍👧 backup', path: '...ーバー/本番/データベース' })])
    const [only] = parseQueryOutput(stdout, found(1)).jobs
    expect(only).toMatchObject({
      id: '日本\uFFFD',
      idTruncated: true,
      name: '数据库 👨‍👩‍👧 backup',
      vmPathTruncated: true,
    })
  })

  it('throws when a colour code in a cell is broken', () => {
    const stdout = render([row()]).replace('\x1b[32mrunning', '\x1b32mrunning')
    expect(() => parseQueryOutput(stdout)).toThrow(HyperctlParseError)
  })

  it('keeps the raw output on the error', () => {
    const stdout = render([row({ status: 'done' })])
    const error = (() => {
      try {
        parseQueryOutput(stdout)
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(HyperctlParseError)
    expect((error as HyperctlParseError).raw).toBe(stdout)
  })

  it.prop([fc.string({ unit: 'binary', maxLength: 400 }), fc.option(fc.string({ maxLength: 100 }))], {
    numRuns: 10_000,
  })('returns a valid shape or throws HyperctlParseError for random text', (stdout, stderr) => {
    let result: QueryOutput
    try {
      result = parseQueryOutput(stdout, stderr ?? undefined)
    } catch (error) {
      if (!(error instanceof HyperctlParseError)) throw error
      return
    }
    expect(result.total).toBe(result.jobs.length)
  })

  it.prop(
    [
      fc.array(
        fc.record({
          id: fc.stringMatching(/^[a-z0-9-]{1,12}$/),
          name: fc.string({ maxLength: 20 }).filter((s) => !/[\n\r\x1b]/.test(s)),
          status: fc.constantFrom('pending', 'running', 'completed', 'failed', 'cancelled'),
        }),
        { minLength: 1, maxLength: 5 },
      ),
    ],
    { numRuns: 300 },
  )('reads back the statuses of generated coloured tables exactly', (jobs) => {
    const stdout = render(jobs.map((j) => row({ id: j.id, name: j.name, status: j.status })))
    const result = parseQueryOutput(stdout, found(jobs.length))
    expect(result.jobs.map((j) => j.status)).toEqual(jobs.map((j) => j.status))
    expect(result.jobs.map((j) => j.name)).toEqual(jobs.map((j) => j.name.trimEnd()))
  })
})
