import type { Readable } from 'node:stream'

/** A stream we print to; a real one is process.stdout/stderr, tests pass a fake with isTTY and columns. */
export interface OutStream {
  write(text: string): unknown
  isTTY?: boolean
  columns?: number
}

export type InterruptSignal = 'SIGINT' | 'SIGTERM'

/** Everything the CLI touches outside itself, so a test can run it against fakes. */
export interface CliIo {
  stdout: OutStream
  stderr: OutStream
  stdin: Readable & { isTTY?: boolean }
  env: NodeJS.ProcessEnv
  cwd: string
  /** Calls `handler` on SIGINT/SIGTERM instead of the default exit; returns the unsubscribe. */
  onInterrupt(handler: (signal: InterruptSignal) => void): () => void
  /** Ends the process at once (a second Ctrl-C). */
  exit(code: number): void
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt(handler) {
      const onInt = () => handler('SIGINT')
      const onTerm = () => handler('SIGTERM')
      process.on('SIGINT', onInt)
      process.on('SIGTERM', onTerm)
      return () => {
        process.off('SIGINT', onInt)
        process.off('SIGTERM', onTerm)
      }
    },
    exit(code) {
      process.exit(code)
    },
  }
}
