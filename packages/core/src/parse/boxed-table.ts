import { stripAnsi } from './lines.js'

// why: exact bytes pterm writes (docs/hyperctl.md#boxed-table). Between cells: Style(90, " | ") inside the box's Style(39),
// the header additionally inside Style(96); a literal " | " in a VM name never carries these codes. Around a
// row: the box's `|` borders. Checking them exactly means a damaged escape code can never leak into a cell.
const ROW_START = '\x1b[39m\x1b[39m|\x1b[0m\x1b[0m \x1b[39m\x1b[39m'
const ROW_END = '\x1b[0m\x1b[0m \x1b[39m\x1b[39m|\x1b[0m\x1b[0m'
const DATA_SEPARATOR = '\x1b[90m\x1b[90m | \x1b[0m\x1b[39m\x1b[0m\x1b[39m'
const HEADER_START = `${ROW_START}\x1b[96m\x1b[96m`
const HEADER_END = `\x1b[0m\x1b[39m${ROW_END}`
const HEADER_SEPARATOR = '\x1b[90m\x1b[90m | \x1b[0m\x1b[39m\x1b[96m\x1b[0m\x1b[39m\x1b[96m'
const PLAIN_SEPARATOR = ' | '

interface RowBytes {
  start: string
  end: string
  separator: string
}
const DATA_ROW: RowBytes = { start: ROW_START, end: ROW_END, separator: DATA_SEPARATOR }
const HEADER_ROW: RowBytes = { start: HEADER_START, end: HEADER_END, separator: HEADER_SEPARATOR }

export interface BoxedTable {
  /** Header cells, padding removed. */
  header: string[]
  /** Data rows, each with exactly `header.length` cells, padding removed, a multi-line cell joined by `\n`. */
  rows: string[][]
  /** Indexes of the rows whose middle cells (between the certain ends) could not be told apart. */
  ambiguous: Set<number>
  /** Index of the first line after the bottom border. */
  next: number
}

/** Why a table could not be read; the parsers turn it into a HyperctlParseError naming their result. */
export class TableShapeError extends Error {}

function isBorder(line: string, left: string, right: string): boolean {
  if (line.length < 3 || !line.startsWith(left) || !line.endsWith(right)) return false
  for (let index = 1; index < line.length - 1; index++) if (line[index] !== '─') return false
  return true
}

export function isTopBorder(strippedLine: string): boolean {
  return isBorder(strippedLine, '┌', '┐')
}

/** A coloured cell's text: its own colour codes (a status word, a count) removed; any other ESC is damage. */
function colouredCell(raw: string): string {
  if (!raw.includes('\x1b')) return raw
  const text = stripAnsi(raw)
  if (text.includes('\x1b')) throw new TableShapeError('a cell holds a broken escape code')
  return text
}

/** The cells of `raw[from, to)` split on `separator`, padding removed; one pass, no intermediate arrays. */
function cellsBetween(raw: string, from: number, to: number, separator: string, coloured: boolean): string[] {
  const cells: string[] = []
  let start = from
  for (;;) {
    const at = raw.indexOf(separator, start)
    const end = at < 0 || at + separator.length > to ? to : at
    const cell = raw.slice(start, end)
    cells.push((coloured ? colouredCell(cell) : cell).trimEnd())
    if (end === to) return cells
    start = end + separator.length
  }
}

function splitColouredRow(raw: string, bytes: RowBytes): string[] {
  if (
    raw.length < bytes.start.length + bytes.end.length ||
    !raw.startsWith(bytes.start) ||
    !raw.endsWith(bytes.end)
  ) {
    throw new TableShapeError('a row is not framed by the box borders')
  }
  return cellsBetween(raw, bytes.start.length, raw.length - bytes.end.length, bytes.separator, true)
}

function splitPlainRow(raw: string): string[] {
  // why: hyperctl without colours prints no escape code itself, so one in a row came with a VM name or path
  if (raw.startsWith(ROW_START)) throw new TableShapeError('a row is coloured, the table is not')
  if (raw.length < 4 || !raw.startsWith('| ') || !raw.endsWith(' |')) {
    throw new TableShapeError('a row is not framed by the box borders')
  }
  return cellsBetween(raw.slice(2, -2), 0, raw.length - 4, PLAIN_SEPARATOR, false)
}

/** How many cells at each end of a row hold text that can never contain " | " (IDs, status words, times). */
export interface CertainEnds {
  left: number
  right: number
}

