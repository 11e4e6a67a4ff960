import { EOL } from 'node:os'
import { describe, expect, it } from 'vitest'
import {
  escapeData,
  escapeProperty,
  fileCommandEntry,
  inputVariable,
  workflowCommand,
} from './runner-commands.js'

describe('escapeData', () => {
  it('escapes %, CR and LF so a message stays on its command line', () => {
    expect(escapeData('50% done\r\n::set-output name=x::y')).toBe('50%25 done%0D%0A::set-output name=x::y')
  })
})

describe('escapeProperty', () => {
  it('also escapes : and , which end a property', () => {
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A')
  })
})

describe('workflowCommand', () => {
  it('writes name, the non-empty properties and the escaped message', () => {
    expect(workflowCommand('warning', { title: 'Bad: x, y', file: undefined, line: '' }, 'two\nlines')).toBe(
      '::warning title=Bad%3A x%2C y::two%0Alines',
    )
  })

  it('writes no property part when there is none', () => {
    expect(workflowCommand('endgroup', {}, '')).toBe('::endgroup::')
    expect(workflowCommand('add-mask', { title: undefined }, 's3cret')).toBe('::add-mask::s3cret')
  })
})

describe('fileCommandEntry', () => {
  it('writes name<<delimiter, the value and the delimiter on their own lines', () => {
    expect(fileCommandEntry('files', '["a"]\nmore', 'ghadelimiter_x')).toBe(
      `files<<ghadelimiter_x${EOL}["a"]\nmore${EOL}ghadelimiter_x${EOL}`,
    )
  })

  it('uses a fresh random delimiter each time', () => {
    const a = fileCommandEntry('n', 'v').split(EOL)[0]
    const b = fileCommandEntry('n', 'v').split(EOL)[0]
    expect(a).toMatch(/^n<<ghadelimiter_[0-9a-f-]{36}$/)
    expect(a).not.toBe(b)
  })

  it('refuses a value or name that holds the delimiter, which would end the value early', () => {
    expect(() => fileCommandEntry('n', 'x\nD\nstatus<<E', 'D')).toThrow(/value should not contain/)
    expect(() => fileCommandEntry('nD', 'x', 'D')).toThrow(/name should not contain/)
  })
})

describe('inputVariable', () => {
  it('upper-cases the name, keeps hyphens and turns spaces into underscores', () => {
    expect(inputVariable('vm-paths')).toBe('INPUT_VM-PATHS')
    expect(inputVariable('my input')).toBe('INPUT_MY_INPUT')
  })
})
