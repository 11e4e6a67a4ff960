import { displayWidth } from './display-width.js'

/**
 * The parts of pterm v0.12.82 + gookit/color v1.6.0 that hyperctl's job commands use, reproduced byte
 * for byte. `color` is false when NO_COLOR is set: gookit then strips SGR codes instead of adding them,
 * and the layout stays the same. (gookit's colour-tag parsing, which acts only on text containing
 * `</>`, is not reproduced.)
 */
export interface Paint {
  color: boolean
}

export const RESET = '\x1b[0m'

/** SGR codes of pterm's default theme as hyperctl uses them. */
export const CODES = {
  section: '1;33',
  spinner: '96',
  spinnerText: '97',
  timer: '90',
  tableHeader: '96',
  tableSeparator: '90',
  box: '39',
  green: '32',
  yellow: '33',
  red: '31',
  lightCyan: '96',
} as const

/** gookit RenderCode: wrap once, or strip codes when colour is off. */
export function renderCode(paint: Paint, code: string, message: string): string {
  if (code === '') return message
  if (!paint.color) return clearCode(message)
  return `\x1b[${code}m${message}${RESET}`
}

/** gookit ClearCode: strips SGR sequences, but only from text that contains `[0m`. */
export function clearCode(text: string): string {
  if (!text.includes('[0m')) return text
  return text.replace(/\x1b\[[0-9;?]+m/g, '')
}

/** pterm Color.Sprint (one colour): each line wrapped once, inner resets re-open the colour. */
export function colorSprint(paint: Paint, code: string, message: string): string {
  return message
    .split('\n')
    .map((line) => renderCode(paint, code, line.replaceAll(RESET, `${RESET}\x1b[${code}m`)))
    .join('\n')
}

/** pterm Style.Sprint (a style of one or more colours): like colorSprint, then the whole text again. */
export function styleSprint(paint: Paint, code: string, message: string): string {
  return renderCode(paint, code, colorSprint(paint, code, message))
}

// pterm internal.RemoveEscapeCodes: OSC 8 hyperlinks reduced to their text, then ClearCode.
// why: Go's `.` stops only at \n, JS's also at \r and U+2028/9, so [^\n] stands in for it.
const OSC8 = /\x1b\]8;;[^\x07]*?(?:\x07|\x1b\\)([^\n]*?)\x1b\]8;;(?:\x07|\x1b\\)/g

export function removeEscapeCodes(text: string): string {
  return clearCode(text.replace(OSC8, '$1'))
}

export type PrefixKind = 'info' | 'success' | 'warning' | 'error'

// pterm's Info/Success/Warning/Error printers: the label, its SGR style and the message's colour
const PREFIXES: Record<PrefixKind, { text: string; prefix: string; message: string }> = {
  info: { text: 'INFO', prefix: '30;46', message: '96' },
  success: { text: 'SUCCESS', prefix: '30;42', message: '32' },
  warning: { text: 'WARNING', prefix: '30;43', message: '33' },
  error: { text: ' ERROR ', prefix: '30;101', message: '91' },
}

/**
 * pterm PrefixPrinter.Sprint: trailing newlines collapse into one; each further line of the message
 * gets a blank prefix of the same width. No newline is added unless the message ended with one.
 */
export function prefixSprint(paint: Paint, kind: PrefixKind, message: string): string {
  const p = PREFIXES[kind]
  let m = message
  const newLine = m.endsWith('\n')
  if (newLine) m = m.replace(/\n+$/, '')
  let out = ''
  m.split('\n').forEach((line, i) => {
    if (i === 0) out += `${styleSprint(paint, p.prefix, ` ${p.text} `)} `
    else out += `\n${styleSprint(paint, p.prefix, ' '.repeat([...p.text].length + 2))} `
    out += styleSprint(paint, p.message, line)
  })
  return newLine ? `${out}\n` : out
}

