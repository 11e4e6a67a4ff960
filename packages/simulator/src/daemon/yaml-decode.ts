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
import type { GoType } from '../go/go-json-decode.js'
import { goTypeString } from '../go/go-json-decode.js'
import { parseRfc3339, parseYamlTimestamp } from '../go/go-time.js'

/**
 * gopkg.in/yaml.v3 `Unmarshal` into a Go type, as hypervisord's `parseYAMLJobs` uses it: first document
 * only, exact key names, unknown keys ignored, duplicate keys rejected, `yes/no/on/off/y/n` for bools,
 * fractions truncated into ints, any scalar's text into strings, null sequence elements dropped.
 */

export class YamlDecodeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'YamlDecodeError'
  }
}

const MAX_NODES = 1_000_000
const INT64_MAX = 2n ** 63n - 1n
const INT64_MIN = -(2n ** 63n)
const TRUE_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'])
const FALSE_WORDS = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'])

interface State {
  doc: Document
  errors: string[]
  visited: number
}

/** Decodes YAML text into `type`; throws YamlDecodeError when yaml.v3 would return an error. */
export function yamlDecode(bytes: Uint8Array, type: GoType): unknown {
  if (!isUtf8(bytes)) throw new YamlDecodeError('yaml: invalid leading UTF-8 octet')
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8')
  const docs = parseAllDocuments(text, {
    uniqueKeys: true,
    intAsBigInt: true,
    merge: true,
    prettyErrors: false,
  })
  const doc = Array.isArray(docs) ? docs[0] : undefined
  if (!doc || doc.contents === null) return undefined
  if (doc.errors.length > 0) throw new YamlDecodeError(`yaml: ${doc.errors[0]?.message ?? 'syntax error'}`)
  const state: State = { doc, errors: [], visited: 0 }
  const out = decode(doc.contents as Node, type, undefined, state)
  if (state.errors.length > 0)
    throw new YamlDecodeError(`yaml: unmarshal errors:\n  ${state.errors.join('\n  ')}`)
  return out.set ? out.value : undefined
}

interface Decoded {
  set: boolean
  value: unknown
}

const UNSET: Decoded = { set: false, value: undefined }

function resolveAlias(node: Node, state: State): Node {
  let current: Node = node
  for (let hops = 0; isAlias(current); hops++) {
    if (hops > 100) throw new YamlDecodeError('yaml: alias chain too long')
    const target = current.resolve(state.doc)
    if (!target) throw new YamlDecodeError(`yaml: unknown anchor '${current.source}' referenced`)
    current = target as Node
  }
  return current
}

function tagOf(node: Node): string {
  if (isMap(node)) return '!!map'
  if (isSeq(node)) return '!!seq'
  return '!!str'
}

function fail(state: State, node: Node, t: GoType): Decoded {
  const scalar = isScalar(node) ? ` \`${scalarText(node)}\`` : ''
  state.errors.push(
    `cannot unmarshal ${tagOf(node)}${scalar} into ${goTypeString(t.kind === 'ptr' ? t.elem : t)}`,
  )
  return UNSET
}

/** yaml.v3's `n.Value`: the text of a plain scalar as written, the processed value of a quoted one. */
function scalarText(node: Scalar): string {
  if (node.type === 'PLAIN' && typeof node.source === 'string') return node.source
  const v = node.value
  return typeof v === 'string' ? v : String(v ?? '')
}

function isNullScalar(node: Scalar): boolean {
  return node.value === null || node.value === undefined
}

