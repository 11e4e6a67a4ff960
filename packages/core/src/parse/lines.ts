// why: docs/hyperctl.md#parsing names exactly this pattern; pterm and gookit write nothing but SGR codes (docs/hyperctl.md#styles),
// and a narrow pattern keeps a stray ESC visible, so a damaged cell fails to parse instead of being cleaned up.
const ANSI_CSI = /\x1b\[[0-9;?]*[A-Za-z]/g

/** The text without its terminal escape codes. */
export function stripAnsi(text: string): string {
  return text.includes('\x1b') ? text.replace(ANSI_CSI, '') : text
}

/** `\r\n` turned into `\n`: output captured through a pty or on Windows reads like output from a pipe. */
export function normaliseNewlines(text: string): string {
  return text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text
}

/**
 * The raw lines of one stream, escape codes kept (table cells are split on them), `\r\n` read as `\n`,
 * and the empty piece after a final `\n` dropped.
 */
export function rawLines(text: string): string[] {
  const lines = normaliseNewlines(text).split('\n')
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** A line as a terminal shows it: each `\r` returns to column 0 and what follows overwrites what was there. */
function resolveCarriageReturns(line: string): string {
  if (!line.includes('\r')) return line
  // why: an array of code points, so a long run of short redraws stays linear instead of re-slicing the line
  const screen: string[] = []
  for (const part of line.split('\r')) {
    let column = 0
    for (const char of part) screen[column++] = char
  }
  return screen.join('')
}

/** The lines a person would have seen: colours gone, each spinner redraw reduced to what stayed on screen. */
export function toLines(raw: string): string[] {
  return stripAnsi(normaliseNewlines(raw))
    .split('\n')
    .map((line) => resolveCarriageReturns(line).trimEnd())
}
