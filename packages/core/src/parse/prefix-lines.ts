import { normaliseNewlines, rawLines, stripAnsi } from './lines.js'

export type PrefixKind = 'info' | 'success' | 'warning' | 'error'

/** One pterm prefix-printer message; `text` keeps inner newlines and every character after the prefix. */
export interface PrefixedMessage {
  kind: PrefixKind
  text: string
}

// why: pterm prefix_printer.go renders " " + Prefix.Text + " " (the Error text is " ERROR " itself), then one
// space, then the message; inner message lines get a blank prefix of the same width (docs/hyperctl.md#prefix-lines)
const PREFIXES: ReadonlyArray<readonly [PrefixKind, string]> = [
  ['info', ' INFO '],
  ['success', ' SUCCESS '],
  ['warning', ' WARNING '],
  ['error', '  ERROR  '],
]

function startOfMessage(line: string): { kind: PrefixKind; width: number } | undefined {
  for (const [kind, prefix] of PREFIXES) {
    if (line.startsWith(`${prefix} `)) return { kind, width: prefix.length + 1 }
  }
  return undefined
}

/**
 * Reads prefix lines (and their continuation lines) from `lines` (escape codes already removed), starting at
 * `from`. Stops at the first line that neither starts a message nor continues the current one.
 */
function readMessagesFrom(
  lines: readonly string[],
  from: number,
): { messages: PrefixedMessage[]; next: number } {
  const messages: PrefixedMessage[] = []
  let blank = ''
  let index = from
  for (; index < lines.length; index++) {
    const line = lines[index] ?? ''
    const start = startOfMessage(line)
    if (start) {
      messages.push({ kind: start.kind, text: line.slice(start.width) })
      blank = ' '.repeat(start.width)
      continue
    }
    const current = messages[messages.length - 1]
    if (current && line.startsWith(blank)) {
      current.text += `\n${line.slice(blank.length)}`
      continue
    }
    break
  }
  return { messages, next: index }
}

/**
 * Every line of `stdout` as pterm prefix messages, or undefined when some line is not one (submit and cancel
 * print nothing else on success).
 */
export function readPrefixedMessages(stdout: string): PrefixedMessage[] | undefined {
  const lines = rawLines(stdout).map(stripAnsi)
  const { messages, next } = readMessagesFrom(lines, 0)
  return next === lines.length ? messages : undefined
}

/** The first message of the given kind anywhere in `stdout` (hyperctl prints its help screen after some errors). */
export function findPrefixedMessage(stdout: string, kind: PrefixKind): string | undefined {
  const lines = rawLines(stdout).map(stripAnsi)
  for (let index = 0; index < lines.length; index++) {
    const start = startOfMessage(lines[index] ?? '')
    if (start?.kind !== kind) continue
    return readMessagesFrom(lines, index).messages[0]?.text
  }
  return undefined
}

/**
 * Where the spinner's final line starts: just after the LAST `\r` + spaces + `\r` (the line clear, 80 spaces
 * when stdout is not a terminal, the terminal width otherwise). Frames are never counted: there may be none,
 * and one can even land after the final line (docs/hyperctl.md#spinner).
 */
function afterLastLineClear(stderr: string): number | undefined {
  let end = stderr.lastIndexOf('\r')
  while (end > 0) {
    let start = end - 1
    while (start >= 0 && stderr[start] === ' ') start--
    if (start >= 0 && start < end - 1 && stderr[start] === '\r') return end + 1
    end = stderr.lastIndexOf('\r', end - 1)
  }
  return undefined
}

/** A stream written through a pty or a CRLF translation: every `\n` comes as `\r\n`. */
function isCrlfTranslated(text: string): boolean {
  // why: hyperctl's own output always has a `\n` after an escape code or another `\n` (a server body ends with
  // `\n\n`), so only a translated stream has `\r` before every `\n`; otherwise a `\r` is part of a message (docs/hyperctl.md#prefix-lines)
  return text.includes('\r\n') && !/(?:^|[^\r])\n/.test(text)
}

/** The spinner's final Success/Fail message on stderr, or undefined when there is none. */
export function readSpinnerResult(stderr: string): PrefixedMessage | undefined {
  const text = isCrlfTranslated(stderr) ? normaliseNewlines(stderr) : stderr
  const start = afterLastLineClear(text)
  if (start === undefined) return undefined
  const lines = text.slice(start).split('\n').map(stripAnsi)
  const first = lines[0] ?? ''
  if (!startOfMessage(first)) return undefined
  return readMessagesFrom(lines, 0).messages[0]
}
