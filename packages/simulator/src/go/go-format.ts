import { posix } from 'node:path'

/** Small pieces of Go's fmt, strconv, strings, time and path/filepath that hyperctl's bytes depend on. */

/**
 * Go's fmt `%.<prec>f` of a float64: the exact binary value rounded to prec decimals, ties to even
 * (12.25 → 12.2, 12.75 → 12.8, 0.05 → 0.1 because 0.05 is slightly above, 0.35 → 0.3).
 */
export function goFormatFixed(value: number, prec: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (value === Number.NEGATIVE_INFINITY) return '-Inf'
  const negative = value < 0 || Object.is(value, -0)
  const { mantissa, exponent } = decompose(Math.abs(value))
  const scale = 10n ** BigInt(prec)
  let scaled: bigint
  if (exponent >= 0) {
    scaled = (mantissa << BigInt(exponent)) * scale
  } else {
    const num = mantissa * scale
    const den = 1n << BigInt(-exponent)
    scaled = num / den
    const twice = (num % den) * 2n
    if (twice > den || (twice === den && scaled % 2n === 1n)) scaled += 1n
  }
  let digits = scaled.toString()
  if (prec > 0) {
    digits = digits.padStart(prec + 1, '0')
    digits = `${digits.slice(0, -prec)}.${digits.slice(-prec)}`
  }
  return negative ? `-${digits}` : digits
}

/** Go's `%.1f`. */
export function goFormatFloat1(value: number): string {
  return goFormatFixed(value, 1)
}

/** value = mantissa * 2^exponent exactly, for a finite non-negative double. */
function decompose(value: number): { mantissa: bigint; exponent: number } {
  if (value === 0) return { mantissa: 0n, exponent: 0 }
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, value)
  const hi = view.getUint32(0)
  const lo = view.getUint32(4)
  const biased = (hi >>> 20) & 0x7ff
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo)
  if (biased === 0) return { mantissa: fraction, exponent: -1074 }
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 }
}

/** The backslash escapes of Go's strconv.Quote; encoding/json writes the same ones but \a and \v. */
const QUOTE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
}

/** Go's strconv.Quote (used by %q in flag errors and by time parse errors). */
export function goQuote(text: string): string {
  let out = '"'
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if (cp >= 0xdc80 && cp <= 0xdcff) {
      // an escaped stray byte (see bytes.ts): Go prints invalid bytes as \xNN
      out += `\\x${(cp - 0xdc00).toString(16).padStart(2, '0')}`
    } else if (Object.hasOwn(QUOTE_ESCAPES, ch)) out += QUOTE_ESCAPES[ch]
    else if (isGoPrint(ch)) out += ch
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`
    else out += `\\U${cp.toString(16).padStart(8, '0')}`
  }
  return `${out}"`
}

/** A Go JSON string literal (json.Marshal and json.Encoder alike): HTML-safe (<, >, & escaped), U+2028/U+2029 escaped, bad UTF-8 → U+FFFD. */
export function goJsonString(text: string): string {
  let out = '"'
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd'
    else if (Object.hasOwn(QUOTE_ESCAPES, ch) && ch !== '\x07' && ch !== '\v') out += QUOTE_ESCAPES[ch]
    else if (cp < 0x20 || ch === '<' || ch === '>' || ch === '&' || cp === 0x2028 || cp === 0x2029)
      out += `\\u${cp.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return `${out}"`
}

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isGoPrint(ch: string): boolean {
  return ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)
}

/** time.Duration.Round(time.Second) in whole seconds: halves round away from zero. */
export function roundToSeconds(elapsedMs: number): number {
  return Math.floor((Math.max(0, elapsedMs) + 500) / 1000)
}

// unicode.IsSpace: the Latin-1 spaces plus the Unicode White_Space set (no U+FEFF, unlike String.trim).
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const LEADING_SPACE = new RegExp(`^[${GO_SPACE}]+`, 'u')
const TRAILING_SPACE = new RegExp(`[${GO_SPACE}]+$`, 'u')

/** strings.TrimSpace. */
export function goTrimSpace(text: string): string {
  return text.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '')
}

/** strings.ToLower, rune by rune (unicode.ToLower maps each rune to one rune, JS may expand: İ → i̇). */
export function goToLower(text: string): string {
  return Array.from(text, (ch) => [...ch.toLowerCase()][0]).join('')
}

/** path/filepath.Base on Unix. */
export function goFilepathBase(path: string): string {
  if (path === '') return '.'
  return /^\/+$/.test(path) ? '/' : posix.basename(path)
}

/** path/filepath.Ext on Unix: from the last dot of the last element, or empty. */
export function goFilepathExt(path: string): string {
  for (let i = path.length - 1; i >= 0 && path[i] !== '/'; i--) {
    if (path[i] === '.') return path.slice(i)
  }
  return ''
}
