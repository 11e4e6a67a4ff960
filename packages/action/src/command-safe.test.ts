import { fc, it as prop } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { neutraliseCommands, oneLine } from './command-safe.js'

// .NET Char.IsWhiteSpace, which the runner's Trim() drops before looking for `::`
const DOTNET_WHITESPACE = /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*/

// what the runner treats as a command: `::` after trimming, or `##[` anywhere (the legacy form)
function runnerSeesCommand(line: string): boolean {
  return line.replace(DOTNET_WHITESPACE, '').startsWith('::') || line.includes('##[')
}

describe('neutraliseCommands', () => {
  it.each([
    '::set-output name=x::1',
    '  ::add-mask::abc',
    '\t::stop-commands::tok',
    '\u0085::warning::x',
    'text ##[set-output name=x;]1',
    '##[group]x',
  ])('keeps the runner from reading %j as a command', (line) => {
    const out = neutraliseCommands(line)
    expect(runnerSeesCommand(out)).toBe(false)
    expect(out.replace(/\u200B/g, '')).toBe(line)
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
    },
  )
})

describe('oneLine', () => {
  it('shows line breaks and escape characters as escapes when a VM path holds them', () => {
    expect(oneLine('/DC/vm/a\n::set-output x\r\u001b[31m')).toBe('/DC/vm/a\\n::set-output x\\r\\u001b[31m')
  })
})
