const MASK = '***'
const MIN_SECRET_LENGTH = 3

/**
 * Replaces every occurrence of each secret (of 3 characters or more) in a text, also in the escaped forms
 * a JSON or Go-encoded reply quotes it in (a password with `"` or `<` is printed as `\"` or `\u003c`).
 */
export function redactText(text: string, secrets: readonly (string | undefined)[]): string {
  return secretScrubber(secrets.filter((s): s is string => typeof s === 'string'))(text)
}

const SECRET_KEYS = new Set(['password', 'api_key', 'apikey', 'x-api-key', 'token', 'secret'])

/**
 * A deep copy with secret-named fields masked: the daemon echoes `vcenter.password`
 * in every job reply (HYPERCTL.md §8), and legacy `password` may appear too.
 */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(value)) {
      out[key] = SECRET_KEYS.has(key.toLowerCase()) && v !== '' && v !== null ? MASK : redactSecrets(v)
    }
    return out as T
  }
  return value
}

/**
 * A function that masks every secret in a text, in its raw, JSON-escaped and Go-escaped forms, in one
 * regular-expression pass: per-secret passes over every string of a 500-job reply cost seconds per poll.
 */
export function secretScrubber(secrets: readonly string[]): (text: string) => string {
  const variants = new Set<string>()
  for (const secret of new Set(secrets)) {
    const jsonInner = JSON.stringify(secret).slice(1, -1)
    // why: Go's encoder also escapes <, > and & as \u003c, \u003e, \u0026
    const goInner = jsonInner.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)
    // why: as redactText, shorter texts are not masked (they would mask half of every reply)
    for (const v of [secret, jsonInner, goInner]) if (v.length >= MIN_SECRET_LENGTH) variants.add(v)
  }
  if (variants.size === 0) return (text) => text
  // longest first: at each position the alternation takes the first that matches, so a secret that
  // contains another is masked whole
  const pattern = new RegExp(
    [...variants]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'g',
  )
  return (text) => text.replace(pattern, MASK)
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}
