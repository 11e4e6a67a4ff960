import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../dist/bin/hyperctl-sim.js', import.meta.url))

export function assertBuilt(): void {
  if (!existsSync(BIN)) {
    throw new Error(`${BIN} is missing: build the package first (npx tsc -p tsconfig.build.json)`)
  }
}

export interface RecordedRequest {
  method: string
  path: string
  contentType: string
  body: string | null
}

export interface Reply {
  status: number
  contentType: string
  body: Buffer | string
}

/** A loopback server that answers every request with `reply` and records what it received. */
export async function replayServer(
  reply: Reply | 'hang' | 'close',
): Promise<{ url: string; requests: RecordedRequest[]; close: () => Promise<void> }> {
  const requests: RecordedRequest[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        contentType: req.headers['content-type'] ?? '',
        body: req.headers['content-length'] === undefined && body.length === 0 ? null : body.toString('utf8'),
      })
      if (reply === 'hang') return
      if (reply === 'close') {
        req.socket.destroy()
        return
      }
      res.writeHead(reply.status, { 'Content-Type': reply.contentType })
      res.end(reply.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A loopback URL nothing listens on (a port that was just released). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

export interface RunResult {
  stdout: Buffer
  stderr: Buffer
  exitCode: number | null
}

/** Runs the built bin as a child process with exactly `env` (plus PATH), bounded by `timeoutMs`. */
export function runBin(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs = 10_000,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => err.push(c))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`hyperctl-sim ${args.join(' ')} did not finish within ${timeoutMs} ms`))
    }, timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), exitCode: code })
    })
  })
}

/** Escape and control bytes made visible, so a byte mismatch can be read in a test report. */
export function visible(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[\x00-\x09\x0b-\x1f\x7f-\xff]/g, (c) => {
    const code = c.charCodeAt(0)
    if (code === 0x1b) return '\\e'
    if (code === 0x0d) return '\\r'
    return `\\x${code.toString(16).padStart(2, '0')}`
  })
}

/** '' when equal, else the first differing offset with both sides around it. */
export function byteDiff(actual: Buffer, expected: Buffer): string {
  if (actual.equals(expected)) return ''
  let i = 0
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++
  const from = Math.max(0, i - 80)
  return [
    `first difference at byte ${i} (actual ${actual.length} bytes, expected ${expected.length})`,
    `expected: …${visible(expected.subarray(from, i + 80))}`,
    `actual:   …${visible(actual.subarray(from, i + 80))}`,
  ].join('\n')
}
