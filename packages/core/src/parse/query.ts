import { HyperctlParseError } from '../errors.js'
import { JOB_STATUSES } from '../types.js'
import { isTopBorder, readBoxedTable, TableShapeError } from './boxed-table.js'
import { rawLines, stripAnsi } from './lines.js'
import { readSpinnerResult } from './prefix-lines.js'

export type QueryStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled'

export interface QueryRow {
  /** The ID cell without a trailing `...`: the whole ID, or its first 8 bytes when `idTruncated`. */
  id: string
  idTruncated: boolean
  name: string
  /** The VM Path cell without a leading `...`: the whole path, or its last 27 bytes when `vmPathTruncated`. */
  vmPath: string
  vmPathTruncated: boolean
  status: QueryStatus
  phase: string | null
  /** As displayed: already rounded to one decimal. */
  percent: number | null
  /** `HH:MM:SS` on the daemon's clock, null for a job that has not started. */
  started: string | null
  /**
   * Set when the Name and VM Path cells could not be told apart (a " | " in them, without colours): both are
   * '' then, and the row is known by its ID and its status only.
   */
  cellsUnreadable?: true
}

export interface QueryOutput {
  total: number
  jobs: QueryRow[]
}

const COLUMNS = ['Job ID', 'Name', 'VM Path', 'Status', 'Progress', 'Started'] as const
const STATUSES: ReadonlySet<string> = new Set(JOB_STATUSES)
const ID_SHOWN_BYTES = 8
const PATH_SHOWN_BYTES = 27
const PERCENT = /^-?\d+\.\d$/
const CLOCK = /^(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d$/
const FOUND = /^Found (\d+) job\(s\)$/

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

// why: the API's JSON carries any name whole; the table cannot (HYPERCTL.md §3.8, docs/hyperctl.md#boxed-table)
const UNREADABLE_HINT = { fact: 'unreadable-table' } as const

function rowError(rowNumber: number, why: string, raw: string, idCell: string): HyperctlParseError {
  const which = idCell === '' ? `row ${rowNumber}` : `row ${rowNumber}, job ${idCell}`
  return new HyperctlParseError(`a query result (${which}: ${why})`, raw, { hint: UNREADABLE_HINT })
}

function readRow(cells: readonly string[], raw: string, rowNumber: number, ambiguous: boolean): QueryRow {
  const idCell = cells[0] ?? ''
  const pathCell = cells[2] ?? ''
  const status = cells[3] ?? ''
  const progress = cells[4] ?? ''
  const started = cells[5] ?? ''

  // why: hyperctl shows the first 8 bytes + "..." of a longer ID (docs/hyperctl.md#query), so a cut always leaves at
  // least 8 bytes (more when a UTF-8 sequence was cut and decoded to U+FFFD); "ab..." is a whole ID
  const idCut = idCell.endsWith('...') && bytes(idCell.slice(0, -3)) >= ID_SHOWN_BYTES
  const id = idCut ? idCell.slice(0, -3) : idCell
  if (id === '') throw rowError(rowNumber, 'empty Job ID', raw, '')
  // why: likewise "..." + the last 27 bytes of a longer path; a shorter tail can only be a whole path
  const pathCut = pathCell.startsWith('...') && bytes(pathCell.slice(3)) >= PATH_SHOWN_BYTES
  const vmPath = pathCut ? pathCell.slice(3) : pathCell

  if (!STATUSES.has(status))
    throw rowError(rowNumber, `unknown status ${JSON.stringify(status)}`, raw, idCell)

  let phase: string | null = null
  let percent: number | null = null
  if (progress !== '-') {
    const open = progress.lastIndexOf(' (')
    const number = open >= 0 && progress.endsWith('%)') ? progress.slice(open + 2, -2) : ''
    if (!PERCENT.test(number))
      throw rowError(rowNumber, `unreadable progress ${JSON.stringify(progress)}`, raw, idCell)
    phase = progress.slice(0, open)
    percent = Number(number)
  }

  if (started !== '-' && !CLOCK.test(started)) {
    throw rowError(rowNumber, `unreadable start time ${JSON.stringify(started)}`, raw, idCell)
  }

  return {
    id,
    idTruncated: idCut,
    name: cells[1] ?? '',
    vmPath,
    vmPathTruncated: pathCut,
    status: status as QueryStatus,
    phase,
    percent,
    started: started === '-' ? null : started,
    ...(ambiguous ? { cellsUnreadable: true as const } : {}),
  }
}

function isBlank(line: string): boolean {
  return stripAnsi(line).trim() === ''
}

function readJobs(stdout: string): QueryRow[] {
  const lines = rawLines(stdout)
  const top = lines.findIndex((line) => line.includes('┌') && isTopBorder(stripAnsi(line)))
  if (top < 0) {
    // why: total 0 prints one Info line instead of a table (docs/hyperctl.md#query), for unknown IDs too
    const text = lines.filter((line) => !isBlank(line)).map(stripAnsi)
    if (text.length === 1 && text[0] === ' INFO  No jobs found') return []
    throw new HyperctlParseError('a query result (no jobs table and no "No jobs found")', stdout)
  }
  const before = lines.slice(0, top).filter((line) => !isBlank(line))
  if (before.length !== 1 || stripAnsi(before[0] ?? '') !== '# Jobs') {
    throw new HyperctlParseError(
      'a query result (the table is not preceded by the "Jobs" section only)',
      stdout,
    )
  }
  let table: ReturnType<typeof readBoxedTable>
  try {
    table = readBoxedTable(lines, top, { left: 1, right: 3 })
  } catch (error) {
    if (error instanceof TableShapeError)
      throw new HyperctlParseError(`a query result (${error.message})`, stdout, { hint: UNREADABLE_HINT })
    throw error
  }
  if (!lines.slice(table.next).every(isBlank)) {
    throw new HyperctlParseError('a query result (text after the table)', stdout)
  }
  if (table.header.length !== COLUMNS.length || table.header.some((name, i) => name !== COLUMNS[i])) {
    throw new HyperctlParseError(
      `a query result (columns ${JSON.stringify(table.header)}, expected ${COLUMNS.join(' | ')})`,
      stdout,
    )
  }
  return table.rows.map((cells, index) => readRow(cells, stdout, index + 1, table.ambiguous.has(index)))
}

/**
 * Reads `hyperctl query` output. With `stderr`, the total comes from its `Found N job(s)` line and must equal
 * the number of rows; without it, the total is the number of rows.
 */
export function parseQueryOutput(stdout: string, stderr?: string): QueryOutput {
  const jobs = readJobs(stdout)
  if (stderr === undefined) return { total: jobs.length, jobs }
  const result = readSpinnerResult(stderr)
  const found = result?.kind === 'success' ? FOUND.exec(result.text) : null
  if (!found) throw new HyperctlParseError('a query result (no "Found N job(s)" line on stderr)', stderr)
  const total = Number(found[1])
  if (total !== jobs.length) {
    throw new HyperctlParseError(
      `a query result (stderr says ${total} job(s), the table has ${jobs.length})`,
      `${stderr}\n${stdout}`,
    )
  }
  return { total, jobs }
}
