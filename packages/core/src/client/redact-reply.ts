import { redactSecrets, secretScrubber } from '../jobs/redact.js'

/**
 * A parsed reply with secret-named fields masked (redactSecrets) and, beyond that, every
 * occurrence of those secrets' values and of `known` secrets removed from all other strings:
 * the daemon echoes `vcenter.password` in every job reply (HYPERCTL.md §7.2), and an error
 * text could quote it too. Also returns the secrets found, for redacting the raw text.
 */
export function scrubReply(parsed: unknown, known: readonly string[]): { value: unknown; secrets: string[] } {
  const masked = redactSecrets(parsed)
  const found = [...known]
  collectMasked(parsed, masked, found)
  // why: a reply of N jobs echoes N passwords, usually the same one; unique, so the work stays linear in N
  const secrets = [...new Set(found)]
  return { value: mapStrings(masked, secretScrubber(secrets)), secrets }
}

// why: a body we cannot parse (cut off, not JSON) may still hold `"password":"..."`, and the secret
// values are not known then; this mirrors redactSecrets' key names for JSON text
const SECRET_FIELD = /("(?:password|api_key|apikey|x-api-key|token|secret)"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|$)/gi

/** Raw reply text safe to put into an error: secret JSON fields masked, known secrets removed. */
export function redactBodyText(text: string, secrets: readonly string[]): string {
  return secretScrubber(secrets)(text.replace(SECRET_FIELD, '$1"***"'))
}

function collectMasked(original: unknown, masked: unknown, out: string[]): void {
  if (Array.isArray(original) && Array.isArray(masked)) {
    for (const [i, item] of original.entries()) collectMasked(item, masked[i], out)
    return
  }
  if (isRecord(original) && isRecord(masked)) {
    for (const [key, value] of Object.entries(original)) {
      const after = masked[key]
      if (after !== value && typeof after === 'string' && !isRecord(value) && !Array.isArray(value)) {
        if (value !== undefined) out.push(typeof value === 'string' ? value : JSON.stringify(value))
      } else {
        collectMasked(value, after, out)
      }
    }
  }
}

function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value)
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn))
  if (isRecord(value)) {
    const out: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(value)) out[key] = mapStrings(v, fn)
    return out
  }
  return value
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
