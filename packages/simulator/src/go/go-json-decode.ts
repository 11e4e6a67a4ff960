import { decodeBytes, withReplacementRunes } from './go-bytes.js'
import { goQuote } from './go-format.js'
import { parseGoTime } from './go-time.js'

/**
 * Go `encoding/json` decoding, reimplemented for the structs hypervisord reads and hyperctl reads back:
 * the syntax errors (`invalid character 'x' looking for beginning of value`, `unexpected EOF`, `EOF`),
 * the type errors (`json: cannot unmarshal string into Go struct field QueryRequest.all of type bool`),
 * case-insensitive key matching, Go's UTF-8 repair and `Decoder` vs `Unmarshal` differences.
 */

export type JsonValue =
  | { kind: 'object'; members: Array<[string, JsonValue]> }
  | { kind: 'array'; items: JsonValue[] }
  /** `raw`: the bytes between the quotes as written (Go gives them to `UnmarshalJSON`). */
  | { kind: 'string'; value: string; raw: Uint8Array }
  | { kind: 'number'; text: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }

/**
 * A Go type as far as decoding needs it; `name` fields are Go's `reflect.Type.String()` (an int without
 * one is `int`, a map without `elem` is `map[string]interface {}`).
 */
export type WireType =
  | { kind: 'string'; name: string }
  | { kind: 'bool' }
  | { kind: 'int'; name?: string }
  | { kind: 'float64' }
  | { kind: 'time' }
  | { kind: 'any' }
  | { kind: 'slice'; elem: WireType }
  | { kind: 'map'; elem?: WireType }
  | { kind: 'ptr'; elem: WireType }
  | { kind: 'struct'; name: string; fields: ReadonlyArray<{ name: string; type: WireType }> }

/** A decoding failure; `message` is exactly Go's `err.Error()`. */
export class GoJsonError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GoJsonError'
  }
}

const MAX_DEPTH = 10_000

export interface DecodeOptions {
  /**
   * `decoder`: `json.NewDecoder(r).Decode` (reads one value, ignores what follows, `EOF` on empty input).
   * `unmarshal`: `json.Unmarshal` (whole input must be one value).
   */
  mode: 'decoder' | 'unmarshal'
  /** Set when the input was cut (a body limit, a read timeout): running out of input then reports this text. */
  truncatedError?: string
  /**
   * How Go ints and times are held: JS numbers and nanoseconds since the epoch (the daemon's model), or
   * bigints and the wall clock as written (what hyperctl prints). Struct fields appear only when the
   * input has them.
   */
  values?: 'model' | 'printed'
}

/** Decodes `bytes` into a value of Go type `type`, throwing GoJsonError with Go's message on failure. */
export function goDecode(bytes: Uint8Array, type: WireType, options: DecodeOptions): unknown {
  const { value, end } = goParse(bytes, options)
  // why: Go's scanner only knows a top-level scalar has ended when it reads the byte after it
  const scalar = value.kind !== 'object' && value.kind !== 'array'
  if (options.truncatedError !== undefined && scalar && end === bytes.length)
    throw new GoJsonError(options.truncatedError)
  const ctx: DecodeContext = {
    struct: undefined,
    path: [],
    saved: undefined,
    printed: options.values === 'printed',
  }
  const out = decodeValue(value, type, undefined, ctx)
  if (ctx.saved) throw ctx.saved
  return out
}

/** An open object or array, and the key its next member goes under. */
type Frame = { container: Extract<JsonValue, { kind: 'object' | 'array' }>; key: string }

