import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { delimiter, isAbsolute, join, resolve } from 'node:path'
import type { Executor } from './executor.js'
import { defaultHyperctlPath } from './hyperctl-env.js'
import { HyperctlRunner } from './hyperctl-runner.js'

export interface DetectHyperctlOptions {
  /** A path (absolute, or relative to the working directory) or a bare name looked up on PATH. */
  hyperctlPath?: string
  env?: NodeJS.ProcessEnv
  executor?: Executor
  /** For the `-version` run; default 10 000. */
  timeoutMs?: number
}

export interface HyperctlDetection {
  /** true when an executable was found and answered `-version` with a version. */
  installed: boolean
  /** The absolute path found, also when it could not be run. */
  path?: string
  version?: string
  error?: string
}

const DEFAULT_TIMEOUT_MS = 10_000

/** Finds hyperctl the way the runner will run it and asks for its version. Never throws. */
export async function detectHyperctl(options: DetectHyperctlOptions = {}): Promise<HyperctlDetection> {
  const env = options.env ?? process.env
  const wanted = options.hyperctlPath ?? defaultHyperctlPath(env)
  const found = await findExecutable(wanted, env)
  if ('error' in found)
    return { installed: false, ...(found.path ? { path: found.path } : {}), error: found.error }
  const runner = new HyperctlRunner({
    hyperctlPath: found.path,
    env,
    commandTimeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.executor ? { executor: options.executor } : {}),
  })
  try {
    const { hyperctl } = await runner.version()
    return { installed: true, path: found.path, ...(hyperctl === undefined ? {} : { version: hyperctl }) }
  } catch (error) {
    return {
      installed: false,
      path: found.path,
      error: error instanceof Error ? error.message : String(error),
    }
  }
}

type Found = { path: string } | { path?: string; error: string }

async function findExecutable(name: string, env: NodeJS.ProcessEnv): Promise<Found> {
  if (name.trim() === '') return { error: 'the hyperctl path is empty' }
  const isWindows = process.platform === 'win32'
  const hasDirectory = name.includes('/') || (isWindows && name.includes('\\'))
  if (isAbsolute(name) || hasDirectory) {
    const path = resolve(name)
    const problem = await executableProblem(path)
    return problem === undefined ? { path } : { path, error: `${path} ${problem}` }
  }
  // why: `spawn` searches the child's PATH, so search that same PATH (Windows spells it Path)
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter((dir) => dir !== '')
  const extensions = isWindows ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';')] : ['']
  for (const dir of dirs) {
    for (const extension of extensions) {
      const path = resolve(join(dir, name + extension))
      if ((await executableProblem(path)) === undefined) return { path }
    }
  }
  return { error: `${name} was not found on PATH (${dirs.length} directories searched)` }
}

/** Why the file cannot be run, or undefined when it is an executable file. */
async function executableProblem(path: string): Promise<string | undefined> {
  try {
    if (!(await stat(path)).isFile()) return 'is not a file'
  } catch {
    return 'does not exist'
  }
  try {
    await access(path, constants.X_OK)
    return undefined
  } catch {
    return 'is not executable'
  }
}
