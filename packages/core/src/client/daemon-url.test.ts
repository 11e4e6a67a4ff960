import { describe, expect, it } from 'vitest'
import { UsageError } from '../errors.js'
import { normalizeDaemonUrl } from './daemon-url.js'

describe('normalizeDaemonUrl', () => {
  it('drops trailing slashes and keeps a path prefix', () => {
    expect(normalizeDaemonUrl('http://localhost:8080/')).toBe('http://localhost:8080')
    expect(normalizeDaemonUrl('http://localhost:8080')).toBe('http://localhost:8080')
    expect(normalizeDaemonUrl(' https://proxy.example/hypervisord// ')).toBe(
      'https://proxy.example/hypervisord',
    )
    expect(normalizeDaemonUrl('http://[::1]:8080')).toBe('http://[::1]:8080')
  })

  for (const url of [
    'ftp://host',
    'javascript:alert(1)',
    'file:///tmp/x',
    'data:,x',
    'garbage',
    '',
    'localhost:8080',
  ]) {
    it(`throws UsageError for ${JSON.stringify(url)}`, () => {
      expect(() => normalizeDaemonUrl(url)).toThrow(UsageError)
    })
  }

  it('throws UsageError for a query or fragment', () => {
    expect(() => normalizeDaemonUrl('http://localhost:8080/?a=1')).toThrow(UsageError)
    expect(() => normalizeDaemonUrl('http://localhost:8080/#x')).toThrow(UsageError)
  })

  it('never repeats credentials from the URL', () => {
    for (const url of [
      'http://admin:hunter22@localhost:8080',
      'http://admin:hunter22@[bad',
      'http://admin:hun/ter22@[bad',
      'http://admin:hun@ter22@[bad',
    ]) {
      expect(() => normalizeDaemonUrl(url)).toThrow(UsageError)
      try {
        normalizeDaemonUrl(url)
      } catch (error) {
        expect((error as Error).message).not.toMatch(/hun.?ter22/)
      }
    }
  })
})
