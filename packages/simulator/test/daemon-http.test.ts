import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { type HypervisordSim, type HypervisordSimOptions, startHypervisordSim } from '../src/index.js'

let sim: HypervisordSim | undefined

afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function start(options: HypervisordSimOptions = {}): Promise<HypervisordSim> {
  sim = await startHypervisordSim({ autoAdvance: false, writeFiles: false, stableOrder: true, ...options })
  return sim
}

interface RawReply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A raw HTTP/1.1 request, so paths and bodies reach the server exactly as written. */
function raw(
  s: HypervisordSim,
  method: string,
  path: string,
  { body, headers = {} }: { body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: s.port, method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      },
    )
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

const ERROR_TIMESTAMP = /^\{"error":"(.*)","timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\}\n$/

describe('startHypervisordSim HTTP surface', () => {
  it('answers unknown paths with Go’s 404 text', async () => {
    const s = await start()
    for (const path of ['/nope', '/jobsx', '/vms/list', '/health/']) {
      const r = await raw(s, 'GET', path)
      expect([path, r.status, r.body]).toEqual([path, 404, '404 page not found\n'])
      expect(r.headers['content-type']).toBe('text/plain; charset=utf-8')
      expect(r.headers['x-content-type-options']).toBe('nosniff')
    }
  })

  it('answers wrong methods with 405 text', async () => {
    const s = await start()
    const cases: Array<[string, string]> = [
      ['GET', '/jobs/submit'],
      ['POST', '/health'],
      ['POST', '/status'],
      ['PUT', '/capabilities'],
      ['DELETE', '/jobs/query'],
      ['GET', '/jobs/cancel'],
      ['POST', '/jobs/abc'],
      ['POST', '/jobs/progress/abc'],
      ['HEAD', '/jobs/logs/abc'],
    ]
    for (const [method, path] of cases) {
      const r = await raw(s, method, path)
      expect([method, path, r.status]).toEqual([method, path, 405])
      if (method !== 'HEAD') expect(r.body).toBe('method not allowed\n')
    }
  })

  it('asks for a job ID with 400 JSON on the bare job routes', async () => {
    const s = await start()
    for (const path of ['/jobs/', '/jobs/progress/', '/jobs/logs/', '/jobs/eta/']) {
      const r = await raw(s, 'GET', path)
      expect(r.status).toBe(400)
      expect(r.headers['content-type']).toBe('application/json')
      expect(ERROR_TIMESTAMP.exec(r.body)?.[1]).toBe('job ID required')
    }
  })

  it('answers 404 JSON for an unknown job and looks up the last path element', async () => {
    const s = await start()
    s.control.seedJobs([
      {
        definition: { id: 'b', name: '', vm_path: '/v/b', created_at: '2026-02-10T09:41:05Z' },
        status: 'pending',
        updated_at: '2026-02-10T09:41:05Z',
      },
    ])
    const missing = await raw(s, 'GET', '/jobs/zz')
    expect(missing.status).toBe(404)
    expect(ERROR_TIMESTAMP.exec(missing.body)?.[1]).toBe('job not found: zz')
    expect((await raw(s, 'GET', '/jobs/a/b')).status).toBe(200)
    expect((await raw(s, 'GET', '/jobs/a%2Fb')).status).toBe(200)
    expect(JSON.parse((await raw(s, 'GET', '/jobs/progress/b')).body).job_id).toBe('b')
  })

  it('redirects like Go’s ServeMux: /tree to /tree/ and unclean paths to clean ones', async () => {
    const s = await start()
    const jobs = await raw(s, 'GET', '/jobs?x=1')
    expect(jobs.status).toBe(301)
    expect(jobs.headers.location).toBe('/jobs/?x=1')
    expect(jobs.body).toBe('<a href="/jobs/?x=1">Moved Permanently</a>.\n\n')
    expect((await raw(s, 'GET', '/jobs/progress')).headers.location).toBe('/jobs/progress/')
    const unclean = await raw(s, 'POST', '//jobs/./submit')
    expect([unclean.status, unclean.headers.location, unclean.body]).toEqual([301, '/jobs/submit', ''])
    const root = await raw(s, 'GET', '/')
    expect([root.status, root.headers.location]).toEqual([302, '/web/dashboard/'])
    expect((await raw(s, 'GET', '/web/dashboard/')).status).toBe(404)
  })

  it('answers GET / with 404 when the web dashboard is disabled', async () => {
    const s = await start({ disableWeb: true })
    expect((await raw(s, 'GET', '/')).status).toBe(404)
  })

  it('answers 400 for a request path with a bad percent escape', async () => {
    const s = await start()
    const r = await raw(s, 'GET', '/jobs/%zz')
    expect([r.status, r.body]).toEqual([400, '400 Bad Request'])
  })

  it('serves /health with a whole-second timestamp and sorted keys', async () => {
    const s = await start({ startTime: Date.UTC(2026, 1, 10, 14, 5, 0, 123) })
    const r = await raw(s, 'GET', '/health')
    expect(r.body).toBe('{"status":"healthy","timestamp":"2026-02-10T14:05:00Z"}\n')
    expect(r.headers['content-type']).toBe('application/json')
  })

  it('serves /capabilities with all four methods', async () => {
    const s = await start({ startTime: Date.UTC(2026, 1, 10) })
    const r = JSON.parse((await raw(s, 'GET', '/capabilities')).body)
    expect(Object.keys(r)).toEqual(['capabilities', 'default_method', 'timestamp'])
    expect(Object.keys(r.capabilities)).toEqual(['ctl', 'govc', 'ovftool', 'web'])
    expect(r.capabilities.web).toEqual({
      method: 'web',
      available: true,
      version: 'built-in',
      path: 'internal',
      priority: 4,
      last_checked: '2026-02-10T00:00:00Z',
    })
    expect(r.capabilities.ctl).toMatchObject({ available: false, version: '', path: '' })
    expect(r.default_method).toBe('web')
  })

  it('escapes < > & as Go does in job fields', async () => {
    const s = await start()
    await raw(s, 'POST', '/jobs/submit', {
      body: JSON.stringify({ id: 'h', name: '<b>&"x"', vm_path: '/v/h\u2028' }),
      headers: { 'content-type': 'application/json' },
    })
    const r = await raw(s, 'GET', '/jobs/h')
    expect(r.body).toContain('"name":"\\u003cb\\u003e\\u0026\\"x\\"","vm_path":"/v/h\\u2028"')
  })

  it('reports Go decoder errors for malformed query and cancel bodies', async () => {
    const s = await start()
    const cases: Array<[string, string, string]> = [
      ['/jobs/query', '', 'invalid request: EOF'],
      [
        '/jobs/query',
        '{"all":"true"}',
        'invalid request: json: cannot unmarshal string into Go struct field QueryRequest.all of type bool',
      ],
      [
        '/jobs/cancel',
        '{"job_ids":"a"}',
        'invalid request: json: cannot unmarshal string into Go struct field CancelRequest.job_ids of type []string',
      ],
      ['/jobs/cancel', '{"job_ids":[', 'invalid request: unexpected EOF'],
    ]
    for (const [path, body, message] of cases) {
      const r = await raw(s, 'POST', path, { body })
      expect([path, body, r.status]).toEqual([path, body, 400])
      expect(ERROR_TIMESTAMP.exec(r.body)?.[1]).toBe(message)
    }
  })

  it('answers submit parse failures with 400 JSON', async () => {
    const s = await start()
    const r = await raw(s, 'POST', '/jobs/submit', {
      body: '{"name": "web-01", "output_path": "/exports/web-01"}\n',
      headers: { 'content-type': 'application/json' },
    })
    expect(r.status).toBe(400)
    expect(ERROR_TIMESTAMP.exec(r.body)?.[1]).toBe('failed to parse jobs: invalid JSON format')
    const yaml = await raw(s, 'POST', '/jobs/submit', { body: ': : :' })
    expect(ERROR_TIMESTAMP.exec(yaml.body)?.[1]).toBe('failed to parse jobs: invalid YAML format')
  })

  it('lists every job for any GET of /jobs/query and answers cancel errors per job', async () => {
    const s = await start()
    await raw(s, 'POST', '/jobs/submit', {
      body: '[{"id":"a","vm_path":"/v/a"},{"id":"b","vm_path":"/v/b"}]',
    })
    await s.control.advance(0)
    const listed = JSON.parse((await raw(s, 'GET', '/jobs/query?all=false')).body)
    expect(listed.total).toBe(2)
    const r = await raw(s, 'POST', '/jobs/cancel', { body: '{"job_ids":["zz","a"]}' })
    const reply = JSON.parse(r.body)
    expect(reply).toMatchObject({
      cancelled: [],
      failed: ['zz', 'a'],
      errors: { a: 'job a cannot be cancelled (status: failed)', zz: 'job not found: zz' },
    })
    expect(r.body.indexOf('"a":')).toBeLessThan(r.body.indexOf('"zz":'))
  })

  it('caps request bodies at 10 MiB', async () => {
    const s = await start()
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20)
    const submit = await raw(s, 'POST', '/jobs/submit', { body: big })
    expect(submit.status).toBe(400)
    expect(ERROR_TIMESTAMP.exec(submit.body)?.[1]).toBe(
      'failed to read request body: http: request body too large',
    )
    expect(submit.headers.connection).toBe('close')
    const query = await raw(s, 'POST', '/jobs/query', {
      body: Buffer.concat([Buffer.from('{"job_ids":["'), big]),
    })
    expect(ERROR_TIMESTAMP.exec(query.body)?.[1]).toBe('invalid request: http: request body too large')
    const exact = await raw(s, 'POST', '/jobs/submit', {
      body: Buffer.concat([Buffer.from('{"vm_path":"/v/x"}'), Buffer.alloc(10 * 1024 * 1024 - 18, 0x20)]),
    })
    expect(exact.status).toBe(200)
  })

  it('answers the websocket paths with a handshake error', async () => {
    const s = await start({ apiKey: 'k' })
    const r = await raw(s, 'GET', '/ws')
    expect([r.status, r.body]).toEqual([400, 'Bad Request\n'])
  })
})