function decode(raw: Node, t: GoType, current: unknown, state: State): Decoded {
  if (++state.visited > MAX_NODES) throw new YamlDecodeError('yaml: document is too large')
  const node = resolveAlias(raw, state)
  if (isScalar(node) && isNullScalar(node)) {
    if (t.kind === 'ptr' || t.kind === 'map' || t.kind === 'slice' || t.kind === 'any')
      return { set: true, value: null }
    return UNSET
  }
  switch (t.kind) {
    case 'any':
      return { set: true, value: toAny(node, state) }
    case 'string':
      if (!isScalar(node)) return fail(state, node, t)
      return { set: true, value: scalarText(node) }
    case 'bool': {
      if (!isScalar(node)) return fail(state, node, t)
      const v = node.value
      if (typeof v === 'boolean') return { set: true, value: v }
      if (typeof v === 'string' && TRUE_WORDS.has(v)) return { set: true, value: true }
      if (typeof v === 'string' && FALSE_WORDS.has(v)) return { set: true, value: false }
      return fail(state, node, t)
    }
    case 'int': {
      if (!isScalar(node) || node.type !== 'PLAIN') return fail(state, node, t)
      const v = node.value
      if (typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX) return { set: true, value: Number(v) }
      if (typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 9.223372036854776e18) {
        return { set: true, value: Math.trunc(v) }
      }
      return fail(state, node, t)
    }
    case 'time': {
      if (!isScalar(node)) return fail(state, node, t)
      const text = scalarText(node)
      const ns = (node.type === 'PLAIN' ? parseYamlTimestamp(text) : undefined) ?? parseRfc3339(text)
      if (ns === undefined) {
        state.errors.push(`parsing time "${text}" as "2006-01-02T15:04:05Z07:00"`)
        return UNSET
      }
      return { set: true, value: ns }
    }
    case 'slice': {
      if (!isSeq(node)) return fail(state, node, t)
      const items: unknown[] = []
      for (const item of node.items) {
        const d = decode(item as Node, t.elem, undefined, state)
        // why: yaml.v3 appends only elements whose unmarshal succeeded; a null struct element vanishes
        if (d.set) items.push(d.value)
      }
      return { set: true, value: items }
    }
    case 'map': {
      if (!isMap(node)) return fail(state, node, t)
      return { set: true, value: toAny(node, state) }
    }
    case 'ptr':
    case 'struct': {
      if (!isMap(node)) return fail(state, node, t)
      const st = t.kind === 'ptr' ? t.elem : t
      const target: Record<string, unknown> =
        typeof current === 'object' && current !== null ? (current as Record<string, unknown>) : {}
      for (const source of mergeSources(node, state)) decodeStructMembers(source, st.fields, target, state)
      decodeStructMembers(node, st.fields, target, state)
      return { set: true, value: target }
    }
  }
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (typeof key.value === 'symbol' || key.source === '<<')
}

function mergeSources(node: Node, state: State): Node[] {
  if (!isMap(node)) return []
  const out: Node[] = []
  for (const pair of node.items) {
    if (!isMergeKey(pair.key)) continue
    const value = resolveAlias(pair.value as Node, state)
    if (isSeq(value)) for (const item of value.items) out.push(resolveAlias(item as Node, state))
    else out.push(value)
  }
  return out
}

function decodeStructMembers(
  node: Node,
  fields: ReadonlyArray<{ name: string; type: GoType }>,
  target: Record<string, unknown>,
  state: State,
): void {
  if (!isMap(node)) return
  for (const pair of node.items) {
    if (isMergeKey(pair.key)) continue
    const keyNode = pair.key as Node | null
    const key = keyNode && isScalar(keyNode) ? scalarText(keyNode) : ''
    const field = fields.find((f) => f.name === key)
    if (!field || pair.value === null) continue
    const d = decode(pair.value as Node, field.type, target[field.name], state)
    if (d.set) target[field.name] = d.value
  }
}

/** yaml.v3 into `interface{}`: ints stay int64 (bigint when unsafe), timestamps stay strings. */
function toAny(raw: Node, state: State): unknown {
  if (++state.visited > MAX_NODES) throw new YamlDecodeError('yaml: document is too large')
  const node = resolveAlias(raw, state)
  if (isMap(node)) {
    const out: Record<string, unknown> = {}
    for (const source of mergeSources(node, state)) Object.assign(out, toAny(source, state))
    for (const pair of node.items) {
      if (isMergeKey(pair.key)) continue
      const keyNode = pair.key as Node | null
      const key = keyNode && isScalar(keyNode) ? scalarText(keyNode) : String(keyNode ?? '')
      out[key] = pair.value === null ? null : toAny(pair.value as Node, state)
    }
    return out
  }
  if (isSeq(node)) return node.items.map((item) => toAny(item as Node, state))
  if (isScalar(node)) {
    const v = node.value
    if (typeof v === 'bigint')
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
    if (v === undefined) return null
    return v
  }
  return null
}