interface SplitRow {
  cells: string[]
  /** The cells between the certain ends could not be told apart; they are all '' then. */
  ambiguous: boolean
}

function splitRow(
  raw: string,
  coloured: boolean,
  bytes: RowBytes,
  columns: number | undefined,
  ends?: CertainEnds,
): SplitRow {
  const cells = coloured ? splitColouredRow(raw, bytes) : splitPlainRow(raw)
  // why: without colours a cell ending in " |" or starting with "| " next to a separator reads as " | | ",
  // which splits into the right number of cells at the wrong place; no reading of it is certain
  const unsure = !coloured && raw.slice(2, -2).includes(' | | ')
  if (columns === undefined || (cells.length === columns && !unsure)) return { cells, ambiguous: false }
  if (!coloured && ends && cells.length >= columns) {
    // why: the cells at both ends are still certain (a job's ID, which we check, and its status, progress and
    // start time, the daemon's own words), so the row can be matched to its job even when a VM name or path,
    // which anyone who names a VM writes, holds " | "
    const middle = columns - ends.left - ends.right
    return {
      cells: [
        ...cells.slice(0, ends.left),
        ...Array<string>(middle).fill(''),
        ...cells.slice(cells.length - ends.right),
      ],
      ambiguous: true,
    }
  }
  if (unsure) throw new TableShapeError('a row has " | " next to a column boundary')
  throw new TableShapeError(
    coloured || cells.length < columns
      ? `a row has ${cells.length} cells, the header ${columns}`
      : `a row has ${cells.length} cells, the header ${columns}: without colours a " | " inside a cell cannot be told from a column boundary`,
  )
}

/** pterm prints a cell with line breaks as several lines; the further ones have an empty first cell. */
function continueRow(row: SplitRow, line: SplitRow): void {
  row.ambiguous ||= line.ambiguous
  line.cells.forEach((cell, i) => {
    row.cells[i] = `${row.cells[i] ?? ''}\n${cell}`
  })
}

/** A cell that spans lines loses the empty lines pterm padded it with to the row's height. */
function trimPadLines(cell: string): string {
  return cell.includes('\n') ? cell.replace(/\n+$/, '') : cell
}

/**
 * Reads one pterm boxed table with a header (docs/hyperctl.md#boxed-table) whose top border is `lines[start]`. Cells are
 * split on the exact separator bytes when the table is coloured, else on " | " (refusing ambiguous rows).
 * Throws TableShapeError for anything else, including a table cut off before its bottom border.
 */
export function readBoxedTable(lines: readonly string[], start: number, ends?: CertainEnds): BoxedTable {
  const topRaw = lines[start] ?? ''
  const top = stripAnsi(topRaw)
  if (!isTopBorder(top)) throw new TableShapeError('the table does not start with a top border')
  const coloured = topRaw.includes('\x1b')
  const headerRaw = lines[start + 1]
  if (headerRaw === undefined) throw new TableShapeError('the table is cut off before its header')
  const header = splitRow(headerRaw, coloured, HEADER_ROW, undefined).cells
  const dashes = lines[start + 2]
  if (dashes === undefined || stripAnsi(dashes) !== `| ${'-'.repeat(top.length - 4)} |`) {
    throw new TableShapeError('the header is not followed by the dash line')
  }
  const rows: SplitRow[] = []
  const done = (): BoxedTable => ({
    header,
    rows: rows.map((row) => row.cells.map(trimPadLines)),
    ambiguous: new Set(rows.flatMap((row, i) => (row.ambiguous ? [i] : []))),
    next: 0,
  })
  for (let index = start + 3; index < lines.length; index++) {
    const raw = lines[index] ?? ''
    // why: a row starts with its border; only other lines can be the bottom border (and are stripped to check)
    if (!raw.startsWith(coloured ? ROW_START : '| ')) {
      const stripped = stripAnsi(raw)
      if (stripped.startsWith('└')) {
        if (!isBorder(stripped, '└', '┘') || stripped.length !== top.length) {
          throw new TableShapeError('the bottom border does not match the top border')
        }
        return { ...done(), next: index + 1 }
      }
    }
    const row = splitRow(raw, coloured, DATA_ROW, header.length, ends)
    const previous = rows[rows.length - 1]
    if (previous && header.length > 1 && row.cells[0] === '') continueRow(previous, row)
    else rows.push(row)
  }
  throw new TableShapeError('the table is cut off before its bottom border')
}
