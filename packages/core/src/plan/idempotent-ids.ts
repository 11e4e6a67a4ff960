import { createHash } from 'node:crypto'
import type { JobSpec } from '../types.js'

// why: a fixed namespace makes the IDs stable across machines and versions (RFC 9562 name-based UUID, v5)
const NAMESPACE = Buffer.from('6f1e0b1c2d3a4e5f8a9b0c1d2e3f4a5b', 'hex')

/** A name-based UUID v5: the same name always gives the same ID; only `[0-9a-f-]`, so the daemon can route it. */
export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest()
  hash[6] = (hash[6]! & 0x0f) | 0x50
  hash[8] = (hash[8]! & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/**
 * Deterministic job IDs for an idempotency key: the same key and the same VM/output give the same ID,
 * so a retried submit meets `job with ID ... already exists` and attaches instead of exporting twice.
 * Order-independent: reordering the VM list keeps each VM's ID; a repeated VM gets an occurrence number.
 */
export function idempotentJobIds(
  key: string,
  jobs: readonly Pick<JobSpec, 'vmPath' | 'outputPath' | 'id'>[],
): string[] {
  const occurrences = new Map<string, number>()
  return jobs.map((job) => {
    if (job.id) return job.id
    const base = `${key}\u0000${job.vmPath}\u0000${job.outputPath}`
    const n = occurrences.get(base) ?? 0
    occurrences.set(base, n + 1)
    return uuidV5(`${base}\u0000${n}`)
  })
}
