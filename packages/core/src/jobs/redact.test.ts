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
