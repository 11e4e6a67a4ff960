import { setImmediate as nextTurn } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { type HypervisordSim, type HypervisordSimOptions, startHypervisordSim } from '../src/index.js'

const VC = { server: 'vc', username: 'u', password: 'p' }

let sim: HypervisordSim | undefined

afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function start(options: HypervisordSimOptions = {}): Promise<HypervisordSim> {
  sim = await startHypervisordSim({ autoAdvance: false, writeFiles: false, stableOrder: true, ...options })
  return sim
}

const submitJob = (s: HypervisordSim, job: object) =>
  fetch(`${s.url}/jobs/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(job),
  })

/** Waits (bounded, no sleeps) until the simulator has seen `count` requests. */
async function requestsSeen(s: HypervisordSim, count: number): Promise<void> {
  for (let turn = 0; turn < 10_000; turn++) {
    if (s.control.requests.length >= count) return
    await nextTurn()
  }
  throw new Error(`the simulator saw ${s.control.requests.length} requests, expected ${count}`)
}

describe('startHypervisordSim faults', () => {
  it('fails the next n requests with 500 text before they reach the daemon', async () => {
    const s = await start()
    s.control.failNext(2)
    const first = await submitJob(s, { id: 'a', vm_path: '/v/a' })
    expect(first.status).toBe(500)
    expect(await first.text()).toBe('Internal Server Error\n')
    expect((await fetch(`${s.url}/status`)).status).toBe(500)
    expect((await fetch(`${s.url}/status`)).status).toBe(200)
    expect(s.control.jobs()).toHaveLength(0)
    expect(s.control.requests.map((r) => [r.fault, r.status])).toEqual([
      ['fail', 500],
      ['fail', 500],
      [undefined, 200],
    ])
  })

  it('sends a given status, body and content type, only to matching requests', async () => {
    const s = await start()
    s.control.failNext(1, 502, {
      body: '<html><body>Bad Gateway</body></html>',
      contentType: 'text/html',
      match: { method: 'POST', path: '/jobs/submit' },
    })
    expect((await fetch(`${s.url}/health`)).status).toBe(200)
    const r = await submitJob(s, { id: 'a', vm_path: '/v/a' })
    expect([r.status, r.headers.get('content-type'), await r.text()]).toEqual([
      502,
      'text/html',
      '<html><body>Bad Gateway</body></html>',
    ])
    expect((await submitJob(s, { id: 'a', vm_path: '/v/a' })).status).toBe(200)
  })

  it('throttles the next n requests with 429 and Retry-After', async () => {
    const s = await start()
    s.control.throttleNext(1, 7)
    const r = await fetch(`${s.url}/status`)
    expect([r.status, r.headers.get('retry-after'), await r.text()]).toEqual([
      429,
      '7',
      'Too Many Requests\n',
    ])
    expect((await fetch(`${s.url}/status`)).status).toBe(200)
  })

  it('holds replies until the clock has moved past the delay and answers with the state at arrival', async () => {
    const s = await start()
    s.control.delayReplies(5000)
    let settled = false
    const pending = fetch(`${s.url}/status`).then((r) => {
      settled = true
      return r
    })
    await requestsSeen(s, 1)
    await s.control.advance(4999)
    for (let i = 0; i < 20; i++) await nextTurn()
    expect(settled).toBe(false)
    await s.control.advance(1)
    const r = await pending
    expect(r.status).toBe(200)
    // the request was handled on arrival; only the reply waited
    expect(((await r.json()) as { uptime: string }).uptime).toBe('0s')
    s.control.delayReplies(0)
    expect((await fetch(`${s.url}/health`)).status).toBe(200)
  })

  it('stores the job and then closes the connection when a submit reply is dropped', async () => {
    const s = await start()
    s.control.dropNextSubmitReply()
    await expect(submitJob(s, { id: 'lost', vm_path: '/v/lost' })).rejects.toThrow()
    expect(s.control.job('lost')?.status).toBe('pending')
    expect(s.control.requests[0]?.fault).toBe('drop-submit-reply')
    expect(s.control.requests[0]?.status).toBeUndefined()
    const retry = (await (await submitJob(s, { id: 'lost', vm_path: '/v/lost' })).json()) as {
      errors: string[]
    }
    expect(retry.errors).toEqual(['job with ID lost already exists'])
  })

  it('refuses connections while down and comes back without its jobs after forMs', async () => {
    const s = await start()
    await submitJob(s, { id: 'j', vm_path: '/v/j', output_dir: 'o', vcenter: VC })
    await s.control.advance(1000)
    await s.control.goDown({ forMs: 2000 })
    expect(s.control.isDown).toBe(true)
    await expect(fetch(`${s.url}/health`)).rejects.toThrow()
    await s.control.advance(1999)
    expect(s.control.isDown).toBe(true)
    await s.control.advance(1)
    expect(s.control.isDown).toBe(false)
    expect((await fetch(`${s.url}/jobs/j`)).status).toBe(404)
    const status = await (await fetch(`${s.url}/status`)).json()
    expect(status).toMatchObject({ uptime: '0s', total_jobs: 0 })
  })

  it('keeps jobs running through an outage when keepJobs is set', async () => {
    const s = await start()
    await submitJob(s, { id: 'j', vm_path: '/v/j', output_dir: 'o', vcenter: VC })
    await s.control.advance(1000)
    await s.control.goDown({ keepJobs: true })
    await s.control.advance(5000)
    await expect(fetch(`${s.url}/jobs/j`)).rejects.toThrow()
    await s.control.comeBack()
    const j = (await (await fetch(`${s.url}/jobs/j`)).json()) as { status: string }
    expect(j.status).toBe('completed')
    expect(((await (await fetch(`${s.url}/status`)).json()) as { uptime: string }).uptime).toBe('6s')
  })

  it('closes open keep-alive connections when it goes down', async () => {
    const s = await start()
    s.control.delayReplies(1000)
    const hanging = fetch(`${s.url}/status`)
    await requestsSeen(s, 1)
    await s.control.goDown()
    await expect(hanging).rejects.toThrow()
    await s.control.comeBack()
    s.control.delayReplies(0)
    expect((await fetch(`${s.url}/health`)).status).toBe(200)
  })

  it('refuses to advance a real clock', async () => {
    sim = await startHypervisordSim({ writeFiles: false })
    await expect(sim.control.advance(1)).rejects.toThrow(/autoAdvance: false/)
  })
})
