import { afterEach, describe, expect, it, vi } from 'vitest'
import { DaemonError, OperationAbortedError } from '../errors.js'
import { HypervisordClient } from './hypervisord-client.js'

const healthy = () => new Response('{"status":"healthy","timestamp":"x"}\n', { status: 200 })
const busy = (headers: Record<string, string> = {}) =>
  new Response('{"error":"busy"}\n', {
    status: 503,
    headers: { 'Content-Type': 'application/json', ...headers },
  })

/** A fetch that answers from a script; the backoff runs on fake timers, so no socket is involved. */
function scripted(...replies: Array<() => Response>) {
  return vi.fn(async (_input: string | URL | Request, _init?: RequestInit) => {
    const next = replies.shift()
    if (!next) throw new Error('no more scripted replies')
    return next()
  })
}

describe('HypervisordClient', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each([
    [0, 500, 1_000],
    [0.999_999, 1_000, 2_000],
  ])('backs off exponentially between read retries when the jitter draws %d', async (draw, first, second) => {
    // why: the jitter is random; pinning the draw makes the retry times exact (bounds: retry-delay.test.ts)
    const random = vi.spyOn(Math, 'random').mockReturnValue(draw)
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fetch = scripted(busy, busy, healthy)
    const c = new HypervisordClient({ fetch, env: {}, retryMinDelayMs: 1_000, retryMaxDelayMs: 8_000 })
    const call = c.health()
    await vi.advanceTimersByTimeAsync(0)
    expect(fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(first - 1)
    expect(fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(fetch).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(second - 1)
    expect(fetch).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(fetch).toHaveBeenCalledTimes(3)
    await expect(call).resolves.toEqual({ status: 'healthy', timestamp: 'x' })
    random.mockRestore()
  })

  it('waits exactly as long as Retry-After asks instead of the backoff', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fetch = scripted(() => busy({ 'Retry-After': '2' }), healthy)
    const c = new HypervisordClient({ fetch, env: {}, retryMinDelayMs: 10, retryMaxDelayMs: 10 })
    const call = c.health()
    await vi.advanceTimersByTimeAsync(1_999)
    expect(fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(fetch).toHaveBeenCalledTimes(2)
    await expect(call).resolves.toMatchObject({ status: 'healthy' })
  })

  it('caps Retry-After at retryAfterMaxMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fetch = scripted(() => busy({ 'Retry-After': '86400' }), healthy)
    const c = new HypervisordClient({ fetch, env: {}, retryAfterMaxMs: 3_000 })
    const call = c.health()
    await vi.advanceTimersByTimeAsync(3_000)
    expect(fetch).toHaveBeenCalledTimes(2)
    await expect(call).resolves.toMatchObject({ status: 'healthy' })
  })

  it('stops waiting and sends nothing more when the caller aborts during the backoff', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fetch = scripted(busy, healthy)
    const controller = new AbortController()
    const c = new HypervisordClient({ fetch, env: {}, retryMinDelayMs: 60_000, retryMaxDelayMs: 60_000 })
    const call = c.health({ signal: controller.signal }).catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(10)
    controller.abort()
    expect(await call).toBeInstanceOf(OperationAbortedError)
    await vi.advanceTimersByTimeAsync(120_000)
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('throws the last daemon error when the call time runs out during the backoff', async () => {
    const fetch = scripted(busy, healthy)
    const c = new HypervisordClient({ fetch, env: {}, retryMinDelayMs: 60_000, retryMaxDelayMs: 60_000 })
    const error = await c.health({ timeoutMs: 30 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DaemonError)
    expect(error).toMatchObject({ status: 503, daemonMessage: 'busy' })
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('sends the submit once even when it could be retried', async () => {
    const fetch = scripted(busy, healthy)
    const c = new HypervisordClient({ fetch, env: {}, retryMinDelayMs: 0 })
    const error = await c
      .submitJobs([{ id: 'a', vmPath: '/vm/a', outputPath: '/x' }])
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 503 })
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('refuses option values that make no sense', () => {
    expect(() => new HypervisordClient({ env: {}, retries: -1 })).toThrow(/retries/)
    expect(() => new HypervisordClient({ env: {}, retries: 1.5 })).toThrow(/retries/)
    expect(() => new HypervisordClient({ env: {}, requestTimeoutMs: 0 })).toThrow(/requestTimeoutMs/)
    expect(() => new HypervisordClient({ env: {}, retryMinDelayMs: Number.NaN })).toThrow(/retryMinDelayMs/)
  })
})
