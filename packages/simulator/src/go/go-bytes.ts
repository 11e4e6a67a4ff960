/**
 * Go strings are bytes; hyperctl cuts IDs and VM paths by byte count and prints the result even when
 * the cut lands inside a UTF-8 sequence. We keep text as JS strings and carry every byte that is not
 * part of a valid UTF-8 sequence as a lone surrogate U+DC80..U+DCFF ("surrogateescape"), so string
 * operations keep working and encodeText() gives back the exact bytes.
 */

import { isUtf8 } from 'node:buffer'

const ESCAPE_BASE = 0xdc00

/** Decodes bytes the way Go's utf8.DecodeRune walks them: every invalid byte stays one escaped byte. */
export function decodeBytes(bytes: Uint8Array): string {
  const utf8 = (from: number, to: number) =>
    Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString()
  if (isUtf8(bytes)) return utf8(0, bytes.length)
  let out = ''
  let start = 0
  for (let i = 0; i < bytes.length; ) {
    const size = validSequenceLength(bytes, i)
    if (size > 0) {
      i += size
      continue
    }
    out += utf8(start, i) + String.fromCharCode(ESCAPE_BASE + bytes[i]!)
    start = ++i
  }
  return out + utf8(start, bytes.length)
}

/** Length of the well-formed UTF-8 sequence starting at i, or 0 when the byte there is invalid. */
export function validSequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!
  if (b < 0x80) return 1
  const c1 = bytes[i + 1]
  if (b >= 0xc2 && b <= 0xdf) return isCont(c1) ? 2 : 0
  if (b >= 0xe0 && b <= 0xef) {
    if (c1 === undefined) return 0
    if (b === 0xe0 && (c1 < 0xa0 || c1 > 0xbf)) return 0
    if (b === 0xed && (c1 < 0x80 || c1 > 0x9f)) return 0
    if (!isCont(c1)) return 0
    return isCont(bytes[i + 2]) ? 3 : 0
  }
  if (b >= 0xf0 && b <= 0xf4) {
    if (c1 === undefined) return 0
    if (b === 0xf0 && (c1 < 0x90 || c1 > 0xbf)) return 0
    if (b === 0xf4 && (c1 < 0x80 || c1 > 0x8f)) return 0
    if (!isCont(c1)) return 0
    return isCont(bytes[i + 2]) && isCont(bytes[i + 3]) ? 4 : 0
  }
  return 0
}

function isCont(b: number | undefined): boolean {
  return b !== undefined && (b & 0xc0) === 0x80
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
