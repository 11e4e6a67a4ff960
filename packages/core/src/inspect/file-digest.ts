import { createHash, type Hash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { OperationAbortedError } from '../errors.js'
import type { DigestAlgorithm } from './manifest.js'

export interface FileDigest {
  /** Bytes read, which is the size the digests cover. */
  size: number
  /** Lower-case hex by algorithm; always `sha256`, plus any other asked for. */
  digests: Partial<Record<DigestAlgorithm, string>> & { sha256: string }
}

// why: one reused 1 MiB buffer keeps memory flat whatever the file size, and is large enough that the
// hash, not the read calls, sets the pace (see bench/run.mjs)
const CHUNK = 1024 * 1024

/** Reads a file once, streaming, and digests it with SHA-256 and every other algorithm asked for. */
export async function digestFile(
  path: string,
  options: { algorithms?: readonly DigestAlgorithm[]; signal?: AbortSignal } = {},
): Promise<FileDigest> {
  const algorithms = [...new Set<DigestAlgorithm>(['sha256', ...(options.algorithms ?? [])])]
  const hashes = algorithms.map((a) => [a, createHash(a)] as [DigestAlgorithm, Hash])
  const buffer = Buffer.allocUnsafe(CHUNK)
  const handle = await open(path, 'r')
  let size = 0
  try {
    for (;;) {
      if (options.signal?.aborted) throw new OperationAbortedError('hashing the export')
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null)
      if (bytesRead === 0) break
      const chunk = buffer.subarray(0, bytesRead)
      for (const [, hash] of hashes) hash.update(chunk)
      size += bytesRead
    }
  } finally {
    await handle.close()
  }
  const digests = Object.fromEntries(hashes.map(([a, h]) => [a, h.digest('hex')]))
  return { size, digests: digests as FileDigest['digests'] }
}
