// why: text from the daemon or hyperctl (VM names, phases, errors) is whatever a job definition or an
// exporter put there. C0/C1 controls and DEL start escape sequences (CSI, OSC) that move the cursor, retitle
// or reprogram a terminal; format characters (category Cf: bidi overrides and isolates, zero-width
// characters) and the line/paragraph separators make text read differently from what it is
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu
const UNSAFE_BUT_NEWLINE = /(?!\n)[\p{Cc}\p{Cf}\u2028\u2029]/gu

function visible(char: string): string {
  const code = char.codePointAt(0) ?? 0
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`
  return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`
}

/**
 * Text made safe for a terminal or a log: every control, format and separator character is shown as an
 * escape (`\x1b`, `\u202e`), so an escape sequence is printed, never obeyed. Newlines stay when asked.
 */
export function sanitizeText(text: string, options: { keepNewlines?: boolean } = {}): string {
  return String(text).replace(options.keepNewlines ? UNSAFE_BUT_NEWLINE : UNSAFE, visible)
}

function jsonEscape(char: string): string {
  return [...char.split('')].map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')
}

/**
 * A JSON text (or any text bound for a file a person reads: an output, a state value) with every unsafe
 * character but the newline written as a JSON `\uXXXX` escape. In a JSON text that is lossless: it
 * parses back to the same value, since JSON.stringify already escapes C0 and leaves C1 and Cf raw.
 */
export function escapeUnsafeForJson(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, jsonEscape)
}

/** JSON with no raw control, format or separator character in it; parses back to the same value. */
export function safeJson(value: unknown, indent?: number): string {
  return escapeUnsafeForJson(JSON.stringify(value, null, indent))
}

/**
 * A JSON document a face hands over whole (the CLI's `--json`, the action's `result`): the same bytes in
 * every face for the same value, so one can be compared with, or swapped for, the other.
 */
export function jsonDocument(value: unknown): string {
  return safeJson(value, 2)
}

/**
 * Text as HTML for the step summary: unsafe characters shown as escapes, markup characters escaped, line
 * breaks as `<br>` (a blank line would end the HTML block and start Markdown).
 */
export function sanitizeHtml(text: string): string {
  return sanitizeText(String(text).replace(/\r\n|\r/g, '\n'), { keepNewlines: true })
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\n/g, '<br>')
}

// why: the runner reads every stdout line as a possible workflow command: `::name::data` after trimming
// whitespace (TryParseV2), and the legacy `##[name]data` anywhere in a line (TryParse). A VM path, a phase
// or an error text from the daemon must never set an output, add a mask or stop commands.
const LINE_BREAK = /\r\n|\r|\n/
// why: .NET's Trim() also drops U+0085 and U+FEFF, which JavaScript's \s does not cover
const LEADING_COMMAND = /^([\s\u0085\uFEFF]*):(?=:)/
const LEGACY_COMMAND = /##\[/g

/**
 * Text that can never be read as a workflow command: the second colon of a leading `::` and the `[` of
 * `##[` are written as escapes (`:\x3a`, `##\x5b`), visible like every other escape. Lines are split the
 * way the runner splits them (CR, LF or CRLF) and joined with LF.
 */
export function neutraliseCommands(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((line) => line.replace(LEADING_COMMAND, '$1:\\x3a').replace(LEGACY_COMMAND, '##\\x5b'))
    .join('\n')
}

/** A log line of the action: unsafe characters escaped (newlines kept), workflow commands defused. */
export function sanitizeLogText(text: string): string {
  return neutraliseCommands(sanitizeText(text, { keepNewlines: true }))
}
