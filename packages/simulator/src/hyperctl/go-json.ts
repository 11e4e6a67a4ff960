import { decodeBytes } from '../go/go-bytes.js'
import {
  GoJsonError,
  goFoldName,
  goParseFirst,
  type JsonValue,
  unmarshalTypeText,
} from '../go/go-json-decode.js'
import { parseStrictRFC3339, type WallClock } from '../go/go-rfc3339.js'

/**
 * Go 1.24 encoding/json as hyperctl uses it: json.Marshal of its request structs, and
 * json.NewDecoder(resp.Body).Decode(&reply) with Go's exact error texts: syntax errors from the
 * scanner, `EOF` / `unexpected EOF`, type errors naming the innermost struct and the dotted JSON path,
 * and time.Time parse errors. Only the first JSON value of the body is read; trailing bytes are ignored.
 */

// ---------------------------------------------------------------------------------------------------
// Go types the decoder fills

export type GoType =
  | { kind: 'string'; name: string }
  | { kind: 'int'; name: string }
  | { kind: 'float64' }
  | { kind: 'bool' }
  | { kind: 'time' }
  | { kind: 'ptr'; elem: GoType }
  | { kind: 'slice'; elem: GoType }
  | { kind: 'map'; elem: GoType }
  | { kind: 'any' }
  | { kind: 'struct'; pkg: string; name: string; fields: readonly GoField[] }

export interface GoField {
  json: string
  type: GoType
}

export function typeString(t: GoType): string {
  switch (t.kind) {
    case 'string':
    case 'int':
      return t.name
    case 'float64':
    case 'bool':
      return t.kind
    case 'time':
      return 'time.Time'
    case 'ptr':
      return `*${typeString(t.elem)}`
    case 'slice':
      return `[]${typeString(t.elem)}`
    case 'map':
      return `map[string]${typeString(t.elem)}`
    case 'any':
      return 'interface {}'
    case 'struct':
      return `${t.pkg}.${t.name}`
  }
}

export type DecodeOutcome = { ok: true; value: unknown } | { ok: false; error: string }

/**
 * json.NewDecoder(body).Decode(&v) for a v of type `type`. `readError` is the Go text of an error that
 * ended the body early (a timeout while reading): it is reported if the value is not complete by then.
 */
export function decodeGoJson(body: Uint8Array, type: GoType, readError?: string): DecodeOutcome {
  let parsed: { value: JsonValue; end: number }
  try {
    parsed = goParseFirst(body, { mode: 'decoder', truncatedError: readError })
  } catch (error) {
    if (error instanceof GoJsonError) return { ok: false, error: error.message }
    throw error
  }
  // why: Go's scanner only knows a top-level scalar has ended when it reads the byte after it
  const scalar = parsed.value.kind !== 'object' && parsed.value.kind !== 'array'
  if (readError !== undefined && scalar && parsed.end === body.length) return { ok: false, error: readError }
  return new Unmarshaller().run(parsed.value, type)
}

// ---------------------------------------------------------------------------------------------------
// Unmarshal into Go types (encoding/json decode.go), keeping only the first type error

class TimeError extends Error {}

class Unmarshaller {
  private firstError: string | undefined
  private readonly fieldStack: string[] = []
  private structName: string | undefined

  run(tree: JsonValue, type: GoType): DecodeOutcome {
    try {
      const value = this.decode(tree, type, zeroValue(type))
      return this.firstError === undefined ? { ok: true, value } : { ok: false, error: this.firstError }
    } catch (error) {
      if (error instanceof TimeError) return { ok: false, error: error.message }
      throw error
    }
  }

  private save(what: string, type: GoType): void {
    if (this.firstError !== undefined) return
    this.firstError = unmarshalTypeText(what, typeString(type), this.structName, this.fieldStack)
  }

