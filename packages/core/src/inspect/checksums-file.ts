import { rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { insideDir } from './locate-file.js'

/** One line of a `SHA256SUMS` file for `name` (relative to the file), exactly as `sha256sum` writes it. */
export function sha256sumLine(sha256: string, name: string): string {
  // why: sha256sum escapes a name holding a backslash, a newline or a carriage return, and marks the line
  // with a leading backslash; `sha256sum -c` undoes it
  if (/[\\\n\r]/.test(name)) {
    const escaped = name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    return `\\${sha256}  ${escaped}\n`
  }
  return `${sha256}  ${name}\n`
}

/** The whole `SHA256SUMS` text: one line per file, in the order given. */
export function sha256sums(files: readonly { name: string; sha256: string }[]): string {
  return files.map((f) => sha256sumLine(f.sha256, f.name)).join('')
}

export const CHECKSUMS_FILE = 'SHA256SUMS'

/**
 * Writes `SHA256SUMS` into `directory` for the hashed files inside it (names relative to it, so
 * `cd directory && sha256sum -c SHA256SUMS` checks them). Written to a temporary name and renamed, so a
 * reader never sees half a file. Returns its path.
 */
export async function writeChecksumsFile(
  directory: string,
  files: readonly { path: string; sha256?: string }[],
): Promise<string> {
  const lines = files.flatMap((f) => {
    const name = f.sha256 === undefined ? undefined : insideDir(directory, f.path)
    return name === undefined ? [] : [{ name, sha256: f.sha256! }]
  })
  const target = join(directory, CHECKSUMS_FILE)
  const temporary = `${target}.${process.pid}.tmp`
  await writeFile(temporary, sha256sums(lines), { mode: 0o644 })
  try {
    await rename(temporary, target)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
  return target
}
