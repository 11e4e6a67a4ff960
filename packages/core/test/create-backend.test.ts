import { afterEach, describe, expect, it } from 'vitest'
import { createBackend } from '../src/backend/create-backend.js'
import { normalizeDaemonUrl } from '../src/client/daemon-url.js'
import { HypervisordClient } from '../src/client/index.js'
import { UsageError } from '../src/errors.js'
import { HyperctlRunner } from '../src/runner/index.js'
import { FAKE_HYPERCTL, fakeSetup } from './fake-hyperctl/harness.js'

const disposers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose()
})

async function workingHyperctl(): Promise<NodeJS.ProcessEnv> {
  const fake = await fakeSetup()
  disposers.push(() => fake.dispose())
  const env = await fake.env({ '-version': { stdout: 'hyperctl version 0.0.1\n' } })
  delete env.HYPERVISORD_URL
  delete env.HYPERVISORD_API_KEY
  delete env.HYPERCTL_SIM_DAEMON_URL
  return { ...env, HYPERCTL_PATH: FAKE_HYPERCTL }
}

describe('createBackend', () => {
  it('picks hyperctl when it answers and the daemon is at localhost:8080 with no key', async () => {
    const choice = await createBackend({ env: await workingHyperctl() })
    expect(choice.transport).toBe('cli')
    expect(choice.backend).toBeInstanceOf(HyperctlRunner)
    expect(choice.reason).toContain('0.0.1')
    expect(choice.reason).toContain(FAKE_HYPERCTL)
  })

  it('picks the API when an API key is set, because hyperctl cannot send one', async () => {
    const env = { ...(await workingHyperctl()), HYPERVISORD_API_KEY: 'k-123456' }
    const choice = await createBackend({ env })
    expect(choice.transport).toBe('api')
    expect(choice.backend).toBeInstanceOf(HypervisordClient)
    expect(choice.reason).toContain('API key')
    expect(choice.reason).not.toContain('k-123456')
  })

  it('picks the API for a daemon hyperctl cannot reach', async () => {
    const choice = await createBackend({ env: await workingHyperctl(), daemonUrl: 'http://127.0.0.1:9090' })
    expect(choice.transport).toBe('api')
    expect(choice.reason).toContain('http://localhost:8080')
    expect(choice.daemonUrl).toBe('http://127.0.0.1:9090')
  })

  it('picks the API when hyperctl is not installed, saying so', async () => {
    const env = { ...(await workingHyperctl()), HYPERCTL_PATH: '/nonexistent/hyperctl' }
    const choice = await createBackend({ env })
    expect(choice.transport).toBe('api')
    expect(choice.reason).toContain('not found')
  })

  it('refuses the cli transport with an API key or a daemon it cannot reach', async () => {
    const env = await workingHyperctl()
    await expect(createBackend({ env, transport: 'cli', apiKey: 'k-123456' })).rejects.toThrow(UsageError)
    await expect(createBackend({ env, transport: 'cli', daemonUrl: 'http://10.1.2.3:8080' })).rejects.toThrow(
      /only ever talks to http:\/\/localhost:8080/,
    )
  })

  it('accepts the cli transport for the simulator URL its hyperctl stand-in is pointed at', async () => {
    const env = { ...(await workingHyperctl()), HYPERCTL_SIM_DAEMON_URL: 'http://127.0.0.1:40123' }
    const choice = await createBackend({ env, transport: 'cli', daemonUrl: 'http://127.0.0.1:40123/' })
    expect(choice.transport).toBe('cli')
  })

  it('takes the daemon URL from HYPERVISORD_URL', async () => {
    const env = { ...(await workingHyperctl()), HYPERVISORD_URL: 'https://daemon.test:8443/' }
    const choice = await createBackend({ env, transport: 'api' })
    expect(choice.daemonUrl).toBe('https://daemon.test:8443')
  })

  it('refuses an unknown transport', async () => {
    await expect(createBackend({ transport: 'ssh' as never })).rejects.toThrow(UsageError)
  })
})

describe('normalizeDaemonUrl', () => {
  it.each(['ftp://h:1', 'javascript:alert(1)', 'file:///etc/passwd', 'not a url', 'http://user:pw@h:1'])(
    'refuses %s',
    (url) => {
      expect(() => normalizeDaemonUrl(url)).toThrow(UsageError)
    },
  )
  it('keeps http and https URLs without the trailing slash', () => {
    expect(normalizeDaemonUrl('http://localhost:8080/')).toBe('http://localhost:8080')
  })
  it('never repeats a password from a URL that does not parse', () => {
    for (const url of ['http://admin:hunter22@[bad', 'http://admin:hun/ter22@[bad']) {
      expect(() => normalizeDaemonUrl(url)).toThrow(/daemon URL "http:\/\/\*\*\*@\[bad" is not a URL/)
    }
  })
})
