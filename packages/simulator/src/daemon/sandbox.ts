import { lstatSync, mkdirSync, realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'

/**
 * Where the simulator may write. A test or demo hands it output paths meant for a real daemon's host
 * (`/srv/exports/...`); the simulator must never write them on the machine it runs on.
 *   root:          every output path, absolute or relative, is placed under `root` and must stay there
 *   no root:       relative paths resolve against `cwd`; absolute ones must lie in the system temp
 *                  directory unless `allowAnyPath`
 */
export interface SandboxOptions {
  root?: string
  cwd: string
  allowAnyPath: boolean
}

/** A refused output path; the message is the cause as a Go error would word it. */
export class SandboxError extends Error {}

/**
 * Creates the directory for a job's output (as os.MkdirAll) where the sandbox allows it and returns
 * it; throws a SandboxError saying why not, or the file system's error.
 */
export function prepareOutputDir(requested: string, o: SandboxOptions): string {
  const { dir, base, what } = place(requested, o)
  if (base !== undefined) confine(requested, dir, base, what)
  mkdirSync(dir, { recursive: true, mode: 0o755 })
  // why: a symbolic link made between the check and the mkdir would lead the writes out
  if (base !== undefined) confine(requested, dir, base, what)
  return dir
}

function place(requested: string, o: SandboxOptions): { dir: string; base?: string; what: string } {
  if (o.root !== undefined) {
    const base = resolve(o.root)
    const dir = resolve(join(base, requested))
    const what = `the simulator root ${base}`
    if (!within(dir, base)) throw new SandboxError(`output path ${JSON.stringify(requested)} escapes ${what}`)
    mkdirSync(base, { recursive: true })
    return { dir, base, what }
  }
  const dir = resolve(o.cwd, requested)
  if (o.allowAnyPath || !isAbsolute(requested)) return { dir, what: '' }
  const base = resolve(tmpdir())
  const what = `the system temp directory ${base}`
  if (!within(dir, base) && !within(dir, realpathSync(base))) {
    throw new SandboxError(
      `output path ${JSON.stringify(requested)} is outside ${what}: start the simulator with a root ` +
        '(--root DIR, option root) or allow any path (--allow-any-path, option allowAnyPath)',
    )
  }
  return { dir, base, what }
}

/** The deepest existing part of `dir` must resolve (through any symbolic link) inside `base`. */
function confine(requested: string, dir: string, base: string, what: string): void {
  const realBase = realpathSync(base)
  let probe = dir
  // bounded: each step removes one path element, and the root of the file system exists
  while (!exists(probe)) probe = dirname(probe)
  let real: string
  try {
    real = realpathSync(probe)
  } catch {
    real = probe // a dangling link: mkdir will fail on it with the file system's own error
  }
  if (!within(real, realBase)) {
    throw new SandboxError(
      `output path ${JSON.stringify(requested)} leaves ${what} through a symbolic link (${probe} -> ${real})`,
    )
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path)
    return true
  } catch {
    return dirname(path) === path
  }
}

function within(path: string, base: string): boolean {
  const rel = relative(base, path)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}
