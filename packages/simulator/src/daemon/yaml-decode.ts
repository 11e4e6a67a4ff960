import { isUtf8 } from 'node:buffer'
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  parseAllDocuments,
  type Scalar,
} from 'yaml'
import { parseRfc3339, parseYamlTimestamp } from '../go/go-time.js'
import { type Field, isTime, kindOf, nullable, struct } from './go-struct.js'

/**
 * gopkg.in/yaml.v3 `Unmarshal` into a declared struct, as hypervisord's `parseYAMLJobs` uses it: first
 * document only, exact key names, unknown keys ignored, duplicate keys rejected, `yes/no/on/off/y/n` for
 * bools, fractions truncated into ints, any scalar's text into strings, null sequence elements dropped.
 * The parser itself is the `yaml` library (YAML 1.2 with merge keys), which reads what yaml.v3 reads for
 * job files; the Go typing rules are applied here.
 */

/** yaml.v3 would return an error. Its text is never shown: the daemon only says `invalid YAML format`. */
export class YamlDecodeError extends Error {
  override name = 'YamlDecodeError'
}

const MAX_NODES = 1_000_000
const INT64 = 2n ** 63n
const WORDS = new Map<unknown, boolean>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'].map((w) => [w, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].map((w) => [w, false] as const),
])

interface State {
  doc: Document
  visited: number
}

/** Decodes YAML text into a value of `type` (undefined for an empty document); throws YamlDecodeError. */
export function yamlDecode(bytes: Uint8Array, type: Field): unknown {
  if (!isUtf8(bytes)) throw new YamlDecodeError('yaml: invalid leading UTF-8 octet')
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8')
  const options = { uniqueKeys: true, intAsBigInt: true, merge: true, prettyErrors: false }
  const doc = parseAllDocuments(text, options)[0]
  if (!doc || doc.contents === null) return undefined
  if (doc.errors.length > 0) throw new YamlDecodeError(`yaml: ${doc.errors[0]?.message}`)
  return decode(doc.contents as Node, type, undefined, { doc, visited: 0 })
}

function resolve(raw: Node, state: State): Node {
  if (++state.visited > MAX_NODES) throw new YamlDecodeError('yaml: document is too large')
  let node = raw
  for (let hops = 0; isAlias(node); hops++) {
    const target = hops < 100 ? node.resolve(state.doc) : undefined
    if (!target) throw new YamlDecodeError(`yaml: unknown anchor '${node.source}' referenced`)
    node = target as Node
  }
  return node
}

function fail(node: Node, into: string): never {
  const what = isMap(node) ? '!!map' : isSeq(node) ? '!!seq' : `!!str \`${text(node as Scalar)}\``
  throw new YamlDecodeError(`yaml: unmarshal errors:\n  cannot unmarshal ${what} into ${into}`)
}

/** yaml.v3's `n.Value`: the text of a plain scalar as written, the processed value of a quoted one. */
function text(node: Scalar): string {
  if (node.type === 'PLAIN' && typeof node.source === 'string') return node.source
  return typeof node.value === 'string' ? node.value : String(node.value ?? '')
}

/** The decoded value, or undefined where yaml.v3 leaves the target untouched (a null into a scalar). */
function decode(raw: Node, t: Field, current: unknown, state: State): unknown {
  const node = resolve(raw, state)
  const k = typeof t === 'string' ? kindOf(t) : undefined
  // why: a null zeroes pointers, slices and maps, and leaves anything else as it was
  if (isScalar(node) && (node.value === null || node.value === undefined))
    return nullable(t) ? null : undefined
  if (typeof t !== 'string') {
    if (t.of === 'slice') return sequence(node, struct(t.decl), state)
    if (!isMap(node)) fail(node, t.decl.name)
    const target = (current ?? {}) as Record<string, unknown>
    for (const [key, value] of pairs(node, state)) {
      const field = Object.hasOwn(t.decl.fields, key) ? t.decl.fields[key] : undefined
      if (field === undefined || value === null) continue
      const v = decode(value, field, target[key], state)
      if (v !== undefined) target[key] = v
    }
    return target
  }
  if (k === '[]string' || k === '[]models.JobStatus') return sequence(node, 'string', state)
  if (k === 'map[string]interface {}') return isMap(node) ? toAny(node, state) : fail(node, k)
  if (!isScalar(node)) return fail(node, k as string)
  const v = node.value
  if (k === 'string' || k === 'models.JobStatus') return text(node)
  if (k === 'bool') return typeof v === 'boolean' ? v : (WORDS.get(v) ?? fail(node, k))
  if (k === 'int' && node.type === 'PLAIN') {
    if (typeof v === 'bigint' && v >= -INT64 && v < INT64) return Number(v)
    if (typeof v === 'number' && Math.abs(v) <= 9.223372036854776e18) return Math.trunc(v)
  }
  if (k !== undefined && isTime(k)) {
    const ns =
      (node.type === 'PLAIN' ? parseYamlTimestamp(text(node)) : undefined) ?? parseRfc3339(text(node))
    if (ns !== undefined) return ns
  }
  return fail(node, k as string)
}

/** yaml.v3 appends only the elements whose unmarshal set something: a null struct element vanishes. */
function sequence(node: Node, elem: Field, state: State): unknown[] {
  if (!isSeq(node)) fail(node, 'a slice')
  return node.items.flatMap((n) => decode(n as Node, elem, undefined, state) ?? [])
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (typeof key.value === 'symbol' || key.source === '<<')
}

/** A mapping's keys (as text) and values, the `<<` merged mappings' pairs first so that its own win. */
function pairs(node: Node, state: State): Array<[string, Node | null]> {
  if (!isMap(node)) return []
  const merged = node.items.filter((pair) => isMergeKey(pair.key))
  const own = node.items.filter((pair) => !isMergeKey(pair.key))
  return [
    ...merged.flatMap((pair) => {
      const value = resolve(pair.value as Node, state)
      const sources = isSeq(value) ? value.items.map((item) => resolve(item as Node, state)) : [value]
      return sources.flatMap((source) => pairs(source, state))
    }),
    ...own.map((pair): [string, Node | null] => [
      pair.key && isScalar(pair.key) ? text(pair.key) : String(pair.key ?? ''),
      pair.value as Node | null,
    ]),
  ]
}

/** yaml.v3 into `interface{}`: ints stay int64 (bigint when unsafe), timestamps stay strings. */
function toAny(raw: Node, state: State): unknown {
  const node = resolve(raw, state)
  if (isMap(node)) {
    return Object.fromEntries(pairs(node, state).map(([k, v]) => [k, v === null ? null : toAny(v, state)]))
  }
  if (isSeq(node)) return node.items.map((item) => toAny(item as Node, state))
  const v = isScalar(node) ? node.value : null
  if (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER))
    return Number(v)
  return v ?? null
}
