import { displayWidth } from './progress/display-width.js'

/** Columns padded to their widest cell (cells must already be safe text, without colour). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))))
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i]! - displayWidth(cell))))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

/** `label  value` lines, the values in one column after the widest label (display width). */
export function labelledLines(rows: readonly (readonly [string, string])[], gap = 2): string[] {
  const width = Math.max(0, ...rows.map(([label]) => displayWidth(label))) + gap
  return rows.map(([label, value]) => `${label}${' '.repeat(width - displayWidth(label))}${value}`.trimEnd())
}
