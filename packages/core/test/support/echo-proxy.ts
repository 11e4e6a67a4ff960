import { chmod, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findSecretForms, SECRET_FIELD_NAMES, SWEEP_SECRETS } from '@hyperctl-export/fixtures'

/** Every key name the issue lists, as the daemon might spell them (bare, suffixed, any case). */
export const ECHO_KEY_NAMES: readonly string[] = [
  ...new Set([...SECRET_FIELD_NAMES, 'pass', 'db_password', 'Authorization', 'X_API_KEY', 'session_cookie']),
]

/** Each transport with each of the secrets: [transport, the secret as JSON (for a test name), secret]. */
export const SWEEP_CASES = (['api', 'cli'] as const).flatMap((transport) =>
  SWEEP_SECRETS.map((secret) => [transport, JSON.stringify(secret), secret] as const),
)

export interface EchoProxy {
  url: string
  close(): Promise<void>
}

/**
 * A raw 127.0.0.1 HTTP server in front of a daemon that echoes `secret` under every secret-named key: each
 * JSON object with an `id` in a reply (a job) gains `{<name>: secret}` for every name, at the top and
 * nested (`echo.deep[0]`), the way a daemon that returns its whole job definition would. Everything else
 * passes through byte for byte.
 */
export async function startEchoProxy(target: string, secret: string): Promise<EchoProxy> {
  const upstream = new URL(target)
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (reply: IncomingMessage) => {
          const body: Buffer[] = []
          reply.on('data', (c: Buffer) => body.push(c))
          reply.on('end', () => {
            const out = echoInto(Buffer.concat(body), secret)
            // why: the body is rewritten whole, so it goes out with its own length, never chunked
            const { 'transfer-encoding': _chunked, ...rest } = reply.headers
            const headers = { ...rest, 'content-length': String(out.length) }
            res.writeHead(reply.statusCode ?? 502, headers)
            res.end(out)
          })
        },
      )
      forward.on('error', () => res.destroy())
      forward.end(Buffer.concat(chunks))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

function echoInto(body: Buffer, secret: string): Buffer {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    return body
  }
  const keyed = Object.fromEntries(ECHO_KEY_NAMES.map((name) => [name, secret]))
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit)
    if (value === null || typeof value !== 'object') return value
    const entries = Object.entries(value).map(([k, v]) => [k, visit(v)] as const)
    const object = Object.fromEntries(entries) as Record<string, unknown>
    return 'id' in object ? { ...object, ...keyed, echo: { deep: [keyed] } } : object
  }
  return Buffer.from(JSON.stringify(visit(parsed)))
}

/**
 * A hyperctl stand-in that records its argv (one JSON line per run) before running `hyperctl`; the log is
 * scanned for secrets, since a child's argv is visible to every user of the machine.
 */
export async function recordingHyperctl(
  hyperctl: string,
): Promise<{ path: string; argv(): Promise<string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'argv-log-'))
  const log = join(dir, 'argv.log')
  const path = join(dir, 'hyperctl')
  await writeFile(
    path,
    `#!${process.execPath}\nimport { appendFileSync } from 'node:fs'\nimport { spawnSync } from 'node:child_process'\n` +
      `appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n')\n` +
      `process.exitCode = spawnSync(process.execPath, [${JSON.stringify(hyperctl)}, ...process.argv.slice(2)], { stdio: 'inherit' }).status ?? 1\n`,
  )
  await chmod(path, 0o755)
  return { path, argv: () => readFile(log, 'utf8').catch(() => '') }
}

/** Every file under `dir` with its text as UTF-8 (so a raw non-ASCII secret is found as it was written). */
export async function filesUnder(dir: string): Promise<Array<{ path: string; text: string }>> {
  const out: Array<{ path: string; text: string }> = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await filesUnder(path)))
    else out.push({ path, text: await readFile(path, 'utf8') })
  }
  return out
}

/** Where each form of `secret` shows in what a run left (`where: hit`); empty when every surface is clean. */
export function secretHits(
  surfaces: ReadonlyArray<{ where: string; text: string }>,
  secret: string,
): string[] {
  return surfaces.flatMap(({ where, text }) =>
    findSecretForms(text, [secret]).map((hit) => `${where}: ${hit}`),
  )
}

/** What a sweep scans: each run's stdout and stderr, every file under `dir`, and the argv hyperctl got. */
export async function sweepSurfaces(
  runs: ReadonlyArray<{ what: string; stdout: string; stderr: string }>,
  dir: string,
  argv: () => Promise<string>,
): Promise<Array<{ where: string; text: string }>> {
  return [
    ...runs.flatMap(({ what, stdout, stderr }) => [
      { where: `${what} stdout`, text: stdout },
      { where: `${what} stderr`, text: stderr },
    ]),
    ...(await filesUnder(dir)).map(({ path, text }) => ({ where: path, text })),
    { where: 'hyperctl argv', text: await argv() },
  ]
}
