import { afterEach, describe, expect, it } from 'vitest'
import { type StallServer, startStallServer } from '../../core/test/support/stall-server.js'
import { HYPERCTL_SIM, runCli } from './support/cli-process.js'
import { VC_PASSWORD, vcenterArgs } from './support/sim.js'

let server: StallServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const env = { HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD }

/**
 * How long starting the CLI takes here and now (`--version`): on a loaded shared machine Node's own start
 * can take seconds, which says nothing about the deadline; the bounds below are on top of it.
 */
async function startupMs(): Promise<number> {
  const started = performance.now()
  const result = await runCli(['--version'], {})
  expect(result.code).toBe(0)
  return performance.now() - started
}

function transportArgs(transport: 'api' | 'cli', url: string): string[] {
  return transport === 'api'
    ? ['--transport', 'api', '--daemon-url', url]
    : ['--transport', 'cli', '--hyperctl-path', HYPERCTL_SIM, '--daemon-url', url]
}

describe('--timeout is a deadline, whatever the daemon does', { timeout: 40_000 }, () => {
  for (const transport of ['api', 'cli'] as const) {
    for (const mode of ['silent', 'drip'] as const) {
      it(`${transport}: export --timeout 5s against a ${mode} daemon exits 4 in under 7 s`, async () => {
        server = await startStallServer(mode)
        const startup = await startupMs()
        const started = performance.now()
        const result = await runCli(
          [
            'export',
            '/DC/vm/stalled',
            '-o',
            '/tmp/hx-never-written',
            ...vcenterArgs(),
            '--timeout',
            '5s',
            ...transportArgs(transport, server.url),
          ],
          { ...env, HYPERCTL_SIM_DAEMON_URL: server.url },
        )
        const ms = performance.now() - started - startup
        expect(result.code).toBe(4)
        expect(ms).toBeLessThan(7_000)
        expect(result.stdout).toContain('timeout')
      })
    }
  }

  it('status --timeout 2s against a silent daemon exits 3 in under 4 s', async () => {
    server = await startStallServer('silent')
    const startup = await startupMs()
    const started = performance.now()
    const result = await runCli(['status', '--timeout', '2s', ...transportArgs('api', server.url)], {})
    expect(result.code).toBe(3)
    expect(performance.now() - started - startup).toBeLessThan(4_000)
    // why: the request gets what is left of the 2 s once the command has loaded, so 1s or 2s
    expect(result.stderr).toMatch(/no answer to GET \/status within [12]s/)
  })
})