/** The syntax layer alone: a value tree and where it ended (`Decoder` mode leaves what follows unread), or GoJsonError. */
export function goParse(b: Uint8Array, options: DecodeOptions): { value: JsonValue; end: number } {
  const { mode, truncatedError } = options
  const n = b.length
  let i = 0
  const unexpectedEnd = mode === 'decoder' ? 'unexpected EOF' : 'unexpected end of JSON input'
  // why: running out of a cut input is the cut's error, not the scanner's
  const ended = (text: string) => new GoJsonError(truncatedError ?? text)
  const need = () => {
    if (i >= n) throw ended(unexpectedEnd)
    return b[i] as number
  }
  const skipSpace = () => {
    while (i < n && isSpace(b[i] as number)) i++
  }
  const readKey = (): string => {
    if (need() !== 0x22) throw syntax(b[i] as number, 'looking for beginning of object key string')
    const key = readString()
    skipSpace()
    if (need() !== 0x3a) throw syntax(b[i] as number, 'after object key')
    i++
    return key
  }
  const readString = (): string => {
    i++ // opening quote
    let out = ''
    let runStart = i
    for (;;) {
      const c = need()
      // why: Go's unquote turns each byte of invalid UTF-8 into U+FFFD
      if (c === 0x22 || c === 0x5c) out += withReplacementRunes(decodeBytes(b.subarray(runStart, i)))
      if (c === 0x22) {
        i++
        // why: Go pairs \u escapes into one rune where it can and turns every other surrogate into U+FFFD
        return out.replace(LONE_SURROGATE, '\uFFFD')
      }
      if (c === 0x5c) {
        const e = b[++i] ?? need()
        const simple = ESCAPE_LETTERS.indexOf(String.fromCharCode(e))
        if (simple >= 0) {
          out += ESCAPED_TEXT[simple]
        } else if (e === 0x75) {
          let code = 0
          for (let k = 0; k < 4; k++) {
            i++
            const h = need()
            const v = Number.parseInt(String.fromCharCode(h), 16)
            if (Number.isNaN(v)) throw syntax(h, 'in \\u hexadecimal character escape')
            code = code * 16 + v
          }
          out += String.fromCharCode(code)
        } else {
          throw syntax(e, 'in string escape code')
        }
        runStart = ++i
        continue
      }
      if (c < 0x20) throw syntax(c, 'in string literal')
      i++
    }
  }
  const readNumber = (): string => {
    const start = i
    if (b[i] === 0x2d) i++
    let c = need()
    if (c === 0x30) i++
    else if (c >= 0x31 && c <= 0x39) while (i < n && isDigit(b[i] as number)) i++
    else throw syntax(c, 'in numeric literal')
    if (i < n && b[i] === 0x2e) {
      i++
      c = need()
      if (!isDigit(c)) throw syntax(c, 'after decimal point in numeric literal')
      while (i < n && isDigit(b[i] as number)) i++
    }
    if (i < n && (b[i] === 0x65 || b[i] === 0x45)) {
      i++
      c = need()
      if (c === 0x2b || c === 0x2d) {
        i++
        c = need()
      }
      if (!isDigit(c)) throw syntax(c, 'in exponent of numeric literal')
      while (i < n && isDigit(b[i] as number)) i++
    }
    return Buffer.from(b.subarray(start, i)).toString('latin1')
  }
  const readLiteral = (word: string): void => {
    i++
    for (let k = 1; k < word.length; k++) {
      const c = need()
      const expected = word.charCodeAt(k)
      if (c !== expected) throw syntax(c, `in literal ${word} (expecting ${quoteChar(expected)})`)
      i++
    }
  }

  skipSpace()
  if (i >= n) throw ended(mode === 'decoder' ? 'EOF' : unexpectedEnd)
  const stack: Frame[] = []
  let value: JsonValue
  for (;;) {
    skipSpace()
    const c = need()
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= MAX_DEPTH) throw syntax(c, 'exceeded max depth')
      i++
      skipSpace()
      const container: Frame['container'] =
        c === 0x7b ? { kind: 'object', members: [] } : { kind: 'array', items: [] }
      if (need() !== (c === 0x7b ? 0x7d : 0x5d)) {
        stack.push({ container, key: c === 0x7b ? readKey() : '' })
        continue
      }
      i++
      value = container
    } else if (c === 0x22) {
      const start = i + 1
      const text = readString()
      value = { kind: 'string', value: text, raw: b.subarray(start, i - 1) }
    } else if (c === 0x2d || isDigit(c)) {
      value = { kind: 'number', text: readNumber() }
    } else if (LITERALS[c]) {
      readLiteral(LITERALS[c][0])
      value = LITERALS[c][1]
    } else {
      throw syntax(c, 'looking for beginning of value')
    }
    // attach the finished value to its containers, closing as many as the input closes
    for (let top = stack.at(-1); ; top = stack.at(-1)) {
      if (!top) {
        if (mode === 'unmarshal') {
          skipSpace()
          if (i < n) throw syntax(b[i] as number, 'after top-level value')
        }
        return { value, end: i }
      }
      skipSpace()
      const next = need()
      const { container } = top
      if (container.kind === 'object') container.members.push([top.key, value])
      else container.items.push(value)
      const isObject = container.kind === 'object'
      if (next === 0x2c) {
        i++
        skipSpace()
        if (isObject) top.key = readKey()
        break
      }
      if (next !== (isObject ? 0x7d : 0x5d))
        throw syntax(next, isObject ? 'after object key:value pair' : 'after array element')
      i++
      stack.pop()
      value = container
    }
  }
}

