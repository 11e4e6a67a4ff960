import { describe, expect, it } from 'vitest'
import { encodeText } from '../go/go-bytes.js'
import type { WireType } from '../go/go-json-decode.js'
import { decodeGoJson } from './replies.js'

const int: WireType = { kind: 'int' }
const time: WireType = { kind: 'time' }

describe('decodeGoJson', () => {
  it('reports a read error that cuts a top-level scalar, as Go cannot tell the scalar has ended', () => {
    expect(decodeGoJson(encodeText('123'), int, 'read: timeout')).toEqual({
      ok: false,
      error: 'read: timeout',
    })
    expect(decodeGoJson(encodeText('123 '), int, 'read: timeout')).toEqual({ ok: true, value: 123n })
    expect(decodeGoJson(encodeText('123'), int)).toEqual({ ok: true, value: 123n })
  })

  it('hands time.Time the string as written, escapes and all', () => {
    const outcome = decodeGoJson(encodeText('"2024\\u002d01-02T03:04:05Z"'), time)
    expect(outcome.ok).toBe(false)
    if (!outcome.ok) expect(outcome.error).toContain('2024\\\\u002d01')
  })
})
