import type { WireType } from '../go/go-json-decode.js'
import { goJsonAny, goJsonArray, goJsonObject, goJsonString } from '../go/go-json-encode.js'
import { formatRfc3339Nano, GO_ZERO_TIME_NS, parseRfc3339 } from '../go/go-time.js'

/**
 * One declaration per Go struct of hypervisord (field order, Go type, JSON tag options) drives
 * everything else: the TypeScript shapes, zero values, the encoder (declaration order, `omitempty`),
 * the decoder's type and the reading of a reply-shaped value back into a struct.
 */

/** Each Go type a field may have, with its zero value; its type is the JS value held (times: ns since the epoch). */
const ZERO = {
  string: '',
  'models.JobStatus': '',
  int: 0,
  int64: 0,
  'time.Duration': 0,
  float64: 0,
  bool: false,
  'time.Time': GO_ZERO_TIME_NS,
  '*time.Time': null as bigint | null,
  '[]string': null as string[] | null,
  '[]models.JobStatus': null as string[] | null,
  'map[string]interface {}': null as Record<string, unknown> | null,
}
type GoKinds = typeof ZERO
export type Kind = keyof GoKinds
/** `omitempty`; `yaml`: only yaml.v3 sees the field (`json:"-"`). */
type Tag = Kind | `${Kind},omitempty` | `${Kind},yaml`
/** A nested struct: held by value, by pointer (nil: null) or in a slice. */
export interface Nested {
  of: 'struct' | 'ptr' | 'slice'
  decl: StructDecl
  omitempty?: boolean
}
export type Field = Tag | Nested
export interface StructDecl<F extends Record<string, Field> = Record<string, Field>> {
  name: string
  fields: F
}

export const ptr = <D extends StructDecl>(decl: D) => ({ of: 'ptr', decl, omitempty: true }) as const
export const struct = <D extends StructDecl>(decl: D) => ({ of: 'struct', decl }) as const
export const slice = <D extends StructDecl>(decl: D) => ({ of: 'slice', decl }) as const

type FieldValue<F> = F extends `${infer K extends Kind},${string}`
  ? GoKinds[K]
  : F extends Kind
    ? GoKinds[F]
    : F extends { of: infer O; decl: infer D }
      ? Nest<O, GoValue<D>>
      : never
/** A nested struct's value held by value, by pointer (nil: null) or in a slice (nil: null). */
type Nest<O, V> = O extends 'struct' ? V : O extends 'ptr' ? V | null : V[] | null
/** The value the simulator holds for a struct. */
export type GoValue<D> =
  D extends StructDecl<infer F> ? { -readonly [K in keyof F]: FieldValue<F[K]> } : never

type WireField<F> = F extends `${'time.Time' | '*time.Time'}${string}`
  ? string
  : F extends { of: infer O; decl: infer D }
    ? Nest<O, Wire<D>>
    : FieldValue<F>
type Omitted<F> = {
  [K in keyof F]: F[K] extends `${string},omitempty` | { omitempty: true } ? K : never
}[keyof F]
type YamlOnly<F> = { [K in keyof F]: F[K] extends `${string},yaml` ? K : never }[keyof F]
/** A struct as encoding/json writes it and JSON.parse reads it back. */
export type Wire<D> =
  D extends StructDecl<infer F>
    ? { -readonly [K in Exclude<keyof F, Omitted<F> | YamlOnly<F>>]: WireField<F[K]> } & {
        -readonly [K in Omitted<F>]?: NonNullable<WireField<F[K]>>
      }
    : never

export const kindOf = (tag: Tag) => tag.split(',')[0] as Kind
export const isTime = (k: Kind) => k === 'time.Time' || k === '*time.Time'
/** Go's nil-able kinds: pointers, slices and maps. */
export const nullable = (f: Field) => (typeof f === 'string' ? ZERO[kindOf(f)] === null : f.of !== 'struct')

/** The struct with every field at Go's zero value. */
export function zero<D extends StructDecl>(decl: D): GoValue<D> {
  const out: Record<string, unknown> = {}
  for (const [name, f] of Object.entries(decl.fields)) {
    out[name] = typeof f === 'string' ? ZERO[kindOf(f)] : f.of === 'struct' ? zero(f.decl) : null
  }
  return out as GoValue<D>
}