const LITERALS: Record<number, [string, JsonValue]> = {
  116: ['true', { kind: 'bool', value: true }],
  102: ['false', { kind: 'bool', value: false }],
  110: ['null', { kind: 'null' }],
}

// JSON's one-letter escapes and the text each stands for
const ESCAPE_LETTERS = '"\\/bfnrt'
const ESCAPED_TEXT = '"\\/\b\f\n\r\t'
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

function syntax(c: number, context: string): GoJsonError {
  return new GoJsonError(`invalid character ${quoteChar(c)} ${context}`)
}

/** Go's `quoteChar`: the byte as a rune (so 0xC3 prints as 'Ã'), `strconv.Quote`-escaped, in single quotes. */
export function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''"
  if (c === 0x22) return `'"'`
  // why: the byte is read as the Latin-1 rune of the same number; strconv.Quote then escapes it
  return `'${goQuote(String.fromCharCode(c)).slice(1, -1)}'`
}

interface DecodeContext {
  struct: string | undefined
  path: string[]
  saved: GoJsonError | undefined
  printed: boolean
}

/** Go's `reflect.Type.String()` of a type. */
export function goTypeString(t: WireType): string {
  if (t.kind === 'slice') return `[]${goTypeString(t.elem)}`
  if (t.kind === 'ptr') return `*${goTypeString(t.elem)}`
  if (t.kind === 'map') return `map[string]${goTypeString(t.elem ?? ANY)}`
  if (t.kind === 'int') return t.name ?? 'int'
  if (t.kind === 'string' || t.kind === 'struct') return t.name
  return { bool: 'bool', float64: 'float64', time: 'time.Time', any: 'interface {}' }[t.kind]
}

const ANY: WireType = { kind: 'any' }

