import { goJsonString } from '../go/go-json-string.js'
import { decodeBytes, validSequenceLength } from './bytes.js'
import { parseStrictRFC3339, type WallClock } from './go-time.js'

export { goJsonString }

/**
 * Go 1.24 encoding/json as hyperctl uses it: json.Marshal of its request structs, and
 * json.NewDecoder(resp.Body).Decode(&reply) with Go's exact error texts: syntax errors from the
 * scanner, `EOF` / `unexpected EOF`, type errors naming the innermost struct and the dotted JSON path,
 * and time.Time parse errors. Only the first JSON value of the body is read; trailing bytes are ignored.
 */

// ---------------------------------------------------------------------------------------------------
// Marshal

export function goJsonStringArray(items: readonly string[]): string {
  return `[${items.map(goJsonString).join(',')}]`
}

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
  const scanned = scanFirstValue(body, readError)
  if ('error' in scanned) return { ok: false, error: scanned.error }
  const tree = buildTree(body.subarray(0, scanned.end))
  return new Unmarshaller().run(tree, type)
}

// ---------------------------------------------------------------------------------------------------
// Scanner (encoding/json scanner.go): decides where the first value ends, or the syntax error

const SPACE = 0x20
type Op = 'continue' | 'end' | 'endObject' | 'endArray' | 'error'
type Step = (s: Scanner, c: number) => Op

interface Scanner {
  step: Step
  stack: Array<'key' | 'value' | 'array'>
  err: string
}

const MAX_DEPTH = 10000

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a
}