/**
 * The struct from a record holding some of its fields (what the decoders leave, or a reply-shaped
 * value with RFC 3339 times); missing fields are zero, unknown keys ignored. Throws TypeError for a
 * value of the wrong kind.
 */
export function fill<D extends StructDecl>(decl: D, record: unknown, path = decl.name): GoValue<D> {
  const out = zero(decl) as Record<string, unknown>
  if (record === null || record === undefined) return out as GoValue<D>
  if (typeof record !== 'object' || Array.isArray(record)) throw new TypeError(`${path} must be an object`)
  for (const [name, f] of Object.entries(decl.fields)) {
    let v = (record as Record<string, unknown>)[name]
    const at = `${path}.${name}`
    if (v === undefined || (v === null && out[name] !== null)) continue
    if (typeof f !== 'string') {
      if (f.of === 'slice' && v !== null && !Array.isArray(v)) throw new TypeError(`${at} must be an array`)
      if (v !== null)
        v = f.of === 'slice' ? (v as unknown[]).map((x) => fill(f.decl, x, at)) : fill(f.decl, v, at)
    } else if (isTime(kindOf(f)) && typeof v === 'string') {
      v = parseRfc3339(v)
      if (v === undefined) throw new TypeError(`${at} must be an RFC 3339 time`)
    } else if (typeof v !== typeof ZERO[kindOf(f)] && out[name] !== null) {
      throw new TypeError(`${at} must be a ${typeof ZERO[kindOf(f)]}`)
    }
    out[name] = v
  }
  return out as GoValue<D>
}

/** encoding/json of a struct value: declaration order, `omitempty` honoured, times in zone `tz`. */
export function encodeStruct<D extends StructDecl>(decl: D, value: GoValue<D>, tz = 0): string {
  const v = value as Record<string, unknown>
  return goJsonObject(
    Object.entries(decl.fields).map(([name, f]) => {
      if (typeof f === 'string' && f.endsWith(',yaml')) return [name, undefined]
      const omit = typeof f === 'string' ? f.endsWith(',omitempty') : f.omitempty
      return [name, omit && isEmpty(f, v[name]) ? undefined : encodeField(f, v[name], tz)]
    }),
  )
}

/** Go's emptiness for `omitempty`: a non-nil struct pointer never is, a map without keys is. */
function isEmpty(f: Field, v: unknown): boolean {
  if (v === null || v === '' || v === 0 || v === false) return true
  if (Array.isArray(v)) return v.length === 0
  return f === 'map[string]interface {},omitempty' && Object.keys(v as object).length === 0
}

function encodeField(f: Field, v: unknown, tz: number): string {
  if (v === null) return 'null'
  if (typeof f !== 'string') {
    if (f.of !== 'slice') return encodeStruct(f.decl, v as GoValue<StructDecl>, tz)
    return goJsonArray((v as GoValue<StructDecl>[]).map((x) => encodeStruct(f.decl, x, tz)))
  }
  if (isTime(kindOf(f))) return goJsonString(formatRfc3339Nano(v as bigint, tz))
  // why: strings, bools, string slices and maps come out as Go writes them from an interface{}, and
  // so do ints (the float64 text of a whole number is the int's text)
  return goJsonAny(v)
}

/** The type the Go-JSON decoder fills for a struct (fields `json:"-"` left out). */
export function decodeType(decl: StructDecl): Extract<WireType, { kind: 'struct' }> {
  const fields = Object.entries(decl.fields).flatMap(([name, f]) =>
    typeof f === 'string' && f.endsWith(',yaml') ? [] : [{ name, type: fieldType(f) }],
  )
  return { kind: 'struct', name: decl.name, fields }
}

/** The decoder's type for one field. */
export function fieldType(f: Field): WireType {
  if (typeof f !== 'string') {
    const type = decodeType(f.decl)
    return f.of === 'struct' ? type : { kind: f.of, elem: type }
  }
  const k = kindOf(f)
  if (k.startsWith('[]')) return { kind: 'slice', elem: { kind: 'string', name: k.slice(2) } }
  if (k === 'string' || k === 'models.JobStatus') return { kind: 'string', name: k }
  if (k === 'int64' || k === 'time.Duration') return { kind: 'int', name: k }
  if (k === 'map[string]interface {}') return { kind: 'map' }
  if (k === '*time.Time') return { kind: 'ptr', elem: { kind: 'time' } }
  return { kind: k === 'time.Time' ? 'time' : (k as 'int' | 'bool' | 'float64') }
}
