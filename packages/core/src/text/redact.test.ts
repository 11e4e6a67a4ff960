import { fc, it as prop } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  isSecretKey,
  REDACTED,
  redactSecretFields,
  redactSecrets,
  redactText,
  secretScrubber,
} from './redact.js'

/** The secrets the issue names: short, shell-hostile, multi-line, already encoded, base64, padded, HTML. */
const ISSUE_SECRETS = [
  'ab',
  'p a"s\'s $(touch x) `touch y` ü🔑',
  'line1\nline2',
  'p%40ss%2Fw0rd%25',
  'cGFzc3dvcmQxMjM=',
  ' sp-lead-trail ',
  '<&>"\\x',
]

// Each encoder below is written from the format's definition, not from the code under test.
const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0')
const jsonInner = (s: string) => JSON.stringify(s).slice(1, -1)
/** Go's encoding/json: also <, >, & and the two JS line separators as \u escapes. */
const goJsonInner = (s: string) =>
  jsonInner(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${hex(c.charCodeAt(0), 4)}`)
/** Go's strconv.Quote (%q) without the quotes; ascii=true is QuoteToASCII. */
function goQuoteInner(s: string, ascii = false): string {
  const short: Record<string, string> = {
    '\x07': 'a',
    '\b': 'b',
    '\f': 'f',
    '\n': 'n',
    '\r': 'r',
    '\t': 't',
    '\v': 'v',
  }
  let out = ''
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0
    if (ch === '"' || ch === '\\') out += `\\${ch}`
    else if (short[ch]) out += `\\${short[ch]}`
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`
    else if (cp < 0x80 || (!ascii && /\p{L}|\p{N}|\p{P}|\p{S}/u.test(ch))) out += ch
    else out += cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`
  }
  return out
}
const upperUri = (s: string) => encodeURIComponent(s)
const lowerUri = (s: string) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())
const form = (s: string) => new URLSearchParams({ v: s }).toString().slice(2)
const base64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')
const base64Url = (s: string) => Buffer.from(s, 'utf8').toString('base64url')

/** Every form of a secret the redactor promises to remove. */
function formsOf(secret: string): string[] {
  const encoders = [
    (s: string) => s,
    jsonInner,
    goJsonInner,
    goQuoteInner,
    (s: string) => goQuoteInner(s, true),
    upperUri,
    lowerUri,
    form,
    (s: string) => form(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    base64,
    base64Url,
  ]
  return [...new Set(encoders.map((encode) => encode(secret)))]
}

describe('secretScrubber', () => {
  for (const secret of ISSUE_SECRETS.filter((s) => s.length >= 4)) {
    it(`removes every form of ${JSON.stringify(secret)} wherever it occurs`, () => {
      const scrub = secretScrubber([secret])
      for (const shown of formsOf(secret)) {
        for (const text of [`login failed with ${shown}.`, `x${shown}y`, `{"error":"${shown}"}`]) {
          expect(scrub(text), `${text}`).not.toContain(shown)
          expect(scrub(text)).toContain('***')
        }
      }
    })
  }

  it('removes a short secret where it stands as a value, in every form', () => {
    const scrub = secretScrubber(['ab', '<&'])
    for (const shown of [...formsOf('ab'), ...formsOf('<&')]) {
      for (const text of [
        `password=${shown}`,
        `pin: ${shown}, retry`,
        `"${shown}"`,
        `'${shown}'`,
        `vi://user:${shown}@vc/dc`,
        `https://${shown}@host/`,
        shown,
        `first line\n  ${shown}\nlast line`,
      ]) {
        expect(scrub(text), text).not.toContain(`${shown}`.length > 0 ? shown : '\0')
      }
    }
  })

  it('leaves a short secret inside ordinary words alone', () => {
    const scrub = secretScrubber(['ab'])
    expect(scrub('the table is about a cab')).toBe('the table is about a cab')
    expect(scrub('key=abc')).toBe('key=abc')
  })

  it('masks the password of any URL, known or not', () => {
    expect(redactText('open vi://root:S3cret!@vc.example/dc failed', [])).toBe(
      'open vi://root:***@vc.example/dc failed',
    )
    expect(redactText('see https://example.com/a:b@c', [])).toBe('see https://example.com/a:b@c')
  })

  it('masks the trimmed form of a padded secret and each line of a multi-line one', () => {
    expect(redactText('got sp-lead-trail|', [' sp-lead-trail '])).toBe('got ***|')
    expect(redactText('first: line1 then line2', ['line1\nline2'])).toBe('first: *** then ***')
  })

  it('masks a secret at every alignment inside a longer base64 text', () => {
    const secret = 'hunter2-long-enough'
    for (const user of ['u', 'us', 'use']) {
      const header = Buffer.from(`${user}:${secret}`).toString('base64')
      const out = redactText(`Authorization-ish ${header}`, [secret])
      expect(out).toContain('***')
      expect(out.length).toBeLessThan(`Authorization-ish ${header}`.length)
    }
  })

  it('masks a secret that contains another one whole', () => {
    expect(redactText('xxabcdxx abcd', ['abcd', 'xxabcdxx'])).toBe('*** ***')
  })

  prop.prop([fc.string({ minLength: 4, maxLength: 24, unit: 'grapheme' }), fc.string(), fc.string()], {
    numRuns: 300,
  })('never returns a text holding any form of a long secret', (secret, before, after) => {
    fc.pre(secret.trim().length >= 4)
    const scrub = secretScrubber([secret])
    for (const shown of formsOf(secret)) {
      fc.pre(!before.includes(shown) && !after.includes(shown) && !shown.includes('***'))
      expect(scrub(`${before}${shown}${after}`)).not.toContain(shown)
    }
  })

  prop.prop([fc.string({ minLength: 1, maxLength: 3 }), fc.constantFrom('=', ': ', '"', "'", '//')])(
    'never returns a text holding a short secret as a value',
    (secret, lead) => {
      fc.pre(secret.trim() !== '' && !secret.includes('*'))
      const scrub = secretScrubber([secret])
      const close = lead === '//' ? '@' : lead === '=' || lead === ': ' ? ' ' : lead
      for (const shown of formsOf(secret)) {
        const text = `key${lead}${shown}${close}`
        expect(scrub(text)).toBe(`key${lead}***${close}`)
      }
    },
  )

  prop.prop([fc.stringMatching(/^[a-z ]{0,60}$/), fc.stringMatching(/^[0-9]{4,12}$/)])(
    'leaves a text without the secret unchanged',
    (text, secret) => {
      expect(secretScrubber([secret])(text)).toBe(text)
    },
  )
})

