import { redactSecretFields, redactSecrets, secretScrubber } from '../text/redact.js'

/**
 * A parsed reply with secret-named fields masked (redactSecrets) and, beyond that, every
 * occurrence of those secrets' values and of `known` secrets removed from all other strings:
 * the daemon echoes `vcenter.password` in every job reply (docs/hyperctl.md#defect-password-echo), and an error
 * text could quote it too. Also returns the secrets found, for redacting the raw text.
 */
export function scrubReply(parsed: unknown, known: readonly string[]): { value: unknown; secrets: string[] } {
  const masked = redactSecrets(parsed)
  const found = [...known]
  collectMasked(parsed, masked, found)
  // why: a reply of N jobs echoes N passwords, usually the same one; unique, so the work stays linear in N
  const secrets = [...new Set(found)]
  const scrub = secretScrubber(secrets)
  // why: an error text can quote a body or a URL of its own (`{"token":"..."}`, `?api_key=...`)
  return { value: mapStrings(masked, (text) => scrub(redactSecretFields(text))), secrets }
}

/** Raw reply text safe to put into an error: secret-named fields masked, known secrets removed. */
export function redactBodyText(text: string, secrets: readonly string[]): string {
  return secretScrubber(secrets)(redactSecretFields(text))
}

function collectMasked(original: unknown, masked: unknown, out: string[]): void {
  if (Array.isArray(original) && Array.isArray(masked)) {
    for (const [i, item] of original.entries()) collectMasked(item, masked[i], out)
    return
  }
  if (isRecord(original) && isRecord(masked)) {
    for (const [key, value] of Object.entries(original)) {
      const after = masked[key]
      if (after !== value && typeof after === 'string') {
        collectValues(value, out)
      } else {
        collectMasked(value, after, out)
      }
    }
  }
}

function collectValues(value: unknown, out: string[]): void {
  if (Array.isArray(value)) for (const item of value) collectValues(item, out)
  else if (isRecord(value)) for (const item of Object.values(value)) collectValues(item, out)
  else if (typeof value === 'string') out.push(value)
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value))
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
