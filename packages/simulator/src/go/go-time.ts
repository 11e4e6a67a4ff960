import { encodeText } from './go-bytes.js'

/**
 * Go's time texts, reimplemented: `time.Time` in RFC 3339 (JSON form: nanoseconds with trailing zeros
 * dropped; `errorResponse` form: whole seconds) and `time.Duration.String()`. Times are bigint
 * nanoseconds since the Unix epoch, so year 1 (Go's zero time) and nanosecond digits both work.
 */

const NS_PER_SECOND = 1_000_000_000n

/** Go's zero `time.Time` (0001-01-01T00:00:00Z) in nanoseconds since the Unix epoch. */
export const GO_ZERO_TIME_NS = -62_135_596_800n * NS_PER_SECOND

/** `time.Time.MarshalJSON` text without quotes: RFC 3339 with up to 9 fraction digits, zeros trimmed. */
export function formatRfc3339Nano(ns: bigint, offsetMinutes = 0): string {
  return rfc3339(ns, offsetMinutes, true)
}

/** `time.Now().Format(time.RFC3339)`: whole seconds, as `errorResponse` and `/health` print it. */
export function formatRfc3339(ns: bigint, offsetMinutes = 0): string {
  return rfc3339(ns, offsetMinutes, false)
}

function rfc3339(ns: bigint, offsetMinutes: number, withFraction: boolean): string {
  const seconds = floorDiv(ns, NS_PER_SECOND)
  // why: toISOString prints years 0-9999 with four digits, which is the range Go's RFC 3339 allows
  const date = new Date(Number(seconds + BigInt(offsetMinutes * 60)) * 1000).toISOString().slice(0, 19)
  const frac = withFraction ? fraction(ns - seconds * NS_PER_SECOND, 9) : ''
  const abs = Math.abs(offsetMinutes)
  const sign = offsetMinutes < 0 ? '-' : '+'
  return `${date}${frac}${offsetMinutes === 0 ? 'Z' : `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`}`
}

/**
 * Parses what Go's `time.Time.UnmarshalJSON`/`UnmarshalText` accept (RFC 3339 with an upper-case `T` and
 * `Z`, any number of fraction digits, fraction beyond nanoseconds truncated). Undefined for anything else.
 */
export function parseRfc3339(text: string): bigint | undefined {
  const parsed = parseGoTime(text)
  return 'error' in parsed ? undefined : parsed.ns
}

const YAML_TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d*))?[ \t]*(?:([Zz])|([+-])(\d{1,2})(?::?(\d{2}))?)?)?$/

/** The timestamp forms yaml.v3 resolves from a plain scalar (`2026-02-10`, `2026-02-10 09:41:05`, RFC 3339). */
export function parseYamlTimestamp(text: string): bigint | undefined {
  const m = YAML_TIMESTAMP.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m
  const offset = z || !sign ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om ?? '0'))
  return instant([y, mo, d, h, mi, s], frac ?? '', offset)
}

/** The instant of year, month, day, hour, minute and second texts (a missing one is 0), or undefined when out of range. */
function instant(parts: Array<string | undefined>, frac: string, offsetMinutes: number): bigint | undefined {
  const [y, mo, d, h, mi, s] = parts.map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined
  // why: Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear takes the year as given
  const date = new Date(0)
  date.setUTCFullYear(y, mo - 1, d)
  const seconds = BigInt(date.getTime() / 1000 + h * 3600 + mi * 60 + s - offsetMinutes * 60)
  return seconds * NS_PER_SECOND + BigInt(`${frac}000000000`.slice(0, 9))
}

/** Go's `time.Duration.String()`: `2h15m42.318476021s`, `1m0.5s`, `1h0m0s`, `327.280848ms`, `1.5µs`, `0s`. */
export function formatGoDuration(ns: bigint): string {
  const sign = ns < 0n ? '-' : ''
  const u = ns < 0n ? -ns : ns
  if (u === 0n) return '0s'
  if (u < NS_PER_SECOND) {
    const [digits, unit] = u < 1_000n ? [0, 'ns'] : u < 1_000_000n ? [3, 'µs'] : [6, 'ms']
    const scale = 10n ** BigInt(digits)
    return `${sign}${u / scale}${fraction(u % scale, digits)}${unit}`
  }
  const s = u / NS_PER_SECOND
  const hours = s >= 3600n ? `${s / 3600n}h` : ''
  const minutes = s >= 60n ? `${(s / 60n) % 60n}m` : ''
  return `${sign}${hours}${minutes}${s % 60n}${fraction(u % NS_PER_SECOND, 9)}s`
}

