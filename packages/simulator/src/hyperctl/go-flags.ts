import { goQuote } from '../go/go-format.js'

/** Go's flag package (ExitOnError) for hyperctl's global and per-command flag sets. */

export interface FlagSpec {
  name: string
  kind: 'string' | 'bool'
  usage: string
  /** Go default value text; a non-empty default is shown in the usage block. */
  defaultValue?: string
}

export type FlagParse =
  | { ok: true; values: Map<string, string | boolean>; rest: string[] }
  | { ok: false; exitCode: 0 | 2; stderr: string }

/** The usage block FlagSet.PrintDefaults writes, preceded by `Usage of <name>:`. */
export function usageBlock(name: string, specs: readonly FlagSpec[]): string {
  let out = `Usage of ${name}:\n`
  for (const spec of [...specs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    let line = `  -${spec.name}`
    if (spec.kind === 'string') line += ' string'
    // why: Go puts a one-letter bool flag's usage on the same line
    line += line.length <= 4 ? '\t' : '\n    \t'
    line += spec.usage.replaceAll('\n', '\n    \t')
    if (spec.defaultValue)
      line +=
        spec.kind === 'string'
          ? ` (default ${goQuote(spec.defaultValue)})`
          : ` (default ${spec.defaultValue})`
    out += `${line}\n`
  }
  return out
}

// strconv.ParseBool's words
const TRUE_WORDS = ['1', 't', 'T', 'TRUE', 'true', 'True']
const FALSE_WORDS = ['0', 'f', 'F', 'FALSE', 'false', 'False']

/** FlagSet.Parse: stops at the first non-flag argument or after `--`. */
export function parseFlags(setName: string, specs: readonly FlagSpec[], args: readonly string[]): FlagParse {
  const values = new Map<string, string | boolean>()
  for (const spec of specs)
    values.set(spec.name, spec.kind === 'bool' ? spec.defaultValue === 'true' : (spec.defaultValue ?? ''))
  const failure = (message: string): FlagParse => ({
    ok: false,
    exitCode: 2,
    stderr: `${message}\n${usageBlock(setName, specs)}`,
  })
  let rest = [...args]
  while (rest.length > 0) {
    const s = rest[0]!
    if (s.length < 2 || s[0] !== '-') break
    rest = rest.slice(1)
    if (s === '--') break
    const body = s.slice(s[1] === '-' ? 2 : 1)
    if (body === '' || body[0] === '-' || body[0] === '=') return failure(`bad flag syntax: ${s}`)
    const eq = body.indexOf('=', 1)
    const name = eq > 0 ? body.slice(0, eq) : body
    let value = eq > 0 ? body.slice(eq + 1) : undefined
    const spec = specs.find((f) => f.name === name)
    if (!spec) {
      if (name === 'help' || name === 'h')
        return { ok: false, exitCode: 0, stderr: usageBlock(setName, specs) }
      return failure(`flag provided but not defined: -${name}`)
    }
    if (spec.kind === 'bool') {
      if (value !== undefined && !TRUE_WORDS.includes(value) && !FALSE_WORDS.includes(value))
        return failure(`invalid boolean value ${goQuote(value)} for -${name}: parse error`)
      values.set(name, value === undefined || TRUE_WORDS.includes(value))
      continue
    }
    if (value === undefined) {
      if (rest.length === 0) return failure(`flag needs an argument: -${name}`)
      value = rest[0]!
      rest = rest.slice(1)
    }
    values.set(name, value)
  }
  return { ok: true, values, rest }
}

export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { name: 'daemon', kind: 'string', usage: 'Daemon URL', defaultValue: 'http://localhost:8080' },
  { name: 'version', kind: 'bool', usage: 'Show version' },
]

export const SUBMIT_FLAGS: readonly FlagSpec[] = [
  { name: 'file', kind: 'string', usage: 'Job file (JSON/YAML)' },
  { name: 'vm', kind: 'string', usage: 'VM path' },
  { name: 'output', kind: 'string', usage: 'Output directory' },
]

export const QUERY_FLAGS: readonly FlagSpec[] = [
  { name: 'all', kind: 'bool', usage: 'Query all jobs' },
  { name: 'id', kind: 'string', usage: 'Query specific job ID' },
  { name: 'status', kind: 'string', usage: 'Filter by status (running,completed,failed)' },
]

export const STATUS_FLAGS: readonly FlagSpec[] = []

export const CANCEL_FLAGS: readonly FlagSpec[] = [
  { name: 'id', kind: 'string', usage: 'Job ID to cancel (comma-separated for multiple)' },
]
