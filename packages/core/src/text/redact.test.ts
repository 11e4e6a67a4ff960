import { fc, it as prop } from '@fast-check/vitest'
import { SWEEP_SECRETS, secretForms } from '@hyperctl-export/fixtures'
import { describe, expect, it } from 'vitest'
import {
  isSecretKey,
  REDACTED,
  redactSecretFields,
  redactSecrets,
  redactText,
  secretScrubber,
} from './redact.js'

const ISSUE_SECRETS = SWEEP_SECRETS

/** Every form of a secret the redactor promises to remove. */
function formsOf(secret: string): string[] {
  return [...new Set(Object.values(secretForms(secret)))]
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
    numRuns: 200,
    interruptAfterTimeLimit: 20_000,
  })(
    'never returns a text holding any form of a long secret',
    (secret, before, after) => {
      fc.pre(secret.trim().length >= 4)
      const scrub = secretScrubber([secret])
      for (const shown of formsOf(secret)) {
        fc.pre(!before.includes(shown) && !after.includes(shown) && !shown.includes('***'))
        expect(scrub(`${before}${shown}${after}`)).not.toContain(shown)
      }
    },
    60_000,
  )

  prop.prop([fc.string({ minLength: 1, maxLength: 3 }), fc.constantFrom('=', ': ', '"', "'", '//')])(
    'never returns a text holding a short secret as a value',
    (secret, lead) => {
      // a secret made of the very delimiters that mark a value (`@`, `:`) cannot be told from them
      fc.pre(secret.trim() !== '' && !/[*@:=/"'`]/.test(secret))
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
      fc.pre(secret !== REDACTED && !JSON.stringify(doc).includes(JSON.stringify(secret)))
      const planted = { outer: [doc, { deep: { [key]: secret } }], [key]: secret }
      // why: the secret is a value, so no value may be it; searching the JSON text for a short secret such
      // as ":" would find the document's own punctuation ("password":"[redacted]")
      expect(stringValues(redactSecrets(planted))).not.toContain(secret)
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

/** Every string value at any depth of a JSON value (keys aside). */
function stringValues(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(stringValues)
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringValues)
  return []
}