function fraction(rest: bigint, digits: number): string {
  if (rest === 0n) return ''
  return `.${rest.toString().padStart(digits, '0').replace(/0+$/, '')}`
}

const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: NS_PER_SECOND,
  m: 60n * NS_PER_SECOND,
  h: 3600n * NS_PER_SECOND,
}

/** Go's `time.ParseDuration` for the texts `formatGoDuration` prints (and `1h30m`, `500ms`, `2.5s`). */
export function parseGoDuration(text: string): bigint {
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text)
  if (!m) {
    if (text === '0' || text === '-0' || text === '+0') return 0n
    throw new RangeError(`time: invalid duration "${text}"`)
  }
  let total = 0n
  for (const part of text.matchAll(/(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/g)) {
    const unit = DURATION_UNITS[part[3] ?? 's'] ?? 1n
    const whole = BigInt(part[1] || '0')
    const fracDigits = part[2] ?? ''
    const fracValue = fracDigits ? (BigInt(fracDigits) * unit) / 10n ** BigInt(fracDigits.length) : 0n
    total += whole * unit + fracValue
  }
  return m[1] === '-' ? -total : total
}

/** Go's `time.Duration.Seconds()` (whole seconds plus nanoseconds / 1e9, as float64). */
export function durationSeconds(ns: bigint): number {
  return Number(ns / NS_PER_SECOND) + Number(ns % NS_PER_SECOND) / 1e9
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q
}

const pad2 = (n: number) => String(n).padStart(2, '0')

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28
  return [4, 6, 9, 11].includes(m) ? 30 : 31
}

/** Wall clock of a timestamp exactly as written (Go keeps the value's own offset when formatting). */
export interface WallClock {
  hour: number
  minute: number
  second: number
}

const LAYOUT = '2006-01-02T15:04:05Z07:00'
const STRICT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/

/**
 * Go 1.24 time.Time.UnmarshalJSON (parseStrictRFC3339) on the raw JSON string content, escapes not
 * processed as in Go: the instant and the wall clock as written, or Go's error text.
 */
export function parseGoTime(raw: string): { ns: bigint; wall: WallClock } | { error: string } {
  // why: Go indexes bytes; a latin1 string has one char per byte
  const b = encodeText(raw).toString('latin1')
  const m = STRICT.exec(b)
  const [, y, mo, d, h, mi, s, frac, sign, oh, om] = m ?? []
  const offset = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0
  const ns =
    m && Number(oh ?? 0) <= 23 && Number(om ?? 0) <= 59
      ? instant([y, mo, d, h, mi, s], frac ?? '', offset)
      : undefined
  if (ns !== undefined) return { ns, wall: { hour: Number(h), minute: Number(mi), second: Number(s) } }
  return { error: parseLayout(b) ?? strictError(b) }
}

/** parseStrictRFC3339's own checks, for what time.Parse lets through. */
function strictError(b: string): string {
  if (b[12] === ':') return parseErrorText(b, '15', b.slice(11, 12))
  if (b[19] === ',') return parseErrorText(b, '.', ',')
  const tz = b.slice(-6)
  if (!b.endsWith('Z') && num2(b.slice(-5)) >= 24)
    return parseErrorText(b, 'Z07:00', tz, ': timezone hour out of range')
  if (!b.endsWith('Z') && num2(b.slice(-2)) >= 60)
    return parseErrorText(b, 'Z07:00', tz, ': timezone minute out of range')
  return parseErrorText(b, LAYOUT, b)
}

/** `t.Format("15:04:05")`, the wall clock hyperctl prints. */
export const formatClock = (wall: WallClock) => [wall.hour, wall.minute, wall.second].map(pad2).join(':')

/** parseGoTime's wall clock (what hyperctl prints), or Go's error text. */
export function parseStrictRFC3339(raw: string): WallClock | { error: string } {
  const parsed = parseGoTime(raw)
  return 'error' in parsed ? parsed : parsed.wall
}

