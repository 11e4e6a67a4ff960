import { spawn } from 'node:child_process'
import { CHILD_OWN_GROUP, killChildGroup } from '../deadline.js'
import { HyperctlNotInstalledError } from '../errors.js'

export interface ExecOptions {
  env?: NodeJS.ProcessEnv
  /** Ends the child (SIGTERM, then SIGKILL after the grace) once this many ms have passed. */
  timeoutMs?: number
  /** Ends the child the same way when aborted. */
  signal?: AbortSignal
  cwd?: string
}

export interface ExecResult {
  stdout: Buffer
  stderr: Buffer
  /** null when the child was ended by a signal. */
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  aborted: boolean
  /** The child's process ID (absent when it was never started). */
  pid?: number
  /** true when the child printed more than the executor keeps; it was then ended. */
  truncated?: boolean
}

/** Runs a program without a shell and collects its output as bytes. */
export interface Executor {
  run(file: string, args: readonly string[], options: ExecOptions): Promise<ExecResult>
}

export interface NodeExecutorOptions {
  /** Between SIGTERM and SIGKILL; default 500 (it adds to how far a run may overrun its deadline). */
  killGraceMs?: number
  /** Per stream; default 64 MiB. More output ends the child. */
  maxOutputBytes?: number
}

const DEFAULT_KILL_GRACE_MS = 500
const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024
// why: these mean the program itself cannot be started, not that it ran and failed
const NOT_RUNNABLE = new Set([
  'ENOENT',
  'EACCES',
  'ENOTDIR',
  'EISDIR',
  'ENOEXEC',
  'ELOOP',
  'ENAMETOOLONG',
  'EPERM',
])

/** An Executor on node:child_process `spawn` (no shell, stdin closed). */
export function createNodeExecutor(options: NodeExecutorOptions = {}): Executor {
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES
  return {
    run: (file, args, runOptions) => runChild(file, args, runOptions, killGraceMs, maxOutputBytes),
  }
}

export const nodeExecutor: Executor = createNodeExecutor()

function runChild(
  file: string,
  args: readonly string[],
  options: ExecOptions,
  killGraceMs: number,
  maxOutputBytes: number,
): Promise<ExecResult> {
  const { signal, timeoutMs } = options
  if (signal?.aborted) {
    return Promise.resolve({
      stdout: Buffer.alloc(0),
      stderr: Buffer.alloc(0),
      exitCode: null,
      signal: null,
      timedOut: false,
      aborted: true,
    })
  }
  return new Promise<ExecResult>((resolve, reject) => {
    const child = spawn(file, [...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      // why: its own process group, so a timeout also ends anything it started that holds our pipes
      detached: CHILD_OWN_GROUP,
    })
    const stdout = new Collector(maxOutputBytes)
    const stderr = new Collector(maxOutputBytes)
    let timedOut = false
    let aborted = false
    let terminating = false
    let settled = false
    let timeoutTimer: NodeJS.Timeout | undefined
    let killTimer: NodeJS.Timeout | undefined
    let closeTimer: NodeJS.Timeout | undefined

    const sendSignal = (sig: NodeJS.Signals) => killChildGroup(child, sig)
    const terminate = () => {
      if (terminating) return
      terminating = true
      sendSignal('SIGTERM')
      killTimer = setTimeout(() => sendSignal('SIGKILL'), killGraceMs)
    }
    const onAbort = () => {
      aborted = true
      terminate()
    }
    const cleanUp = () => {
      settled = true
      clearTimeout(timeoutTimer)
      clearTimeout(killTimer)
      clearTimeout(closeTimer)
      signal?.removeEventListener('abort', onAbort)
    }
    const onData = (collector: Collector) => (chunk: Buffer) => {
      if (!collector.add(chunk)) terminate()
    }

    child.stdout.on('data', onData(stdout))
    child.stderr.on('data', onData(stderr))
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return
      if (child.pid === undefined) {
        // the program never started: no 'close' follows that we could wait for
        cleanUp()
        const code = error.code ?? ''
        reject(
          NOT_RUNNABLE.has(code)
            ? new HyperctlNotInstalledError(file, describeSpawnError(code, error.message), { cause: error })
            : error,
        )
      }
      // a kill or pipe error on a running child: 'close' still comes
    })
    child.on('exit', () => {
      // why: a grandchild that inherited stdout would keep 'close' from ever coming; end it and stop reading
      closeTimer = setTimeout(() => {
        sendSignal('SIGKILL')
        child.stdout.destroy()
        child.stderr.destroy()
      }, killGraceMs)
    })
    child.on('close', (code, sig) => {
      if (settled) return
      cleanUp()
      resolve({
        stdout: stdout.bytes(),
        stderr: stderr.bytes(),
        exitCode: code,
        signal: sig,
        timedOut,
        aborted,
        pid: child.pid,
        truncated: stdout.truncated || stderr.truncated,
      })
    })

    if (timeoutMs !== undefined && timeoutMs > 0 && Number.isFinite(timeoutMs)) {
      timeoutTimer = setTimeout(() => {
        timedOut = true
        terminate()
      }, timeoutMs)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

class Collector {
  readonly #max: number
  readonly #chunks: Buffer[] = []
  #size = 0
  truncated = false

  constructor(max: number) {
    this.#max = max
  }

  /** Keeps the chunk up to the cap; false once the cap is passed. */
  add(chunk: Buffer): boolean {
    if (this.truncated) return false
    const room = this.#max - this.#size
    if (chunk.length > room) {
      this.#chunks.push(chunk.subarray(0, room))
      this.#size = this.#max
      this.truncated = true
      return false
    }
    this.#chunks.push(chunk)
    this.#size += chunk.length
    return true
  }

  bytes(): Buffer {
    return Buffer.concat(this.#chunks, this.#size)
  }
}

function describeSpawnError(code: string, message: string): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file (not found on PATH, or the path does not exist)'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (not an executable file, or a directory)'
    default:
      return `${code}: ${message}`
  }
}
