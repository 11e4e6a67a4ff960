import { describe, expect, it } from 'vitest'
import { describeTransportEvent } from './transport-log.js'

describe('describeTransportEvent', () => {
  it('writes a request with its status, time and attempt', () => {
    expect(
      describeTransportEvent({
        kind: 'request',
        method: 'GET',
        path: '/status',
        status: 200,
        ms: 12,
        attempt: 1,
      }),
    ).toBe('GET /status → 200 (12 ms)')
    expect(
      describeTransportEvent({
        kind: 'request',
        method: 'POST',
        path: '/jobs/query',
        ms: 3,
        attempt: 2,
        error: 'ECONNRESET',
      }),
    ).toBe('POST /jobs/query → failed: ECONNRESET (3 ms, attempt 2)')
  })

  it('writes a hyperctl run as a command line a shell would read the same way', () => {
    expect(
      describeTransportEvent({
        kind: 'command',
        file: '/usr/bin/hyperctl',
        args: ['query', '-id', 'a b'],
        exitCode: 0,
        ms: 250,
      }),
    ).toBe('/usr/bin/hyperctl query -id "a b" → exit 0 (250 ms)')
  })
})
