import { fc, it as prop } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { neutralise, safeJson } from './terminal-text.js'

const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

describe('neutralise', () => {
  it('shows escape sequences, carriage returns and C1 controls as text', () => {
    expect(neutralise('a\x1b[2Jb\rc\u009b31md')).toBe('a\\x1b[2Jb\\x0dc\\x9b31md')
  })

  it('shows bidi overrides and line separators as text', () => {
    expect(neutralise('x\u202eevil\u2066y\u2028z')).toBe('x\\u202eevil\\u2066y\\u2028z')
  })

  it('keeps newlines only when asked', () => {
    expect(neutralise('a\nb')).toBe('a\\x0ab')
    expect(neutralise('a\nb\x07', { keepNewlines: true })).toBe('a\nb\\x07')
  })

  it('leaves ordinary unicode alone', () => {
    expect(neutralise('/DC/vm/ünï 😀 中文')).toBe('/DC/vm/ünï 😀 中文')
  })

  prop.prop([fc.string({ unit: 'binary' })])('never lets a raw control character through', (text) => {
    expect(RAW_CONTROL.test(neutralise(text))).toBe(false)
  })
})

describe('safeJson', () => {
  prop.prop([fc.jsonValue()])('parses back to the same value and holds no raw control character', (value) => {
    const text = safeJson(value, 2)
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)))
    expect(RAW_CONTROL.test(text.replace(/\n/g, ''))).toBe(false)
  })

  it('escapes C1 controls that JSON.stringify leaves raw', () => {
    expect(safeJson({ a: '\u009b2J' })).toBe('{"a":"\\u009b2J"}')
  })
})
