import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url))
export const HYPERCTL_SIM = fileURLToPath(
  new URL('../../../simulator/dist/bin/hyperctl-sim.js', import.meta.url),
)

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliRun {
  child: ChildProcess
  /** Resolves with the first match of `pattern` in stderr (as it arrives), or rejects when the process ends first. */
  waitForStderr(pattern: RegExp): Promise<RegExpExecArray>
  done: Promise<CliResult>
}

const KILL_AFTER_MS = 25_000

/**
 * Starts `node dist/bin.js …` with only PATH from our environment (no HYPERVISORD_* or NO_COLOR leaks in),
 * stdout and stderr as pipes, and a hard kill after 25 s so no test can hang.
 */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, input?: string): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  const watchers = new Set<() => void>()
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
    for (const watcher of watchers) watcher()
  })
  if (input !== undefined) child.stdin!.end(input)
  else child.stdin!.end()
  const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS)
  let ended = false
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      ended = true
      for (const watcher of watchers) watcher()
      resolve({ code, signal, stdout, stderr })
    })
  })
  const waitForStderr = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stderr)
        if (match) {
          watchers.delete(check)
          resolve(match)
        } else if (ended) {
          watchers.delete(check)
          reject(new Error(`the CLI ended before stderr matched ${pattern}:\n${stderr}`))
        }
      }
      watchers.add(check)
      check()
    })
  return { child, waitForStderr, done }
}

export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  input?: string,
): Promise<CliResult> {
  return startCli(args, env, input).done
}

/** A port nothing listens on: bound once, then closed. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net')
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export const ESCAPE = /\x1b|\u009b/
