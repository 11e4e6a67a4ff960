// How a daemon field's value is read from a job file, as Go would decode it into the field's type: JSON
// values as they are, YAML scalars (read as text) by gopkg.in/yaml.v3's rules for that type.

export type JobFileFormat = 'json' | 'yaml'

// why: gopkg.in/yaml.v3 (the daemon's decoder) takes these for a bool field (docs/hyperctl.md#job-files)
const YAML_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'])
const YAML_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'])
export const YAML_NULL = new Set(['', '~', 'null', 'Null', 'NULL'])

export function readStringField(
  value: unknown,
  format: JobFileFormat,
  label: string,
  fail: (what: string) => never,
): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') {
    // why: YAML is read with the failsafe schema, so an empty or null scalar arrives as text
    if (format === 'yaml' && YAML_NULL.has(value)) return undefined
    return value
  }
  return fail(`${label} is ${describe(value)}, not a string`)
}

export function readBooleanField(
  value: unknown,
  format: JobFileFormat,
  label: string,
  fail: (what: string) => never,
): boolean | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'boolean') return value
  if (format === 'yaml' && typeof value === 'string') {
    if (YAML_TRUE.has(value)) return true
    if (YAML_FALSE.has(value)) return false
    if (YAML_NULL.has(value)) return undefined
  }
  return fail(`${label} is ${describe(value)}, not true or false`)
}

export function readIntField(
  value: unknown,
  format: JobFileFormat,
  label: string,
  fail: (what: string) => never,
): number | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value
  if (format === 'yaml' && typeof value === 'string') {
    if (YAML_NULL.has(value)) return undefined
    // why: yaml.v3 truncates a number with a fraction into an int field
    if (/^[-+]?\d+(\.\d*)?$/.test(value)) {
      const n = Math.trunc(Number(value))
      if (Number.isSafeInteger(n)) return n
    }
  }
  return fail(`${label} is ${describe(value)}, not a whole number`)
}

export function lowerCaseKeys(value: unknown, depth = 0): unknown {
  // why: Go's encoding/json matches keys case-insensitively; every daemon field name is lower case
  if (depth > 3) return value
  if (Array.isArray(value)) return value.map((v) => lowerCaseKeys(v, depth + 1))
  if (!isRecord(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    const lower = key.toLowerCase()
    if (!(lower in out) || key === lower) out[lower] = key === 'metadata' ? v : lowerCaseKeys(v, depth + 1)
  }
  return out
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return 'a string'
  return `a ${typeof value}`
}
