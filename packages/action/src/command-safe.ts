// why: the runner reads every stdout line as a possible workflow command: `::name::data` after trimming
// whitespace (TryParseV2), and the legacy `##[name]data` anywhere in a line (TryParse). A VM path, a phase
// or an error text from the daemon must never set an output, add a mask or stop commands.
const LINE_BREAK = /\r\n|\r|\n/
// why: .NET's Trim() also drops U+0085, which JavaScript's \s does not cover; U+FEFF is included defensively
const LEADING_COMMAND = /^([\s\u0085\uFEFF]*):(?=:)/
const LEGACY_COMMAND = /##\[/g
const ZERO_WIDTH_SPACE = '\u200B'

/**
 * Text that prints the same but can never be read as a workflow command: a zero-width space goes between
 * the two colons of a leading `::` and between `##` and `[`. Lines are split the way the runner splits them
 * (CR, LF or CRLF) and joined with LF.
 */
export function neutraliseCommands(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((line) =>
      line
        .replace(LEADING_COMMAND, `$1:${ZERO_WIDTH_SPACE}`)
        .replace(LEGACY_COMMAND, `##${ZERO_WIDTH_SPACE}[`),
    )
    .join('\n')
}

/** One line for a label: control characters (line breaks, ESC, ...) shown as escapes, not obeyed. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n'
    if (c === '\r') return '\\r'
    if (c === '\t') return '\\t'
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
}
