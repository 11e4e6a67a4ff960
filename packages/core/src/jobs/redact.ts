const MASK = '***'

/** Replaces every occurrence of each secret (of 3 characters or more) in a text. */
export function redactText(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret && secret.length >= 3) out = out.split(secret).join(MASK)
  }
  return out
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
