/**
 * Text a terminal, a log viewer or a browser would act on or show misleadingly: escape sequences (CSI, OSC
 * with BEL, a C1 CSI), right-to-left override and isolate, zero-width characters, a byte-order mark.
 */
export const HOSTILE_NAME = 'vm-\x1b[31mred\u202Eexe.txt\u2066iso\u2069\u200Bzw\u200Dj\uFEFFbom'
export const HOSTILE_ERROR =
  'export failed: \x1b]0;owned\x07\x1b[2J\u202Egnp.exe\u2066\u200B\u200C\u009b31m\u061c\u2028end'

/**
 * A character none of our logs, outputs, annotations or summaries may hold raw: C0 controls but tab and
 * newline, DEL, C1 controls, and Unicode format characters (Cf: bidi controls, zero-width, BOM).
 */
export const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\p{Cf}]/u

/** Each raw control character in `text`, with where it stands, for a readable failure. */
export function rawControls(text: string): string[] {
  const found: string[] = []
  const all = new RegExp(RAW_CONTROL.source, 'gu')
  for (const m of text.matchAll(all)) {
    const cp = m[0].codePointAt(0)!.toString(16).padStart(4, '0')
    found.push(
      `U+${cp} at ${m.index}: ${JSON.stringify(text.slice(Math.max(0, m.index - 20), m.index + 20))}`,
    )
  }
  return found
}
