import { fc, it as prop } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  escapeUnsafeForJson,
  neutraliseCommands,
  safeJson,
  sanitizeHtml,
  sanitizeLogText,
  sanitizeText,
} from './sanitize.js'

// written out, not taken from the module: C0, DEL, C1, the bidi and zero-width format characters, separators
const RAW_UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u2028\u2029\ufeff]/

// .NET Char.IsWhiteSpace, which the runner's Trim() drops before looking for `::`
const DOTNET_WHITESPACE = /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF]*/

// what the runner treats as a command: `::` after trimming, or `##[` anywhere (the legacy form)
function runnerSeesCommand(line: string): boolean {
  return line.replace(DOTNET_WHITESPACE, '').startsWith('::') || line.includes('##[')
}

describe('sanitizeText', () => {
  it('shows escape sequences, carriage returns and C1 controls as text', () => {
    expect(sanitizeText('a\x1b[2Jb\rc\u009b31md\x1b]0;t\x07')).toBe('a\\x1b[2Jb\\x0dc\\x9b31md\\x1b]0;t\\x07')
  })

  it('shows bidi controls, zero-width characters and line separators as text', () => {
    expect(sanitizeText('x\u202eevil\u2066y\u2028z\u200bw\u200dv\ufeffu')).toBe(
      'x\\u202eevil\\u2066y\\u2028z\\u200bw\\u200dv\\ufeffu',
    )
    expect(sanitizeText('tag\u{e0041}')).toBe('tag\\u{e0041}')
  })

  it('keeps newlines only when asked', () => {
    expect(sanitizeText('a\nb')).toBe('a\\x0ab')
    expect(sanitizeText('a\nb\x07', { keepNewlines: true })).toBe('a\nb\\x07')
  })

  it('leaves ordinary unicode alone', () => {
    expect(sanitizeText('/DC/vm/ünï 😀 中文 עברית')).toBe('/DC/vm/ünï 😀 中文 עברית')
  })

  prop.prop([fc.string({ unit: 'binary' })])('never lets a raw unsafe character through', (text) => {
    expect(RAW_UNSAFE.test(sanitizeText(text))).toBe(false)
    expect(RAW_UNSAFE.test(sanitizeText(text, { keepNewlines: true }).replace(/\n/g, ''))).toBe(false)
  })
})

describe('safeJson', () => {
  prop.prop([fc.jsonValue()])('parses back to the same value and holds no raw unsafe character', (value) => {
    const text = safeJson(value, 2)
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)))
    expect(RAW_UNSAFE.test(text.replace(/\n/g, ''))).toBe(false)
  })

  it('escapes C1 controls and format characters that JSON.stringify leaves raw', () => {
    expect(safeJson({ a: '\u009b2J\u202e\u{e0041}' })).toBe('{"a":"\\u009b2J\\u202e\\udb40\\udc41"}')
  })
})

describe('escapeUnsafeForJson', () => {
  it('keeps newlines and escapes the rest as JSON escapes', () => {
    expect(escapeUnsafeForJson('a\u202eb\nc')).toBe('a\\u202eb\nc')
  })
})

describe('sanitizeHtml', () => {
  it('escapes markup, shows controls as escapes and turns line breaks into <br>', () => {
    expect(sanitizeHtml('<b>&"\'\x1b[31m\u202ex\r\ny')).toBe(
      '&lt;b&gt;&amp;&quot;&#39;\\x1b[31m\\u202ex<br>y',
    )
  })

  prop.prop([fc.string({ unit: 'binary' })])(
    'never holds a raw unsafe character or a tag of its own',
    (text) => {
      const html = sanitizeHtml(text).replace(/<br>/g, '')
      expect(RAW_UNSAFE.test(html)).toBe(false)
      expect(html).not.toMatch(/[<>]/)
    },
  )
})

describe('neutraliseCommands', () => {
  it.each([
    '::set-output name=x::1',
    '  ::add-mask::abc',
    '\t::stop-commands::tok',
    '\u0085::warning::x',
    '\ufeff::warning::x',
    'text ##[set-output name=x;]1',
    '##[group]x',
  ])('keeps the runner from reading %j as a command', (line) => {
    expect(runnerSeesCommand(neutraliseCommands(line))).toBe(false)
  })

  it('checks every line when the text holds CR, LF and CRLF line breaks', () => {
    const out = neutraliseCommands('ok\n::a::1\r::b::2\r\n::c::3')
    expect(out.split('\n')).toHaveLength(4)
    expect(out.split('\n').some(runnerSeesCommand)).toBe(false)
  })

  it('leaves ordinary text unchanged when it holds no command', () => {
    expect(neutraliseCommands('job 1f0c: running (connecting) a::b # [x]')).toBe(
      'job 1f0c: running (connecting) a::b # [x]',
    )
  })

  const tricky = fc
    .array(
      fc.constantFrom(
        ':',
        '::',
        '#',
        '##',
        '[',
        ' ',
        '\t',
        '\u0085',
        '\u3000',
        '\uFEFF',
        '\n',
        '\r',
        'a',
        '\u200B',
      ),
    )
    .map((parts) => parts.join(''))

  prop.prop([fc.oneof(fc.string({ unit: 'binary' }), tricky)])(
    'never leaves a line the runner reads as a command',
    (text) => {
      expect(
        neutraliseCommands(text)
          .split(/\r\n|\r|\n/)
          .some(runnerSeesCommand),
      ).toBe(false)
      expect(
        sanitizeLogText(text)
          .split(/\r\n|\r|\n/)
          .some(runnerSeesCommand),
      ).toBe(false)
    },
  )
})
