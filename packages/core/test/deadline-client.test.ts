import { afterEach, describe, expect, it } from 'vitest'
import { HypervisordClient } from '../src/client/hypervisord-client.js'
import { DaemonError, DaemonUnreachableError } from '../src/errors.js'
import { type StallServer, startStallServer } from './support/stall-server.js'

let server: StallServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Milliseconds a promise takes to settle, and how it settled. */
async function timed<T>(promise: Promise<T>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now()
  let error: unknown
  try {
    await promise
  } catch (caught) {
    error = caught
  }
  return { ms: performance.now() - started, error }
}

describe('a call with a budget ends within it, whatever the daemon does', () => {
  for (const mode of ['silent', 'drip'] as const) {
    it(`a ${mode} daemon: a read with retries ends at its 800 ms budget, not after 5 × 30 s`, async () => {
      server = await startStallServer(mode, { dripMs: 100 })
      const client = new HypervisordClient({ daemonUrl: server.url, retries: 4, env: {} })
      const { ms, error } = await timed(client.checkDaemonStatus({ timeoutMs: 800 }))
      expect(error).toBeInstanceOf(DaemonUnreachableError)
      expect((error as Error).message).toContain('no answer to GET /status within')
      expect(ms).toBeGreaterThanOrEqual(500)
      expect(ms).toBeLessThan(2_000)
    })
  }

  it('does not start a back-off that would end past the budget: the last answer is the error', async () => {
    let calls = 0
    const client = new HypervisordClient({
      daemonUrl: 'http://127.0.0.1:9',
      env: {},
      retries: 5,
      fetch: async () => {
        calls++
        return new Response('{"error":"busy"}', { status: 503, headers: { 'Retry-After': '30' } })
      },
    })
    const { ms, error } = await timed(client.queryJobs({ all: true }, { timeoutMs: 2_000 }))
    expect(error).toBeInstanceOf(DaemonError)
    expect((error as DaemonError).status).toBe(503)
    expect(calls).toBe(1)
    expect(ms).toBeLessThan(500)
  })

  it("hands a submit's Retry-After (seconds or HTTP date) to the caller on the error", async () => {
    const replies = ['2', new Date(Date.now() + 3_000).toUTCString()]
    const client = new HypervisordClient({
      daemonUrl: 'http://127.0.0.1:9',
      env: {},
      fetch: async () =>
        new Response('{"error":"slow down"}', { status: 429, headers: { 'Retry-After': replies.shift()! } }),
    })
    const job = { vmPath: '/DC/vm/a', outputPath: '/tmp/out', id: 'retry-after-1' }
    const first = await timed(client.submitJobs([job]))
    expect((first.error as DaemonError).retryAfterMs).toBe(2_000)
    const second = await timed(client.submitJobs([job]))
    const wait = (second.error as DaemonError).retryAfterMs!
    expect(wait).toBeGreaterThan(1_000)
    expect(wait).toBeLessThanOrEqual(3_000)
  })
})