  private decode(node: JsonValue, type: GoType, current: unknown): unknown {
    if (type.kind === 'time') return this.decodeTime(node, current)
    if (type.kind === 'ptr') {
      if (node.kind === 'null') return null
      const elem = type.elem
      return this.decode(node, elem, current ?? zeroValue(elem))
    }
    if (type.kind === 'any') {
      this.checkAnyNumbers(node)
      return undefined
    }
    switch (node.kind) {
      case 'null':
        if (type.kind === 'slice' || type.kind === 'map') return null
        return current
      case 'object':
        if (type.kind === 'struct') return this.decodeStruct(node, type, current as Record<string, unknown>)
        if (type.kind === 'map') return this.decodeMap(node, type, current as Map<string, unknown> | null)
        this.save('object', type)
        return current
      case 'array': {
        if (type.kind !== 'slice') {
          this.save('array', type)
          return current
        }
        const previous = (current as unknown[] | null) ?? []
        return node.items.map((item, i) => this.decode(item, type.elem, previous[i] ?? zeroValue(type.elem)))
      }
      case 'string':
        if (type.kind === 'string') return node.value
        this.save('string', type)
        return current
      case 'bool':
        if (type.kind === 'bool') return node.value
        this.save('bool', type)
        return current
      case 'number':
        return this.decodeNumber(node.text, type, current)
    }
  }

  private decodeNumber(text: string, type: GoType, current: unknown): unknown {
    if (type.kind === 'int') {
      if (/^-?\d+$/.test(text)) {
        const n = BigInt(text)
        if (n >= -(2n ** 63n) && n < 2n ** 63n) return n
      }
      this.save(`number ${text}`, type)
      return current
    }
    if (type.kind === 'float64') {
      const n = Number(text)
      if (Number.isFinite(n)) return n
      this.save(`number ${text}`, type)
      return current
    }
    this.save('number', type)
    return current
  }

  /** interface{} accepts anything, but a number out of float64 range is still a type error. */
  private checkAnyNumbers(node: JsonValue): void {
    const pending: JsonValue[] = [node]
    while (pending.length > 0) {
      const n = pending.pop()!
      if (n.kind === 'number' && !Number.isFinite(Number(n.text)))
        this.save(`number ${n.text}`, { kind: 'float64' })
      else if (n.kind === 'array') pending.push(...n.items.slice().reverse())
      else if (n.kind === 'object') pending.push(...n.members.map(([, v]) => v).reverse())
    }
  }

  private decodeStruct(
    node: Extract<JsonValue, { kind: 'object' }>,
    type: Extract<GoType, { kind: 'struct' }>,
    current: Record<string, unknown>,
  ): Record<string, unknown> {
    const value = { ...current }
    for (const [key, child] of node.members) {
      const field =
        type.fields.find((f) => f.json === key) ??
        type.fields.find((f) => goFoldName(f.json) === goFoldName(key))
      if (!field) continue
      const savedStruct = this.structName
      const depth = this.fieldStack.length
      this.fieldStack.push(field.json)
      this.structName = type.name
      value[field.json] = this.decode(child, field.type, value[field.json])
      this.fieldStack.length = depth
      this.structName = savedStruct
    }
    return value
  }

  private decodeMap(
    node: Extract<JsonValue, { kind: 'object' }>,
    type: Extract<GoType, { kind: 'map' }>,
    current: Map<string, unknown> | null,
  ): Map<string, unknown> {
    const map = current ?? new Map<string, unknown>()
    for (const [key, child] of node.members) map.set(key, this.decode(child, type.elem, zeroValue(type.elem)))
    return map
  }

  /** time.Time implements json.Unmarshaler: it gets the raw bytes, and its error ends decoding. */
  private decodeTime(node: JsonValue, current: unknown): unknown {
    if (node.kind === 'null') return current
    if (node.kind !== 'string') throw new TimeError('Time.UnmarshalJSON: input is not a JSON string')
    // why: Go hands UnmarshalJSON the raw bytes, so escapes reach the time parser (and its error) as written
    const parsed = parseStrictRFC3339(decodeBytes(node.raw))
    if ('error' in parsed) throw new TimeError(parsed.error)
    return parsed satisfies WallClock
  }
}

function zeroValue(type: GoType): unknown {
  switch (type.kind) {
    case 'string':
      return ''
    case 'int':
      return 0n
    case 'float64':
      return 0
    case 'bool':
      return false
    case 'struct':
      return Object.fromEntries(type.fields.map((f) => [f.json, zeroValue(f.type)]))
    default:
      return null
  }
}