function isDigitByte(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

function isHexByte(c: number): boolean {
  return isDigitByte(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
}

/** encoding/json quoteChar: the byte as a rune, strconv-quoted between single quotes. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''"
  if (c === 0x22) return `'"'`
  const ch = String.fromCharCode(c)
  let inner: string
  if (c === 0x07) inner = '\\a'
  else if (c === 0x08) inner = '\\b'
  else if (c === 0x0c) inner = '\\f'
  else if (c === 0x0a) inner = '\\n'
  else if (c === 0x0d) inner = '\\r'
  else if (c === 0x09) inner = '\\t'
  else if (c === 0x0b) inner = '\\v'
  else if (c === 0x5c) inner = '\\\\'
  else if (c < 0x20 || c === 0x7f) inner = `\\x${c.toString(16).padStart(2, '0')}`
  else if (c >= 0x80 && (c < 0xa1 || c === 0xad)) inner = `\\u00${c.toString(16)}`
  else inner = ch
  return `'${inner}'`
}

function fail(s: Scanner, c: number, context: string): Op {
  s.step = stateError
  s.err = `invalid character ${quoteChar(c)} ${context}`
  return 'error'
}

function push(s: Scanner, c: number, state: 'key' | 'array'): Op {
  s.stack.push(state)
  return s.stack.length <= MAX_DEPTH ? 'continue' : fail(s, c, 'exceeded max depth')
}

function pop(s: Scanner): void {
  s.stack.pop()
  s.step = s.stack.length === 0 ? stateEndTop : stateEndValue
}

const stateError: Step = () => 'error'

const stateEndTop: Step = (s, c) => {
  // why: Go only records the complaint for a later call and still reports the value as complete
  if (!isSpace(c)) fail(s, c, 'after top-level value')
  return 'end'
}

const stateEndValue: Step = (s, c) => {
  const n = s.stack.length
  if (n === 0) {
    s.step = stateEndTop
    return stateEndTop(s, c)
  }
  if (isSpace(c)) {
    s.step = stateEndValue
    return 'continue'
  }
  switch (s.stack[n - 1]) {
    case 'key':
      if (c === 0x3a) {
        s.stack[n - 1] = 'value'
        s.step = stateBeginValue
        return 'continue'
      }
      return fail(s, c, 'after object key')
    case 'value':
      if (c === 0x2c) {
        s.stack[n - 1] = 'key'
        s.step = stateBeginString
        return 'continue'
      }
      if (c === 0x7d) {
        pop(s)
        return 'endObject'
      }
      return fail(s, c, 'after object key:value pair')
    default:
      if (c === 0x2c) {
        s.step = stateBeginValue
        return 'continue'
      }
      if (c === 0x5d) {
        pop(s)
        return 'endArray'
      }
      return fail(s, c, 'after array element')
  }
}

const stateBeginValue: Step = (s, c) => {
  if (isSpace(c)) return 'continue'
  switch (c) {
    case 0x7b:
      s.step = stateBeginStringOrEmpty
      return push(s, c, 'key')
    case 0x5b:
      s.step = stateBeginValueOrEmpty
      return push(s, c, 'array')
    case 0x22:
      s.step = stateInString
      return 'continue'
    case 0x2d:
      s.step = stateNeg
      return 'continue'
    case 0x30:
      s.step = state0
      return 'continue'
    case 0x74:
      s.step = literal('true', 1)
      return 'continue'
    case 0x66:
      s.step = literal('false', 1)
      return 'continue'
    case 0x6e:
      s.step = literal('null', 1)
      return 'continue'
  }
  if (c >= 0x31 && c <= 0x39) {
    s.step = state1
    return 'continue'
  }
  return fail(s, c, 'looking for beginning of value')
}

const stateBeginValueOrEmpty: Step = (s, c) => {
  if (isSpace(c)) return 'continue'
  if (c === 0x5d) return stateEndValue(s, c)
  return stateBeginValue(s, c)
}

const stateBeginStringOrEmpty: Step = (s, c) => {
  if (isSpace(c)) return 'continue'
  if (c === 0x7d) {
    s.stack[s.stack.length - 1] = 'value'
    return stateEndValue(s, c)
  }
  return stateBeginString(s, c)
}

const stateBeginString: Step = (s, c) => {
  if (isSpace(c)) return 'continue'
  if (c === 0x22) {
    s.step = stateInString
    return 'continue'
  }
  return fail(s, c, 'looking for beginning of object key string')
}

const stateInString: Step = (s, c) => {
  if (c === 0x22) {
    s.step = stateEndValue
    return 'continue'
  }
  if (c === 0x5c) {
    s.step = stateInStringEsc
    return 'continue'
  }
  if (c < 0x20) return fail(s, c, 'in string literal')
  return 'continue'
}

const stateInStringEsc: Step = (s, c) => {
  if ([0x62, 0x66, 0x6e, 0x72, 0x74, 0x5c, 0x2f, 0x22].includes(c)) {
    s.step = stateInString
    return 'continue'
  }
  if (c === 0x75) {
    s.step = hexEscape(0)
    return 'continue'
  }
  return fail(s, c, 'in string escape code')
}

const hexSteps: Step[] = []
function hexEscape(index: number): Step {
  hexSteps[index] ??= (s, c) => {
    if (!isHexByte(c)) return fail(s, c, 'in \\u hexadecimal character escape')
    s.step = index === 3 ? stateInString : hexEscape(index + 1)
    return 'continue'
  }
  return hexSteps[index]!
}

const stateNeg: Step = (s, c) => {
  if (c === 0x30) {
    s.step = state0
    return 'continue'
  }
  if (c >= 0x31 && c <= 0x39) {
    s.step = state1
    return 'continue'
  }
  return fail(s, c, 'in numeric literal')
}

const state1: Step = (s, c) => {
  if (isDigitByte(c)) return 'continue'
  return state0(s, c)
}

const state0: Step = (s, c) => {
  if (c === 0x2e) {
    s.step = stateDot
    return 'continue'
  }
  if (c === 0x65 || c === 0x45) {
    s.step = stateE
    return 'continue'
  }
  return stateEndValue(s, c)
}

const stateDot: Step = (s, c) => {
  if (isDigitByte(c)) {
    s.step = stateDot0
    return 'continue'
  }
  return fail(s, c, 'after decimal point in numeric literal')
}

const stateDot0: Step = (s, c) => {
  if (isDigitByte(c)) return 'continue'
  if (c === 0x65 || c === 0x45) {
    s.step = stateE
    return 'continue'
  }
  return stateEndValue(s, c)
}

const stateE: Step = (s, c) => {
  if (c === 0x2b || c === 0x2d) {
    s.step = stateESign
    return 'continue'
  }
  return stateESign(s, c)
}

const stateESign: Step = (s, c) => {
  if (isDigitByte(c)) {
    s.step = stateE0
    return 'continue'
  }
  return fail(s, c, 'in exponent of numeric literal')
}

const stateE0: Step = (s, c) => {
  if (isDigitByte(c)) return 'continue'
  return stateEndValue(s, c)
}

const literalSteps = new Map<string, Step>()
function literal(word: string, index: number): Step {
  const key = `${word}:${index}`
  let step = literalSteps.get(key)
  if (!step) {
    step = (s, c) => {
      if (c !== word.charCodeAt(index)) return fail(s, c, `in literal ${word} (expecting '${word[index]}')`)
      s.step = index === word.length - 1 ? stateEndValue : literal(word, index + 1)
      return 'continue'
    }
    literalSteps.set(key, step)
  }
  return step
}

/** Decoder.readValue: the end offset of the first value, or the error Decode returns. */
function scanFirstValue(body: Uint8Array, readError?: string): { end: number } | { error: string } {
  const s: Scanner = { step: stateBeginValue, stack: [], err: '' }
  for (let i = 0; i < body.length; i++) {
    const op = s.step(s, body[i]!)
    if (op === 'end') return { end: i }
    if ((op === 'endObject' || op === 'endArray') && stateEndValue(s, SPACE) === 'end') return { end: i + 1 }
    if (op === 'error') return { error: s.err }
  }
  if (readError !== undefined) return { error: readError }
  if (s.step(s, SPACE) === 'end') return { end: body.length }
  return { error: body.some((c) => !isSpace(c)) ? 'unexpected EOF' : 'EOF' }
}

// ---------------------------------------------------------------------------------------------------
// A syntax tree of a value already known to be valid (built without recursion: depth may be 10000)

type Node =
  | { t: 'object'; entries: Array<[string, Node]>; raw: [number, number] }
  | { t: 'array'; items: Node[]; raw: [number, number] }
  | { t: 'string'; value: string; raw: [number, number] }
  | { t: 'number'; text: string; raw: [number, number] }
  | { t: 'bool'; value: boolean; raw: [number, number] }
  | { t: 'null'; raw: [number, number] }

interface Tree {
  root: Node
  bytes: Uint8Array
}

function buildTree(bytes: Uint8Array): Tree {
  let i = 0
  const skip = () => {
    while (i < bytes.length && isSpace(bytes[i]!)) i++
  }
  type Frame = { node: Extract<Node, { t: 'object' } | { t: 'array' }>; key?: string }
  const stack: Frame[] = []
  let root: Node | undefined
  const attach = (node: Node) => {
    const top = stack[stack.length - 1]
    if (!top) root = node
    else if (top.node.t === 'object') top.node.entries.push([top.key!, node])
    else top.node.items.push(node)
  }
  for (;;) {
    skip()
    const top = stack[stack.length - 1]
    if (top) {
      const c = bytes[i]!
      if (c === 0x2c) {
        i++
        skip()
      } else if (c === 0x7d || c === 0x5d) {
        i++
        top.node.raw[1] = i
        stack.pop()
        if (stack.length === 0) break
        continue
      }
      if (top.node.t === 'object') {
        const [key, end] = readString(bytes, i)
        i = end
        skip()
        i++ // the colon
        skip()
        top.key = key
      }
    }
    const start = i
    const c = bytes[i]!
    if (c === 0x7b || c === 0x5b) {
      i++
      const node: Frame['node'] =
        c === 0x7b
          ? { t: 'object', entries: [], raw: [start, start] }
          : { t: 'array', items: [], raw: [start, start] }
      attach(node)
      stack.push({ node })
      continue
    }
    let node: Node
    if (c === 0x22) {
      const [value, end] = readString(bytes, i)
      i = end
      node = { t: 'string', value, raw: [start, end] }
    } else if (c === 0x74 || c === 0x66) {
      const value = c === 0x74
      i += value ? 4 : 5
      node = { t: 'bool', value, raw: [start, i] }
    } else if (c === 0x6e) {
      i += 4
      node = { t: 'null', raw: [start, i] }
    } else {
      while (i < bytes.length && /[-+.eE0-9]/.test(String.fromCharCode(bytes[i]!))) i++
      node = { t: 'number', text: String.fromCharCode(...bytes.subarray(start, i)), raw: [start, i] }
    }
    attach(node)
    if (stack.length === 0) break
  }
  return { root: root!, bytes }
}

/** A JSON string starting at the quote at `start`, unquoted as Go does; returns [value, end offset]. */
function readString(bytes: Uint8Array, start: number): [string, number] {
  let i = start + 1
  let out = ''
  let plainFrom = i
  const flushPlain = (to: number) => {
    if (to > plainFrom) out += decodeGoRunes(bytes.subarray(plainFrom, to))
  }
  for (;;) {
    const c = bytes[i]!
    if (c === 0x22) {
      flushPlain(i)
      return [out, i + 1]
    }
    if (c !== 0x5c) {
      i++
      continue
    }
    flushPlain(i)
    const e = bytes[i + 1]!
    if (e === 0x75) {
      let r = hex4(bytes, i + 2)
      i += 6
      if (r >= 0xd800 && r <= 0xdfff) {
        const r2 = bytes[i] === 0x5c && bytes[i + 1] === 0x75 ? hex4(bytes, i + 2) : -1
        if (r <= 0xdbff && r2 >= 0xdc00 && r2 <= 0xdfff) {
          out += String.fromCharCode(r, r2)
          i += 6
          plainFrom = i
          continue
        }
        r = 0xfffd
      }
      out += String.fromCharCode(r)
    } else {
      const simple: Record<number, string> = { 98: '\b', 102: '\f', 110: '\n', 114: '\r', 116: '\t' }
      out += simple[e] ?? String.fromCharCode(e)
      i += 2
    }
    plainFrom = i
  }
}

function hex4(bytes: Uint8Array, at: number): number {
  return Number.parseInt(String.fromCharCode(...bytes.subarray(at, at + 4)), 16)
}

/** Bytes to text with every invalid UTF-8 byte as its own U+FFFD, as Go's unquote does. */
function decodeGoRunes(bytes: Uint8Array): string {
  let clean = true
  for (let k = 0; k < bytes.length; k++) {
    if (bytes[k]! >= 0x80) {
      clean = false
      break
    }
  }
  if (clean) return decodeBytes(bytes)
  let out = ''
  let k = 0
  while (k < bytes.length) {
    const size = validSequenceLength(bytes, k)
    if (size === 0) {
      out += '\ufffd'
      k++
    } else {
      out += decodeBytes(bytes.subarray(k, k + size))
      k += size
    }
  }
  return out
}

// ---------------------------------------------------------------------------------------------------
// Unmarshal into Go types (encoding/json decode.go), keeping only the first type error

class TimeError extends Error {}

/** Go's unicode-aware field name folding (ASCII upper-casing, ToUpper(ToLower(r)) otherwise). */
function foldName(name: string): string {
  let out = ''
  for (const ch of name) {
    if (ch.charCodeAt(0) < 0x80) {
      out += ch >= 'a' && ch <= 'z' ? ch.toUpperCase() : ch
      continue
    }
    // why: unicode.ToLower/ToUpper map one rune to one rune; JS may expand (İ → i̇, ß → SS)
    const l = [...ch.toLowerCase()][0]!
    const upper = l.toUpperCase()
    out += [...upper].length === 1 ? upper : l
  }
  return out
}

class Unmarshaller {
  private firstError: string | undefined
  private readonly fieldStack: string[] = []
  private structName: string | undefined
  private bytes: Uint8Array = new Uint8Array()

  run(tree: Tree, type: GoType): DecodeOutcome {
    this.bytes = tree.bytes
    try {
      const value = this.decode(tree.root, type, zeroValue(type))
      return this.firstError === undefined ? { ok: true, value } : { ok: false, error: this.firstError }
    } catch (error) {
      if (error instanceof TimeError) return { ok: false, error: error.message }
      throw error
    }
  }

  private save(what: string, type: GoType): void {
    if (this.firstError !== undefined) return
    const target = typeString(type)
    this.firstError =
      this.structName !== undefined || this.fieldStack.length > 0
        ? `json: cannot unmarshal ${what} into Go struct field ${this.structName}.${this.fieldStack.join('.')} of type ${target}`
        : `json: cannot unmarshal ${what} into Go value of type ${target}`
  }

  private decode(node: Node, type: GoType, current: unknown): unknown {
    if (type.kind === 'time') return this.decodeTime(node, current)
    if (type.kind === 'ptr') {
      if (node.t === 'null') return null
      const elem = type.elem
      return this.decode(node, elem, current ?? zeroValue(elem))
    }
    if (type.kind === 'any') {
      this.checkAnyNumbers(node)
      return undefined
    }
    switch (node.t) {
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
  private checkAnyNumbers(node: Node): void {
    const pending: Node[] = [node]
    while (pending.length > 0) {
      const n = pending.pop()!
      if (n.t === 'number' && !Number.isFinite(Number(n.text)))
        this.save(`number ${n.text}`, { kind: 'float64' })
      else if (n.t === 'array') pending.push(...n.items.slice().reverse())
      else if (n.t === 'object') pending.push(...n.entries.map(([, v]) => v).reverse())
    }
  }

  private decodeStruct(
    node: Extract<Node, { t: 'object' }>,
    type: Extract<GoType, { kind: 'struct' }>,
    current: Record<string, unknown>,
  ): Record<string, unknown> {
    const value = { ...current }
    for (const [key, child] of node.entries) {
      const field =
        type.fields.find((f) => f.json === key) ?? type.fields.find((f) => foldName(f.json) === foldName(key))
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
    node: Extract<Node, { t: 'object' }>,
    type: Extract<GoType, { kind: 'map' }>,
    current: Map<string, unknown> | null,
  ): Map<string, unknown> {
    const map = current ?? new Map<string, unknown>()
    for (const [key, child] of node.entries) map.set(key, this.decode(child, type.elem, zeroValue(type.elem)))
    return map
  }

  /** time.Time implements json.Unmarshaler: it gets the raw bytes, and its error ends decoding. */
  private decodeTime(node: Node, current: unknown): unknown {
    const raw = this.bytes.subarray(node.raw[0], node.raw[1])
    if (node.t === 'null') return current
    if (node.t !== 'string' || raw.length < 2)
      throw new TimeError('Time.UnmarshalJSON: input is not a JSON string')
    const parsed = parseStrictRFC3339(decodeBytes(raw.subarray(1, raw.length - 1)))
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
