import { type ChildProcess, spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const packageDir = fileURLToPath(new URL('../../', import.meta.url))
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))
export const hyperctlSimPath = join(repoRoot, 'packages/simulator/dist/bin/hyperctl-sim.js')

export interface ActionRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** GITHUB_OUTPUT as the runner reads it: the last value of each name wins. */
  outputs: Record<string, string>
  /** GITHUB_STATE, for STATE_* of the post step. */
  state: Record<string, string>
  summary: string
}

export interface RunningAction {
  readonly child: ChildProcess
  readonly pid: number
  /** stdout so far. */
  stdout(): string
  /** GITHUB_OUTPUT so far. */
  outputs(): Promise<Record<string, string>>
  readonly done: Promise<ActionRun>
}

/**
 * The inputs and env that point the action at a daemon (the simulator) through one transport: on the cli
 * transport, hyperctl-sim told where the daemon is.
 */
export function connection(
  transport: 'api' | 'cli',
  daemon: { url: string },
  extraEnv: Record<string, string> = {},
): { inputs: Record<string, string>; env: Record<string, string> } {
  return transport === 'api'
    ? { inputs: { 'daemon-url': daemon.url, transport: 'api' }, env: extraEnv }
    : {
        inputs: { 'daemon-url': daemon.url, transport: 'cli', 'hyperctl-path': hyperctlSimPath },
        env: { HYPERCTL_SIM_DAEMON_URL: daemon.url, ...extraEnv },
      }
}

/** The inputs action.yml declares, with their defaults (what the runner passes when a step omits one). */
export async function actionDefaults(): Promise<Record<string, string>> {
  const action = parse(await readFile(join(repoRoot, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: unknown }>
  }
  return Object.fromEntries(
    Object.entries(action.inputs).map(([name, spec]) => [
      name,
      spec.default === undefined ? '' : String(spec.default),
    ]),
  )
}

/** Reads a runner file-command file (`name<<DELIM` … `DELIM`, or `name=value`); later values win. */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line === '') continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!)
      if (i >= lines.length) throw new Error(`unterminated value for ${name}`)
      out[name!] = value.join('\n')
    } else {
      const eq = line.indexOf('=')
      if (eq < 0) throw new Error(`unreadable file-command line ${JSON.stringify(line)}`)
      out[line.slice(0, eq)] = line.slice(eq + 1)
    }
  }
  return out
}

/**
 * Runs the bundled action the way the runner does: `node dist/<entry>/index.js` with INPUT_<NAME> (upper
 * case, hyphens kept, defaults from action.yml) and fresh GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY
 * files per step, in one temp directory per test that stands for the runner's machine.
 */
export class ActionHarness {
  readonly dir: string
  readonly runnerTemp: string
  readonly workspace: string
  #steps = 0

  private constructor(dir: string) {
    this.dir = dir
    this.runnerTemp = join(dir, 'runner-temp')
    this.workspace = join(dir, 'workspace')
  }

  static async create(): Promise<ActionHarness> {
    const harness = new ActionHarness(await mkdtemp(join(tmpdir(), 'action-e2e-')))
    await mkdir(harness.runnerTemp)
    await mkdir(harness.workspace)
    return harness
  }

  async start(
    entry: 'main' | 'post',
    inputs: Record<string, string>,
    options: { env?: Record<string, string>; state?: Record<string, string> } = {},
  ): Promise<RunningAction> {
    const step = join(this.dir, `step-${++this.#steps}-${entry}`)
    await mkdir(step)
    const files = {
      GITHUB_OUTPUT: join(step, 'output'),
      GITHUB_STATE: join(step, 'state'),
      GITHUB_STEP_SUMMARY: join(step, 'summary'),
    }
    for (const file of Object.values(files)) await writeFile(file, '')
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.dir,
      RUNNER_TEMP: this.runnerTemp,
      GITHUB_WORKSPACE: this.workspace,
      GITHUB_ACTIONS: 'true',
      ...files,
      ...options.env,
    }
    const given = { ...(await actionDefaults()), ...inputs }
    for (const [name, value] of Object.entries(given))
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
    for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value

    const child = spawn(process.execPath, [join(packageDir, 'dist', entry, 'index.js')], {
      cwd: this.workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    const done = new Promise<ActionRun>((resolve, reject) => {
      child.on('error', reject)
      child.on('close', async (code, signal) => {
        try {
          resolve({
            code,
            signal,
            stdout,
            stderr,
            outputs: parseFileCommands(await readFile(files.GITHUB_OUTPUT, 'utf8')),
            state: parseFileCommands(await readFile(files.GITHUB_STATE, 'utf8')),
            summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
          })
        } catch (error) {
          reject(error)
        }
      })
    })
    return {
      child,
      pid: child.pid!,
      stdout: () => stdout,
      outputs: async () => parseFileCommands(await readFile(files.GITHUB_OUTPUT, 'utf8')),
      done,
    }
  }

  async run(
    entry: 'main' | 'post',
    inputs: Record<string, string>,
    options: { env?: Record<string, string>; state?: Record<string, string> } = {},
  ): Promise<ActionRun> {
    return (await this.start(entry, inputs, options)).done
  }

  /** Every file under the harness directory with its text, for secret scans. */
  async allFiles(dir = this.dir): Promise<Array<{ path: string; text: string }>> {
    const out: Array<{ path: string; text: string }> = []
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) out.push(...(await this.allFiles(path)))
      else out.push({ path, text: await readFile(path, 'latin1') })
    }
    return out
  }
}

/** Polls `check` until it returns a value (not undefined/false); bounded in time, for conditions only. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (let round = 0; round < 100_000; round++) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) break
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`timed out waiting for ${what}`)
}