/** pterm.Info.Println(message) and friends. */
export function prefixPrintln(paint: Paint, kind: PrefixKind, message: string): string {
  return prefixSprint(paint, kind, `${message}\n`)
}

/** pterm.Info.Printfln(format, ...) with the formatting already done. */
export function prefixPrintfln(paint: Paint, kind: PrefixKind, message: string): string {
  return `${prefixSprint(paint, kind, message)}\n`
}

/** pterm.DefaultSection.Println(title): a blank line, `# title`, and a line of bare escape codes. */
export function sectionPrintln(paint: Paint, title: string): string {
  return `\n# ${styleSprint(paint, CODES.section, `${title}\n`)}\n`
}

/**
 * pterm DefaultTable.WithHasHeader().WithHeaderRowSeparator("-").WithBoxed().WithData(rows).Render():
 * cells may hold several lines; widths come from the text without escape codes.
 */
export function boxedTable(paint: Paint, rows: readonly (readonly string[])[]): string {
  const table = rows.map((cells) =>
    cells.map((cell) => {
      const lines = cell.split('\n')
      // why: pterm's GetStringMaxWidth of one line is that line's width
      return { lines, widths: lines.map(lineWidth) }
    }),
  )
  const columnWidths: number[] = []
  for (const cells of table) {
    cells.forEach(({ widths }, j) => {
      const w = maxOf(widths)
      if (columnWidths[j] === undefined || w > columnWidths[j]) columnWidths[j] = w
    })
  }
  const separator = styleSprint(paint, CODES.tableSeparator, ' | ')
  // renderRow without its final newline: one string per line of the row
  const renderRow = (cells: (typeof table)[number]): string[] => {
    const height = maxOf(cells.map(({ lines }) => lines.length))
    const out: string[] = []
    for (let i = 0; i < height; i++) {
      let s = ''
      cells.forEach(({ lines, widths }, j) => {
        const padding = ' '.repeat(columnWidths[j]! - (widths[i] ?? 0))
        s += lines[i] ?? ''
        s += j < cells.length - 1 ? padding + separator : padding
      })
      out.push(s)
    }
    return out
  }
  const rendered = table.map(renderRow)
  const rowWidth = maxOf(rendered.flat().map(lineWidth))
  const lines: string[] = []
  rendered.forEach((rowLines, i) => {
    if (i === 0) {
      // why: the header is styled as one text ending in "\n", so its last piece is an empty styled line
      const styled = styleSprint(paint, CODES.tableHeader, `${rowLines.join('\n')}\n`).split('\n')
      const dashes = styleSprint(paint, CODES.tableSeparator, '-').repeat(rowWidth)
      lines.push(...styled.slice(0, -1), styled[styled.length - 1] + dashes)
    } else {
      lines.push(...rowLines)
    }
  })
  return `${boxLines(paint, lines)}\n`
}

// why: Math.max(...xs) overflows the call stack for very large tables
function maxOf(values: readonly number[]): number {
  let max = 0
  for (const v of values) if (v > max) max = v
  return max
}

/** The columns a line takes on screen, escape codes removed. */
function lineWidth(line: string): number {
  return displayWidth(removeEscapeCodes(line))
}

/** pterm DefaultBox.Sprint of these lines: ASCII `|` sides, box-drawing corners, one space of padding each side. */
function boxLines(paint: Paint, lines: readonly string[]): string {
  const border = (ch: string) => styleSprint(paint, CODES.box, ch)
  const widths = lines.map(lineWidth)
  const width = maxOf(widths)
  const horizontal = border('─').repeat(width + 2)
  const left = `${border('|')} `
  const right = border('|')
  const body = lines.map((line, i) => {
    const pad = widths[i]! < width ? width - widths[i]! + 1 : 1
    return `${left}${styleSprint(paint, CODES.box, line)}${' '.repeat(pad)}${right}`
  })
  return `${border('┌')}${horizontal}${border('┐')}\n${body.join('\n')}\n${border('└')}${horizontal}${border('┘')}`
}