describe('startHypervisordSim auth', () => {
  it('lets everything through when no API key is configured, as shipped', async () => {
    const s = await start()
    expect((await raw(s, 'GET', '/status')).status).toBe(200)
  })

  it('applies the auth middleware rules in order when an API key is set', async () => {
    const s = await start({ apiKey: 'k3y' })
    const status = (headers: Record<string, string> = {}, path = '/status') =>
      raw(s, 'GET', path, { headers }).then((r) => r.status)
    const denied = await raw(s, 'GET', '/status')
    expect([denied.status, denied.body, denied.headers['content-type']]).toEqual([
      401,
      'unauthorized\n',
      'text/plain; charset=utf-8',
    ])
    expect(await status({}, '/health')).toBe(200)
    expect(await status({}, '/nope')).toBe(401)
    expect(await status({ 'x-api-key': 'k3y' })).toBe(200)
    expect(await status({ authorization: 'Bearer k3y' })).toBe(200)
    expect(await status({ authorization: 'k3y' })).toBe(200)
    expect(await status({}, '/status?api_key=k3y')).toBe(200)
    expect(await status({ 'x-api-key': 'wrong', authorization: 'Bearer k3y' })).toBe(401)
    expect(await status({ 'x-api-key': 'k3y0' })).toBe(401)
    expect(await status({ authorization: 'Bearer session-1' })).toBe(401)
    s.control.addSessionToken('session-1')
    expect(await status({ authorization: 'Bearer session-1' })).toBe(200)
  })

  it('switches auth on and off through control.requireApiKey', async () => {
    const s = await start()
    s.control.requireApiKey('abc')
    expect((await raw(s, 'GET', '/status')).status).toBe(401)
    s.control.requireApiKey(null)
    expect((await raw(s, 'GET', '/status')).status).toBe(200)
  })

  it('records requests without the API key or vCenter passwords', async () => {
    const s = await start({ apiKey: 'k3y' })
    await raw(s, 'POST', '/jobs/submit?api_key=k3y', {
      body: JSON.stringify({
        vm_path: '/v/a',
        vcenter: { server: 'vc', username: 'u', password: 'hunter2' },
      }),
      headers: { 'x-api-key': 'k3y', 'content-type': 'application/json' },
    })
    await raw(s, 'POST', '/jobs/submit', {
      body: 'vm_path: /v/b\npassword: hunter2\n',
      headers: { authorization: 'Bearer k3y', 'content-type': 'application/x-yaml' },
    })
    const [first, second] = s.control.requests
    expect(first).toMatchObject({ method: 'POST', path: '/jobs/submit', status: 200 })
    expect(first?.headers['x-api-key']).toBe('[redacted]')
    expect(first?.query).toBe('api_key=%5Bredacted%5D')
    expect(second?.headers.authorization).toBe('Bearer [redacted]')
    const logged = JSON.stringify(s.control.requests)
    expect(logged).not.toContain('k3y')
    expect(logged).not.toContain('hunter2')
    s.control.clearRequests()
    expect(s.control.requests).toHaveLength(0)
  })
})
