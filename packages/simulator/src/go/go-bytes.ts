/**
 * Go strings are bytes; hyperctl cuts IDs and VM paths by byte count and prints the result even when
 * the cut lands inside a UTF-8 sequence. We keep text as JS strings and carry every byte that is not
 * part of a valid UTF-8 sequence as a lone surrogate U+DC80..U+DCFF ("surrogateescape"), so string
 * operations keep working and encodeText() gives back the exact bytes.
 */

import { isUtf8 } from 'node:buffer'

const ESCAPE_BASE = 0xdc00

// The well-formed UTF-8 sequences (Unicode's Table 3-7) over bytes read as Latin-1, one per
// alternative; group 1 catches a byte that starts none of them.
const UTF8_UNIT = new RegExp(
  [
    '[\\x00-\\x7f]+',
    '[\\xc2-\\xdf][\\x80-\\xbf]',
    '\\xe0[\\xa0-\\xbf][\\x80-\\xbf]',
    '[\\xe1-\\xec\\xee\\xef][\\x80-\\xbf]{2}',
    '\\xed[\\x80-\\x9f][\\x80-\\xbf]',
    '\\xf0[\\x90-\\xbf][\\x80-\\xbf]{2}',
    '[\\xf1-\\xf3][\\x80-\\xbf]{3}',
    '\\xf4[\\x80-\\x8f][\\x80-\\xbf]{2}',
    '([\\x80-\\xff])',
  ].join('|'),
  'g',
)

/** Decodes bytes the way Go's utf8.DecodeRune walks them: every invalid byte stays one escaped byte. */
export function decodeBytes(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  if (isUtf8(buffer)) return buffer.toString()
  return buffer
    .toString('latin1')
    .replace(UTF8_UNIT, (unit, stray?: string) =>
      stray ? String.fromCharCode(ESCAPE_BASE + stray.charCodeAt(0)) : Buffer.from(unit, 'latin1').toString(),
    )
}

// An escaped byte: a low surrogate U+DC80..U+DCFF that does not end a valid pair.
const ESCAPED_BYTE = /(?<![\ud800-\udbff])([\udc80-\udcff])/

/** The exact bytes of a decoded string; other lone surrogates (never produced here) become U+FFFD. */
export function encodeText(text: string): Buffer {
  if (!ESCAPED_BYTE.test(text)) return Buffer.from(text, 'utf8')
  // why: split keeps each captured escaped byte, at the odd indices
  return Buffer.concat(
    text
      .split(ESCAPED_BYTE)
      .map((part, i) =>
        i % 2 === 1 ? Buffer.of(part.charCodeAt(0) - ESCAPE_BASE) : Buffer.from(part, 'utf8'),
      ),
  )
}

/** Go's len(s). */
export function byteLength(text: string): number {
  return encodeText(text).length
}

/** Go's s[:n] (n clamped to the length). */
export function bytePrefix(text: string, n: number): string {
  return decodeBytes(encodeText(text).subarray(0, n))
}

/** Go's s[len(s)-n:]. */
export function byteSuffix(text: string, n: number): string {
  const bytes = encodeText(text)
  return decodeBytes(bytes.subarray(Math.max(0, bytes.length - n)))
}

/** The same text with each escaped byte shown as U+FFFD, which is how Go iterates over it by rune. */
export function withReplacementRunes(text: string): string {
  // why: with the u flag a valid surrogate pair is one code point and never matches the class
  return text.replace(/[\udc80-\udcff]/gu, '\ufffd')
}
