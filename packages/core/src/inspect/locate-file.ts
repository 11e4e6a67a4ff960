import { lstat, realpath, stat } from 'node:fs/promises'
import { isAbsolute, join, relative, sep } from 'node:path'

/** A file of the export found inside its directory, or what keeps it from being one. */
export type Located =
  | { found: true; path: string; size: number }
  | { found: false; path: string; problem: string }

const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/

/**
 * Why `name` (a descriptor href or a manifest entry) cannot name a file inside the export directory, or
 * undefined when it can. Pure: the file system is asked only afterwards.
 */
export function hrefProblem(name: string): string | undefined {
  if (name === '') return 'the name is empty'
  if (name.includes('\0')) return 'the name holds a NUL byte'
  if (URI_SCHEME.test(name)) return 'refers to a URL, not a file of the export'
  if (isAbsolute(name) || name.startsWith('\\')) return 'is an absolute path, outside the output directory'
  if (name.split(/[/\\]/).includes('..')) return 'climbs out of the output directory (..)'
  return undefined
}

/** `path` relative to `dir` when it lies inside it, else undefined. */
export function insideDir(dir: string, path: string): string | undefined {
  const rel = relative(dir, path)
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined
  return rel
}

/**
 * Finds `name` in `dir` (whose real path is `realDir`): it must exist, resolve (through any symbolic link)
 * to a place inside the directory, and be a regular file.
 */
export async function locateInside(dir: string, realDir: string, name: string): Promise<Located> {
  const path = join(dir, name)
  const bad = hrefProblem(name)
  if (bad) return { found: false, path, problem: bad }
  try {
    await lstat(path)
  } catch (error) {
    return { found: false, path, problem: missingText(error) }
  }
  let real: string
  try {
    real = await realpath(path)
  } catch (error) {
    return { found: false, path, problem: `is a symbolic link to nothing (${codeOf(error)})` }
  }
  if (insideDir(realDir, real) === undefined) {
    return { found: false, path, problem: `resolves outside the output directory (to ${real})` }
  }
  const info = await stat(real)
  if (!info.isFile()) return { found: false, path, problem: 'is not a regular file' }
  return { found: true, path, size: info.size }
}

function missingText(error: unknown): string {
  const code = codeOf(error)
  return code === 'ENOENT' || code === 'ENOTDIR' ? 'is missing' : `cannot be read (${code})`
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error)
}
