// why: C0/C1 controls and DEL can move the cursor, retitle or reprogram a terminal; bidi overrides and
// line/paragraph separators can make text read differently from what it is (docs/hyperctl.md: daemon text is
// whatever a job definition or an exporter put there)
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
const UNSAFE_KEEP_NEWLINES =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
// why: JSON.stringify escapes C0 only; C1 (e.g. U+009B, an 8-bit CSI) and bidi controls pass through raw
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

function visible(char: string): string {
  const code = char.charCodeAt(0)
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`
}

/** Text from the daemon or hyperctl made safe for a terminal: every control character shown as `\xNN`. */
export function neutralise(text: string, options: { keepNewlines?: boolean } = {}): string {
  return String(text).replace(options.keepNewlines ? UNSAFE_KEEP_NEWLINES : UNSAFE, visible)
}

/** JSON text with no raw control or bidi character in it; parses back to the same value. */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    UNSAFE_IN_JSON,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}