/** Keeps Go's `UnmarshalTypeError` (the innermost struct and the dotted JSON path, when there is one), the first only. */
function typeError(ctx: DecodeContext, what: string, t: WireType): void {
  if (ctx.saved) return
  const target = goTypeString(t.kind === 'ptr' ? t.elem : t)
  const into =
    ctx.struct === undefined && ctx.path.length === 0
      ? 'Go value'
      : `Go struct field ${ctx.struct}.${ctx.path.join('.')}`
  ctx.saved = new GoJsonError(`json: cannot unmarshal ${what} into ${into} of type ${target}`)
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

function decodeValue(v: JsonValue, t: WireType, current: unknown, ctx: DecodeContext): unknown {
  if (t.kind === 'time') return decodeTime(v, current, ctx)
  if (v.kind === 'null') {
    // Go: null zeroes interfaces, pointers, maps and slices and leaves everything else untouched
    if (t.kind === 'ptr' || t.kind === 'map' || t.kind === 'slice' || t.kind === 'any') return null
    return current
  }
  const mismatch = (what: string = v.kind) => {
    typeError(ctx, what, t)
    return current
  }
  switch (t.kind) {
    case 'any':
      return toAny(v, ctx)
    case 'string':
    case 'bool':
      return v.kind === t.kind ? (v as { value: unknown }).value : mismatch()
    case 'int': {
      if (v.kind !== 'number') return mismatch()
      const big = /^-?\d+$/.test(v.text) ? BigInt(v.text) : undefined
      if (big === undefined || big < INT64_MIN || big > INT64_MAX) return mismatch(`number ${v.text}`)
      return ctx.printed ? big : Number(big)
    }
    case 'float64': {
      if (v.kind !== 'number') return mismatch()
      const f = Number(v.text)
      return Number.isFinite(f) ? f : mismatch(`number ${v.text}`)
    }
    case 'slice': {
      if (v.kind !== 'array') return mismatch()
      // why: Go decodes into the elements a slice already has (a repeated key reuses them)
      const previous = Array.isArray(current) ? current : []
      return v.items.map((item, i) => decodeValue(item, t.elem, previous[i], ctx))
    }
    case 'map': {
      if (v.kind !== 'object') return mismatch()
      const map = isRecord(current) ? current : {}
      for (const [key, member] of v.members) map[key] = decodeValue(member, t.elem ?? ANY, undefined, ctx)
      return map
    }
    case 'ptr':
      // why: Go allocates the pointer before it finds out the value has the wrong type
      return decodeValue(v, t.elem, current ?? (t.elem.kind === 'struct' ? {} : undefined), ctx)
    case 'struct': {
      const target: Record<string, unknown> = isRecord(current) ? current : {}
      if (v.kind !== 'object') return mismatch()
      for (const [key, member] of v.members) {
        const field =
          t.fields.find((f) => f.name === key) ?? t.fields.find((f) => goFoldName(f.name) === goFoldName(key))
        if (!field) continue
        const inner: DecodeContext = {
          ...ctx,
          struct: t.name.slice(t.name.lastIndexOf('.') + 1),
          path: [...ctx.path, field.name],
        }
        target[field.name] = decodeValue(member, field.type, target[field.name], inner)
        ctx.saved = inner.saved
      }
      return target
    }
  }
}

/** time.Time implements json.Unmarshaler: it gets the raw bytes, and its error ends decoding. */
function decodeTime(v: JsonValue, current: unknown, ctx: DecodeContext): unknown {
  if (v.kind === 'null') return current
  if (v.kind !== 'string') throw new GoJsonError('Time.UnmarshalJSON: input is not a JSON string')
  // why: Go hands UnmarshalJSON the raw bytes, so escapes reach the time parser (and its error) as written
  const parsed = parseGoTime(decodeBytes(v.raw))
  if ('error' in parsed) throw new GoJsonError(parsed.error)
  return ctx.printed ? parsed.wall : parsed.ns
}

function toAny(v: JsonValue, ctx: DecodeContext): unknown {
  switch (v.kind) {
    case 'null':
      return null
    case 'string':
    case 'bool':
      return v.value
    case 'number': {
      const f = Number(v.text)
      if (!Number.isFinite(f)) {
        typeError(ctx, `number ${v.text}`, { kind: 'float64' })
        return null
      }
      return f
    }
    case 'array':
      return v.items.map((item) => toAny(item, ctx))
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const [key, member] of v.members) out[key] = toAny(member, ctx)
      return out
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Go's `foldName`: ASCII upper-cased, other runes mapped through ToLower then ToUpper. */
export function goFoldName(name: string): string {
  let out = ''
  for (const ch of name) {
    if (ch.charCodeAt(0) < 0x80) {
      out += ch >= 'a' && ch <= 'z' ? ch.toUpperCase() : ch
      continue
    }
    // why: unicode.ToLower/ToUpper map one rune to one rune; JS may expand (İ → i̇, ß → SS)
    const lower = [...ch.toLowerCase()][0]!
    const upper = lower.toUpperCase()
    out += [...upper].length === 1 ? upper : lower
  }
  return out
}