function num2(s: string): number {
  return 10 * (s.charCodeAt(0) - 48) + (s.charCodeAt(1) - 48)
}

/** Go's time.Parse for the RFC 3339 layout: its error text, or undefined when it parses. */
function parseLayout(value: string): string | undefined {
  let rest = value
  const fail = (elem: string, valueElem: string, message = '') =>
    parseErrorText(value, elem, valueElem, message)
  const digits = (fixed: boolean): number | undefined => {
    const width = isDigit(rest, 1) ? 2 : fixed ? 0 : 1
    if (!isDigit(rest, 0) || width === 0) return undefined
    const n = Number(rest.slice(0, width))
    rest = rest.slice(width)
    return n
  }
  let hold = rest
  if (rest.length < 4) return fail('2006', hold)
  // why: Go's atoi takes a sign, so "-123" is a year
  if (!/^[-+]?\d+$/.test(rest.slice(0, 4))) return fail('2006', hold)
  const year = Number(rest.slice(0, 4))
  rest = rest.slice(4)
  const steps: Array<[string, string, boolean, (n: number) => string | undefined]> = [
    ['-', '01', true, (n) => (n <= 0 || n > 12 ? 'month' : undefined)],
    ['-', '02', true, (n) => (n < 0 ? 'day' : undefined)],
    ['T', '15', false, (n) => (n < 0 || n >= 24 ? 'hour' : undefined)],
    [':', '04', true, (n) => (n < 0 || n >= 60 ? 'minute' : undefined)],
    [':', '05', true, (n) => (n < 0 || n >= 60 ? 'second' : undefined)],
  ]
  const values: number[] = []
  for (const [prefix, elem, fixed, range] of steps) {
    if (!rest.startsWith(prefix)) return fail(prefix, rest)
    rest = rest.slice(prefix.length)
    hold = rest
    const n = digits(fixed)
    if (n === undefined) return fail(elem, hold)
    const rangeError = range(n)
    if (rangeError) return fail(elem, rest, `: ${rangeError} out of range`)
    values.push(n)
  }
  // a fractional second the layout does not mention is still accepted after the seconds
  if (rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
    let n = 2
    while (n < rest.length && isDigit(rest, n)) n++
    rest = rest.slice(n)
  }
  hold = rest
  if (rest.startsWith('Z')) {
    rest = rest.slice(1)
  } else {
    if (rest.length < 6 || rest[3] !== ':') return fail('Z07:00', hold)
    const sign = rest[0]
    const hrOk = isDigit(rest, 1) && isDigit(rest, 2)
    const mmOk = hrOk && isDigit(rest, 4) && isDigit(rest, 5)
    const hr = hrOk ? num2(rest.slice(1, 3)) : 0
    const mm = mmOk ? num2(rest.slice(4, 6)) : 0
    rest = rest.slice(6)
    // why: Go reports a range error before a bad digit or sign, and the minute one wins over the hour one
    if (mm > 60) return fail('Z07:00', rest, ': time zone offset minute out of range')
    if (hr > 24) return fail('Z07:00', rest, ': time zone offset hour out of range')
    if (!mmOk || (sign !== '+' && sign !== '-')) return fail('Z07:00', hold)
  }
  if (rest.length > 0) return fail('', rest, `: extra text: ${timeQuote(rest)}`)
  const [month, day] = values as [number, number]
  if (day < 1 || day > daysInMonth(year, month)) return fail('', rest, ': day out of range')
  return undefined
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i)
  return c >= 48 && c <= 57
}

/** time.ParseError.Error(). */
function parseErrorText(value: string, layoutElem: string, valueElem: string, message = ''): string {
  if (message !== '') return `parsing time ${timeQuote(value)}${message}`
  return `parsing time ${timeQuote(value)} as ${timeQuote(LAYOUT)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`
}

/** The time package's own quote(): every non-ASCII or control byte as \xNN. */
function timeQuote(latin1: string): string {
  let out = '"'
  for (let i = 0; i < latin1.length; i++) {
    const c = latin1.charCodeAt(i)
    if (c >= 0x80 || c < 0x20) out += `\\x${c.toString(16).padStart(2, '0')}`
    else out += c === 0x22 || c === 0x5c ? `\\${latin1[i]}` : latin1[i]
  }
  return `${out}"`
}
