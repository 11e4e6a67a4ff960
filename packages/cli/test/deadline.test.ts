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
        // why: the whole life of the child process, Node's start included: that is what the user waits for
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
        const ms = performance.now() - started
        expect(result.code).toBe(4)
        expect(ms).toBeLessThan(7_000)
        expect(result.stdout).toContain('timeout')
      })
    }
  }

  it('status --timeout 2s against a silent daemon exits 3 in under 4 s', async () => {
    server = await startStallServer('silent')
    const started = performance.now()
    const result = await runCli(['status', '--timeout', '2s', ...transportArgs('api', server.url)], {})
    expect(result.code).toBe(3)
    expect(performance.now() - started).toBeLessThan(4_000)
    // why: the request gets what is left of the 2 s once the process has started and loaded, so 1s or 2s
    expect(result.stderr).toMatch(/no answer to GET \/status within [12]s/)
  })

  // why: the commands that do not wait have a deadline of their own (--timeout, else 30 s; doctor per check)
  const others: Array<[string, string[], 'api' | 'cli']> = [
    ['jobs', ['jobs'], 'api'],
    ['jobs', ['jobs'], 'cli'],
    ['job', ['job', 'some-job-id'], 'api'],
    ['cancel', ['cancel', 'some-job-id'], 'cli'],
    ['doctor', ['doctor'], 'api'],
  ]
  for (const [name, args, transport] of others) {
    it(`${transport}: ${name} --timeout 2s against a silent daemon fails in under 4 s`, async () => {
      server = await startStallServer('silent')
      const started = performance.now()
      const result = await runCli([...args, '--timeout', '2s', ...transportArgs(transport, server.url)], {
        HYPERCTL_SIM_DAEMON_URL: server.url,
      })
      expect(performance.now() - started).toBeLessThan(4_000)
      expect(result.code === 0 || result.code === null).toBe(false)
      expect(server.connections()).toBeGreaterThan(0)
    })
  }
})
