import { describe, expect, it } from 'vitest'
import { redactSecrets, redactText } from './redact.js'

describe('redactSecrets', () => {
  it('masks the vCenter password the daemon echoes, at any depth, without touching the input', () => {
    const reply = {
      definition: { vcenter: { server: 's', username: 'u', password: 'hunter22' }, password: 'p2' },
    }
    const out = redactSecrets(reply)
    expect(JSON.stringify(out)).not.toContain('hunter22')
    expect(JSON.stringify(out)).not.toContain('p2')
    expect(out.definition.vcenter.server).toBe('s')
    expect(reply.definition.vcenter.password).toBe('hunter22')
  })
})

describe('redactText', () => {
  it('replaces every occurrence of each secret', () => {
    expect(redactText('a key=abc123 and abc123', ['abc123', undefined])).toBe('a key=*** and ***')
  })
})

describe('redactText with escaped forms', () => {
  it('masks a password as a JSON or Go encoder quotes it', () => {
    const password = 'p"ss<&>wo\\rd'
    const json = JSON.stringify({ error: `bad password ${password}` })
    const go = json.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)
    for (const text of [json, go, `plain ${password}`]) {
      const out = redactText(text, [password])
      expect(out).toContain('***')
      expect(JSON.stringify(JSON.parse(JSON.stringify(out)))).not.toContain('ss<&>wo')
      expect(out).not.toContain('ss\\u003c\\u0026\\u003ewo')
    }
  })
})
