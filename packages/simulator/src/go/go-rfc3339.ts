import { encodeText } from './go-bytes.js'
import { daysInMonth } from './go-time.js'

/** Wall clock of a timestamp exactly as written (Go keeps the value's own offset when formatting). */
export interface WallClock {
  hour: number
  minute: number
  second: number
}

const LAYOUT = '2006-01-02T15:04:05Z07:00'

/**
 * Go 1.24 time.Time.UnmarshalJSON on the raw JSON string content (escapes are not processed, as in
 * Go): parseStrictRFC3339. Returns the wall clock or Go's error text.
 */
export function parseStrictRFC3339(raw: string): WallClock | { error: string } {
  // why: Go indexes bytes; a latin1 string has one char per byte
  const b = encodeText(raw).toString('latin1')
  const fast = fastRFC3339(b)
  if (fast) return fast
  const lenient = parseLayout(b)
  if ('error' in lenient) return lenient
  if (b[12] === ':') return { error: parseErrorText(b, '15', b.slice(11, 12), '') }
  if (b.length >= 19 && b[19] === ',') return { error: parseErrorText(b, '.', ',', '') }
  if (b[b.length - 1] !== 'Z') {
    const tz = b.slice(-6)
    if (num2(b.slice(-5)) >= 24)
      return { error: parseErrorText(b, 'Z07:00', tz, ': timezone hour out of range') }
    if (num2(b.slice(-2)) >= 60)
      return { error: parseErrorText(b, 'Z07:00', tz, ': timezone minute out of range') }
  }
  return { error: parseErrorText(b, LAYOUT, b, '') }
}

function num2(s: string): number {
  return 10 * (s.charCodeAt(0) - 48) + (s.charCodeAt(1) - 48)
}

function fastRFC3339(s: string): WallClock | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(s)
  if (!m) return undefined
  const year = Number(m[1])
  const month = Number(m[2])
  const day = Number(m[3])
  const hour = Number(m[4])
  const minute = Number(m[5])
  const second = Number(m[6])
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  const tz = m[8]!
  if (tz !== 'Z' && (Number(tz.slice(1, 3)) > 23 || Number(tz.slice(4, 6)) > 59)) return undefined
  return { hour, minute, second }
}

/** Go's time.Parse for the RFC 3339 layout, including its error texts. */
function parseLayout(value: string): WallClock | { error: string } {
  let rest = value
  const fail = (elem: string, valueElem: string, message = '') => ({
    error: parseErrorText(value, elem, valueElem, message),
  })
  const literal = (text: string) => {
    if (!rest.startsWith(text)) return false
    rest = rest.slice(text.length)
    return true
  }
  const digits = (fixed: boolean): number | undefined => {
    if (!isDigit(rest, 0)) return undefined
    if (!isDigit(rest, 1)) {
      if (fixed) return undefined
      const n = rest.charCodeAt(0) - 48
      rest = rest.slice(1)
      return n
    }
    const n = num2(rest)
    rest = rest.slice(2)
    return n
  }
  let hold = rest
  if (rest.length < 4) return fail('2006', hold)
  const year = atoi(rest.slice(0, 4))
  if (year === undefined) return fail('2006', hold)
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
    if (!literal(prefix)) return fail(prefix, rest)
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
  const [month, day, hour, minute, second] = values as [number, number, number, number, number]
  if (day < 1 || day > daysInMonth(year, month)) return fail('', rest, ': day out of range')
  return { hour, minute, second }
}

function atoi(s: string): number | undefined {
  let t = s
  let negative = false
  if (t[0] === '-' || t[0] === '+') {
    negative = t[0] === '-'
    t = t.slice(1)
  }
  if (!/^\d+$/.test(t)) return undefined
  return negative ? -Number(t) : Number(t)
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i)
  return c >= 48 && c <= 57
}

/** time.ParseError.Error(). */
function parseErrorText(value: string, layoutElem: string, valueElem: string, message: string): string {
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
