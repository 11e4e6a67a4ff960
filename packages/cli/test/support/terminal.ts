import { type ChildProcess, spawn } from 'node:child_process'
import { stripVTControlCharacters } from 'node:util'
import { BIN } from './cli-process.js'

/**
 * The lines a terminal shows after `text`: cursor up, carriage return, erase line and erase below are
 * applied, colours dropped. Enough for the live display, which moves only with these.
 */
export function screen(text: string): string[] {
  const lines: string[] = []
  let row = 0
  for (const part of text.split(/(\x1b\[\d*[A-Za-z]|\x1b\[\?25[lh]|\r|\n)/)) {
    const up = /^\x1b\[(\d+)A$/.exec(part)
    if (up) row -= Number(up[1])
    else if (part === '\n') row++
    else if (part === '\x1b[2K') lines[row] = ''
    else if (part === '\x1b[J') lines.length = row
    else if (part === '' || part === '\r' || part.startsWith('\x1b')) continue
    else lines[row] = (lines[row] ?? '') + part
  }
  return lines.map((l) => stripVTControlCharacters(l))
}

/** Single-quoted for sh: `script -c` takes one command line, so each argument is quoted whole. */
export function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`
}

export interface PtyRun {
  child: ChildProcess
  /** Everything the terminal received so far (stdout and stderr share it, as on a real terminal). */
  text(): string
  /** Resolves once `check` holds for the text so far; rejects when the process ends first. */
  until<T>(check: (text: string) => T | undefined | false, what: string): Promise<T>
  /** Writes keys to the terminal, as typed. */
  type(keys: string): void
  done: Promise<{ code: number | null; text: string }>
}

const KILL_AFTER_MS = 25_000

/**
 * Runs `command` (an argv) on a pseudo-terminal of `columns`×`rows` through util-linux `script`, with only
 * PATH and `env` in its environment. Every loop here ends: the process is killed after 25 s.
 */
export function onPty(
  command: readonly string[],
  env: NodeJS.ProcessEnv,
  size = { columns: 100, rows: 30 },
): PtyRun {
  const line = `stty cols ${size.columns} rows ${size.rows}; exec ${command.map(shellQuote).join(' ')}`
  const child = spawn('script', ['-qefc', line, '/dev/null'], {
    env: { PATH: process.env.PATH, SHELL: '/bin/sh', TERM: 'xterm-256color', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let text = ''
  const watchers = new Set<() => void>()
  let ended = false
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk
    for (const watcher of watchers) watcher()
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS)
  const done = new Promise<{ code: number | null; text: string }>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(killer)
      ended = true
      for (const watcher of watchers) watcher()
      resolve({ code, text })
    })
  })
  const until = <T>(check: (text: string) => T | undefined | false, what: string) =>
    new Promise<T>((resolve, reject) => {
      const look = () => {
        const found = check(text)
        if (found !== undefined && found !== false) {
          watchers.delete(look)
          resolve(found)
        } else if (ended) {
          watchers.delete(look)
          reject(new Error(`the terminal closed before ${what}:\n${text}`))
        }
      }
      watchers.add(look)
      look()
    })
  return { child, text: () => text, until, type: (keys) => child.stdin!.write(keys), done }
}

/** `node dist/bin.js …` on a pseudo-terminal. */
export function cliOnPty(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  size?: { columns: number; rows: number },
) {
  return onPty([process.execPath, BIN, ...args], env, size)
}
