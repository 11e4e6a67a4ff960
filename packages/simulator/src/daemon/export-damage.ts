import { createHash } from 'node:crypto'
import { closeSync, openSync, readSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs'
import { basename } from 'node:path'

/**
 * What `control.damageNextExport` does to the files of the next export that completes, after they were
 * written (the daemon still reports the job completed: that is the point):
 *   short-disk          disk 0 truncated by one sector, the descriptor still naming its full size
 *   missing-disk        disk 0 deleted
 *   missing-descriptor  the .ovf deleted
 *   corrupt-byte        one byte of disk 0 flipped, its size unchanged (implies a manifest)
 *   manifest-mismatch   a wrong digest for disk 0 in the .mf (implies a manifest)
 *   reference-outside   the descriptor references `../outside.vmdk` instead of disk 0 (not created)
 */
export const SIM_EXPORT_DAMAGES = [
  'short-disk',
  'missing-disk',
  'missing-descriptor',
  'corrupt-byte',
  'manifest-mismatch',
  'reference-outside',
] as const
export type SimExportDamage = (typeof SIM_EXPORT_DAMAGES)[number]

/** Damages that only a manifest can reveal, so they make the simulator write one. */
export function damageNeedsManifest(damage: SimExportDamage | undefined): boolean {
  return damage === 'corrupt-byte' || damage === 'manifest-mismatch'
}

/** SHA-256 of a file, read in 1 MiB pieces so a large disk costs no memory. */
export function sha256File(path: string): string {
  const hash = createHash('sha256')
  const chunk = Buffer.alloc(1024 * 1024)
  const fd = openSync(path, 'r')
  try {
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) hash.update(chunk.subarray(0, n))
  } finally {
    closeSync(fd)
  }
  return hash.digest('hex')
}

/** ovftool's manifest: one `SHA256(<file name>)= <hex>` line per file, descriptor first. */
export function manifestText(files: readonly string[], wrongDigestFor?: string): string {
  return files
    .map((path) => {
      let digest = sha256File(path)
      if (path === wrongDigestFor) digest = `${digest[0] === '0' ? '1' : '0'}${digest.slice(1)}`
      return `SHA256(${basename(path)})= ${digest}\n`
    })
    .join('')
}

/**
 * Applies a damage to the written files. manifest-mismatch and reference-outside need nothing more:
 * both are written that way (the digest, the descriptor), before the manifest is taken.
 */
export function damageFiles(damage: SimExportDamage, ovfPath: string, disk0: string): void {
  if (damage === 'short-disk') truncateSync(disk0, Math.max(0, statSync(disk0).size - 512))
  else if (damage === 'missing-disk') rmSync(disk0)
  else if (damage === 'missing-descriptor') rmSync(ovfPath)
  else if (damage === 'corrupt-byte') {
    const fd = openSync(disk0, 'r+')
    try {
      const at = Math.floor(statSync(disk0).size / 2)
      const byte = Buffer.alloc(1)
      readSync(fd, byte, 0, 1, at)
      byte[0] = (byte[0] ?? 0) ^ 0xff
      writeSync(fd, byte, 0, 1, at)
    } finally {
      closeSync(fd)
    }
  }
}