describe('isSecretKey', () => {
  it('names the fields that hold secrets, in any case and at the end of a longer name', () => {
    for (const key of [
      'password',
      'Password',
      'vcenter_password',
      'passwd',
      'pass',
      'db_pass',
      'secret',
      'client_secret',
      'token',
      'access_token',
      'api_key',
      'apikey',
      'X-API-Key',
      'authorization',
      'Cookie',
      'set-cookie',
      'private_key',
    ]) {
      expect(isSecretKey(key), key).toBe(true)
    }
    for (const key of ['username', 'server', 'vm_path', 'password_hint', 'tokens_used']) {
      expect(isSecretKey(key), key).toBe(false)
    }
  })
})

describe('redactSecrets', () => {
  it('replaces secret-named fields at any depth and leaves the input untouched', () => {
    const reply = {
      definition: { vcenter: { server: 's', username: 'u', password: 'hunter22' }, db_pass: 'p2' },
      headers: [{ Authorization: 'Bearer t0k', cookie: 'c=1' }],
      nested: { private_key: { pem: 'x' }, apikey: 42 },
    }
    const out = redactSecrets(reply)
    expect(out).toEqual({
      definition: { vcenter: { server: 's', username: 'u', password: REDACTED }, db_pass: REDACTED },
      headers: [{ Authorization: REDACTED, cookie: REDACTED }],
      nested: { private_key: REDACTED, apikey: REDACTED },
    })
    expect(reply.definition.vcenter.password).toBe('hunter22')
  })

  const secretKey = fc.constantFrom(
    'password',
    'Passwd',
    'x_pass',
    'SECRET',
    'token',
    'api_key',
    'apikey',
    'Cookie',
  )
  prop.prop([fc.jsonValue(), secretKey, fc.string({ minLength: 1 })])(
    'leaves no secret-named value anywhere in a JSON document',
    (doc, key, secret) => {
      fc.pre(!JSON.stringify(doc).includes(JSON.stringify(secret)))
      const planted = { outer: [doc, { deep: { [key]: secret } }], [key]: secret }
      expect(JSON.stringify(redactSecrets(planted))).not.toContain(JSON.stringify(secret))
    },
  )
})

describe('redactSecretFields', () => {
  it('masks secret-named fields in JSON, quoted JSON, cut-off JSON and key=value text', () => {
    expect(redactSecretFields('{"vcenter":{"password":"a\\"b","x":1}}')).toBe(
      `{"vcenter":{"password":"${REDACTED}","x":1}}`,
    )
    expect(redactSecretFields('{"jobs":[{"Password" : "abc')).toBe(`{"jobs":[{"Password" : "${REDACTED}"`)
    expect(redactSecretFields('{"api_key":12345}')).toBe(`{"api_key":"${REDACTED}"}`)
    expect(redactSecretFields('error: {\\"token\\":\\"t\\\\\\"x\\",\\"a\\":1}')).toBe(
      `error: {\\"token\\":\\"${REDACTED}\\",\\"a\\":1}`,
    )
    expect(redactSecretFields('GET /x?api_key=k1&a=2 {Password:hunter2}')).toBe(
      `GET /x?api_key=${REDACTED}&a=2 {Password:${REDACTED}}`,
    )
  })

  prop.prop([
    fc.string(),
    fc.string({ minLength: 1 }),
    fc.string(),
    fc.constantFrom('password', 'db_pass', 'token'),
  ])('never returns the value of a JSON secret field', (before, secret, after, key) => {
    const body = `${before}{"${key}":${JSON.stringify(secret)}}${after}`
    const out = redactSecretFields(body)
    expect(out).toContain(`"${key}":"${REDACTED}"`)
  })
})
