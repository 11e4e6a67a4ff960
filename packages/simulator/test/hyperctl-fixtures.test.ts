import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { type HyperctlFixture, loadHyperctlFixtures } from '@hyperctl-export/fixtures'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  assertBuilt,
  byteDiff,
  closedPortUrl,
  type RecordedRequest,
  replayServer,
  runBin,
} from './hyperctl-support.js'

const fixtures = loadHyperctlFixtures()

/** How to make the transport fail the way the capture did. */
function transportKind(fixture: HyperctlFixture): 'refused' | 'timeout' | 'eof' | undefined {
  const error = fixture.case.transportError
  if (!error) return undefined
  if (error.includes('connection refused')) return 'refused'
  if (error.includes('Client.Timeout')) return 'timeout'
  if (error === 'EOF' || error.endsWith(': EOF')) return 'eof'
  throw new Error(`${fixture.name}: no way to reproduce transport error ${JSON.stringify(error)}`)
}

/** No arguments, `help`, or an unknown command: hyperctl prints its full help screen on stdout. */
function showsHelpScreen(fixture: HyperctlFixture): boolean {
  const first = fixture.case.argv[1]
  if (first === undefined || first === 'help') return true
  return fixture.case.exitCode === 1 && fixture.stdout.split('\n')[0]!.includes('Unknown command: ')
}

/** Where the help screen starts: after the `Unknown command` line, if any. */
function helpScreenStart(stdout: Buffer): number {
  return stdout.includes('Unknown command: ') ? stdout.indexOf('\n') + 1 : 0
}

/**
 * The requests the capture saw, in the test server's terms. The real captures write an absent body as
 * "" and keep the raw headers: with no Content-Length (a GET from Go's client) nothing was sent.
 */
function expectedRequests(fixture: HyperctlFixture): RecordedRequest[] {
  return (fixture.case.requests ?? []).map((r) => {
    const url = new URL(r.url)
    const raw = (r as { rawHeaders?: string[] }).rawHeaders
    const sentNoBody =
      r.body === '' && raw !== undefined && !raw.some((h, i) => i % 2 === 0 && /^content-length$/i.test(h))
    return {
      method: r.method,
      path: url.pathname + url.search,
      contentType: r.contentType,
      body: sentNoBody ? null : r.body,
    }
  })
}

describe('hyperctl-sim', () => {
  beforeAll(assertBuilt)

  it('has fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThan(0)
  })

  for (const fixture of fixtures) {
    it(`prints ${fixture.name} byte for byte and exits ${fixture.case.exitCode}`, async () => {
      const cwd = await mkdtemp(join(tmpdir(), 'hyperctl-sim-'))
      const kind = transportKind(fixture)
      const response = fixture.case.response
      const server =
        kind === 'timeout' || kind === 'eof'
          ? await replayServer(kind === 'timeout' ? 'hang' : 'close')
          : response
            ? await replayServer({
                status: response.status,
                contentType: response.contentType,
                body: response.body,
              })
            : undefined
      try {
        for (const [name, content] of Object.entries(fixture.case.files ?? {})) {
          await mkdir(dirname(join(cwd, name)), { recursive: true })
          await writeFile(join(cwd, name), content)
        }
        const env: Record<string, string> = {
          ...(fixture.case.env ?? {}),
          HYPERCTL_SIM_DAEMON_URL: server?.url ?? (await closedPortUrl()),
          // the real hyperctl always names its constant URL; the captures were made with it
          HYPERCTL_SIM_DISPLAY_URL: 'http://localhost:8080',
          HYPERCTL_SIM_SPINNER_FRAMES: String(fixture.case.spinnerFrames ?? 1),
          HYPERCTL_SIM_TERMINAL_WIDTH: String(fixture.case.terminalWidth ?? 80),
          HYPERCTL_SIM_ARGV0: fixture.case.argv[0] ?? 'hyperctl',
        }
        if (kind === 'refused') env.HYPERCTL_SIM_DIAL_ERROR = fixture.case.transportError!
        if (kind === 'timeout') env.HYPERCTL_SIM_TIMEOUT_MS = '300'
        const result = await runBin(fixture.case.argv.slice(1), env, cwd)

        if (showsHelpScreen(fixture)) {
          // the BigText help screen is deliberately simplified (README): compare what precedes it
          const before = helpScreenStart(fixture.stdoutBytes)
          expect(byteDiff(result.stdout.subarray(0, before), fixture.stdoutBytes.subarray(0, before))).toBe(
            '',
          )
          expect(result.stdout.subarray(before).toString()).toContain('hyperctl-sim: simplified help screen')
        } else {
          expect(byteDiff(result.stdout, fixture.stdoutBytes), 'stdout').toBe('')
        }
        expect(byteDiff(result.stderr, fixture.stderrBytes), 'stderr').toBe('')
        expect(result.exitCode).toBe(fixture.case.exitCode)
        // a refused dial reaches no server, so only the other cases can show the request; the real
        // captures record none where nothing answered, but hyperctl did send its one request
        const expected = expectedRequests(fixture)
        if (server && expected.length === 0 && kind !== undefined) expect(server.requests).toHaveLength(1)
        else if (server) expect(server.requests).toEqual(expected)
      } finally {
        await server?.close()
        await rm(cwd, { recursive: true, force: true })
      }
    })
  }
})
