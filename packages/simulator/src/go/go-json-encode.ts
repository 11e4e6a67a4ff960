import { goJsonString } from './go-format.js'

export { goJsonString }

/**
 * Go `encoding/json` output (as `json.NewEncoder(w).Encode` writes it), built by hand so that field
 * order follows Go struct declarations and map keys come out sorted.
 */

/** An ordered JSON object from pre-encoded members; members whose value is undefined are left out. */
export function goJsonObject(members: Array<[string, string | undefined]>): string {
  const parts: string[] = []
  for (const [key, value] of members) {
    if (value !== undefined) parts.push(`${goJsonString(key)}:${value}`)
  }
  return `{${parts.join(',')}}`
}

/** A Go map: members sorted by key (byte order of the UTF-8 keys, as Go sorts strings). */
export function goJsonMap(members: Array<[string, string | undefined]>): string {
  return goJsonObject([...members].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b))))
}

/** A Go slice: `null` when nil, `[...]` otherwise. */
export function goJsonArray(items: readonly string[] | null): string {
  return items === null ? 'null' : `[${items.join(',')}]`
}

/** `[]string`. */
export function goJsonStrings(items: readonly string[] | null): string {
  return goJsonArray(items === null ? null : items.map(goJsonString))
}

/**
 * A value held in a Go `interface{}` (job `metadata`): maps with sorted keys, float64 numbers
 * (bigint for integers yaml.v3 kept as int64), strings, bools, null, slices.
 */
export function goJsonAny(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'string') return goJsonString(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') {
    // a float64: shortest round-trip digits, exponent form below 1e-6 and from 1e21 (as JS does), -0 kept
    if (!Number.isFinite(value)) throw new RangeError(`json: unsupported value: ${value}`)
    return Object.is(value, -0) ? '-0' : String(value)
  }
  if (typeof value === 'bigint') return value.toString()
  if (Array.isArray(value)) return goJsonArray(value.map(goJsonAny))
  if (typeof value === 'object') {
    return goJsonMap(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, goJsonAny(v)]))
  }
  throw new TypeError(`json: unsupported type: ${typeof value}`)
}

/** `json.Encoder.Encode` ends every value with a newline. */
export function encoderLine(json: string): string {
  return `${json}\n`
}
