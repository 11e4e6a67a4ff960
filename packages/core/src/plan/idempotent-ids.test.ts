import { describe, expect, it } from 'vitest'
import { idempotentJobIds, uuidV5 } from './idempotent-ids.js'

describe('uuidV5', () => {
  it('gives the same version-5 UUID for the same name and another for another name', () => {
    expect(uuidV5('a')).toBe(uuidV5('a'))
    expect(uuidV5('a')).not.toBe(uuidV5('b'))
    expect(uuidV5('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})

describe('idempotentJobIds', () => {
  const jobs = [
    { vmPath: '/DC/vm/a', outputPath: '/x/a' },
    { vmPath: '/DC/vm/b', outputPath: '/x/b' },
  ]
  it('keeps each VM its ID when the list is reordered', () => {
    const ids = idempotentJobIds('k', jobs)
    expect(idempotentJobIds('k', [...jobs].reverse())).toEqual([...ids].reverse())
  })
  it('gives other IDs for another key and distinct IDs for a repeated VM', () => {
    expect(idempotentJobIds('k2', jobs)).not.toEqual(idempotentJobIds('k', jobs))
    const twice = idempotentJobIds('k', [jobs[0]!, jobs[0]!])
    expect(new Set(twice).size).toBe(2)
  })
  it('keeps an ID the caller chose', () => {
    expect(idempotentJobIds('k', [{ ...jobs[0]!, id: 'mine' }])).toEqual(['mine'])
  })
})
