/**
 * Go's time texts, reimplemented: `time.Time` in RFC 3339 (JSON form: nanoseconds with trailing zeros
 * dropped; `errorResponse` form: whole seconds) and `time.Duration.String()`. Times are bigint
 * nanoseconds since the Unix epoch, so year 1 (Go's zero time) and nanosecond digits both work.
 */

const NS_PER_SECOND = 1_000_000_000n
const SECONDS_PER_DAY = 86_400n

/** Go's zero `time.Time` (0001-01-01T00:00:00Z) in nanoseconds since the Unix epoch. */
export const GO_ZERO_TIME_NS = -62_135_596_800n * NS_PER_SECOND

/** `time.Time.MarshalJSON` text without quotes: RFC 3339 with up to 9 fraction digits, zeros trimmed. */
export function formatRfc3339Nano(ns: bigint, offsetMinutes = 0): string {
  const { date, nanos } = split(ns, offsetMinutes)
  let frac = ''
  if (nanos !== 0n) frac = `.${nanos.toString().padStart(9, '0').replace(/0+$/, '')}`
  return `${date}${frac}${zone(offsetMinutes)}`
}

/** `time.Now().Format(time.RFC3339)`: whole seconds, as `errorResponse` and `/health` print it. */
export function formatRfc3339(ns: bigint, offsetMinutes = 0): string {
  return `${split(ns, offsetMinutes).date}${zone(offsetMinutes)}`
}

function split(ns: bigint, offsetMinutes: number): { date: string; nanos: bigint } {
  const seconds = floorDiv(ns, NS_PER_SECOND)
  const nanos = ns - seconds * NS_PER_SECOND
  const local = seconds + BigInt(offsetMinutes * 60)
  const days = floorDiv(local, SECONDS_PER_DAY)
  let rest = Number(local - days * SECONDS_PER_DAY)
  const { y, m, d } = civilFromDays(Number(days))
  const hh = Math.floor(rest / 3600)
  rest -= hh * 3600
  const mm = Math.floor(rest / 60)
  const ss = rest - mm * 60
  const date = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}`
  return { date, nanos }
}

function zone(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'Z'
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  return `${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

/**
 * Parses what Go's `time.Time.UnmarshalJSON`/`UnmarshalText` accept (RFC 3339, any number of fraction
 * digits, fraction beyond nanoseconds truncated). Returns undefined for anything else.
 */
export function parseRfc3339(text: string): bigint | undefined {
  const m = RFC3339.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m
  const offset = z ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om))
  if (!z && (Number(oh) > 23 || Number(om) > 59)) return undefined
  return fromParts(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), frac ?? '', offset)
}

const YAML_TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d*))?[ \t]*(?:([Zz])|([+-])(\d{1,2})(?::?(\d{2}))?)?)?$/

/** The timestamp forms yaml.v3 resolves from a plain scalar (`2026-02-10`, `2026-02-10 09:41:05`, RFC 3339). */
export function parseYamlTimestamp(text: string): bigint | undefined {
  const m = YAML_TIMESTAMP.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m
  const offset = z || !sign ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om ?? '0'))
  return fromParts(
    Number(y),
    Number(mo),
    Number(d),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(s ?? 0),
    frac ?? '',
    offset,
  )
}

function fromParts(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  frac: string,
  offsetMinutes: number,
): bigint | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined
  const days = BigInt(daysFromCivil(y, mo, d))
  const seconds = days * SECONDS_PER_DAY + BigInt(h * 3600 + mi * 60 + s) - BigInt(offsetMinutes * 60)
  const nanos = BigInt(`${frac}000000000`.slice(0, 9))
  return seconds * NS_PER_SECOND + nanos
}

/** Go's `time.Duration.String()`: `2h15m42.318476021s`, `1m0.5s`, `1h0m0s`, `327.280848ms`, `1.5µs`, `0s`. */
export function formatGoDuration(ns: bigint): string {
  const neg = ns < 0n
  const u = neg ? -ns : ns
  let out: string
  if (u < NS_PER_SECOND) {
    if (u === 0n) return '0s'
    if (u < 1_000n) out = `${u}ns`
    else if (u < 1_000_000n) out = `${fmtFrac(u, 3)}µs`
    else out = `${fmtFrac(u, 6)}ms`
  } else {
    const totalSeconds = u / NS_PER_SECOND
    const frac = u % NS_PER_SECOND
    let text = `${totalSeconds % 60n}${fraction(frac, 9)}s`
    const minutes = totalSeconds / 60n
    if (minutes > 0n) {
      text = `${minutes % 60n}m${text}`
      const hours = minutes / 60n
      if (hours > 0n) text = `${hours}h${text}`
    }
    out = text
  }
  return neg ? `-${out}` : out
}

function fmtFrac(v: bigint, prec: number): string {
  const unit = 10n ** BigInt(prec)
  return `${v / unit}${fraction(v % unit, prec)}`
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
  const sec = ns / NS_PER_SECOND
  const nsec = ns % NS_PER_SECOND
  return Number(sec) + Number(nsec) / 1e9
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28
  return [4, 6, 9, 11].includes(m) ? 30 : 31
}

// why: JS Date maps years 0-99 to 1900-1999 in Date.UTC; civil-day arithmetic has no such trap
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y
  const era = Math.floor(yy / 400)
  const yoe = yy - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

function civilFromDays(z0: number): { y: number; m: number; d: number } {
  const z = z0 + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d }
}
