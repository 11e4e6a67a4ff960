import { fc, it as prop } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { REDACTED } from '../text/redact.js'
import { redactBodyText, scrubReply } from './redact-reply.js'

describe('scrubReply', () => {
  it('masks vcenter.password and removes its value from every other string', () => {
    const reply = {
      definition: { vcenter: { server: 'vc', username: 'u', password: 'pa55word' } },
      error: 'login failed for u/pa55word',
      list: ['x pa55word y'],
    }
    const { value, secrets } = scrubReply(reply, [])
    expect(value).toEqual({
      definition: { vcenter: { server: 'vc', username: 'u', password: REDACTED } },
      error: 'login failed for u/***',
      list: ['x *** y'],
    })
    expect(secrets).toContain('pa55word')
  })

  it('removes known secrets such as the API key', () => {
    expect(scrubReply({ error: 'bad key k-0123' }, ['k-0123']).value).toEqual({ error: 'bad key ***' })
  })

  it('collects secrets that are not strings', () => {
    const { value } = scrubReply({ password: 123456, note: 'pin 123456' }, [])
    expect(value).toEqual({ password: REDACTED, note: 'pin ***' })
  })

  it('masks every password of a 500-job reply and lists each distinct one once', () => {
    const jobs = Array.from({ length: 500 }, (_, i) => ({
      definition: { vcenter: { password: i % 2 === 0 ? 'shared-pw' : `pw-${i}.*+?(x)` } },
      error: i % 2 === 0 ? 'login failed: shared-pw' : `login failed: pw-${i}.*+?(x) rejected`,
    }))
    const { value, secrets } = scrubReply({ jobs }, [])
    const text = JSON.stringify(value)
    expect(text).not.toMatch(/shared-pw|pw-\d/)
    expect((value as { jobs: { error: string }[] }).jobs[1]!.error).toBe('login failed: *** rejected')
    expect(secrets).toHaveLength(251)
  }, 30_000)

  it('masks a secret that contains another one whole', () => {
    const { value } = scrubReply(
      { a: { password: 'abcd' }, b: { password: 'xxabcdxx' }, note: 'xxabcdxx abcd' },
      [],
    )
    expect((value as { note: string }).note).toBe('*** ***')
  })

  it('leaves the input untouched', () => {
    const reply = { password: 'pa55word' }
    scrubReply(reply, [])
    expect(reply.password).toBe('pa55word')
  })
})

describe('redactBodyText', () => {
  it('masks secret JSON fields, including a cut-off last one', () => {
    expect(redactBodyText('{"vcenter":{"password":"a\\"b","x":1}}', [])).toBe(
      `{"vcenter":{"password":"${REDACTED}","x":1}}`,
    )
    expect(redactBodyText('{"jobs":[{"password":"abc', [])).toBe(`{"jobs":[{"password":"${REDACTED}"`)
    expect(redactBodyText('{"Password" : "abc"}', [])).toBe(`{"Password" : "${REDACTED}"}`)
  })

  it('removes a known secret in its raw, JSON-escaped and Go-escaped forms', () => {
    const secret = 'a<b>&"c'
    const text = `raw ${secret} json ${JSON.stringify(secret)} go "a\\u003cb\\u003e\\u0026\\"c"`
    const out = redactBodyText(text, [secret])
    expect(out).toBe('raw *** json "***" go "***"')
  })

  prop.prop([fc.string({ minLength: 3 }), fc.string(), fc.string()])(
    'never returns a text that holds the secret in a password field',
    (secret, before, after) => {
      const body = `${before}{"password":${JSON.stringify(secret)}}${after}`
      const out = redactBodyText(body, [])
      expect(out).toContain(`"password":"${REDACTED}"`)
      expect(out.replace(before, '').replace(after, '')).not.toContain(JSON.stringify(secret))
    },
  )
})
