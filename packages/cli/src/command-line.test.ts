import { UsageError } from '@hyperctl-export/core'
import { describe, expect, it } from 'vitest'
import { parseCommandLine } from './command-line.js'

function parse(...argv: string[]) {
  let printed = ''
  const result = parseCommandLine(argv, '9.9.9', (text) => {
    printed += text
  })
  return { result, printed }
}

describe('parseCommandLine', () => {
  it('keeps number-like values exactly as typed', () => {
    const { result } = parse('wait', '007', '1e3', '--api-key', '0x10', '--idempotency-key=012')
    expect(result).toEqual({
      kind: 'run',
      command: 'wait',
      args: ['007', '1e3'],
      values: { 'api-key': '0x10', 'idempotency-key': '012' },
    })
  })

  it('reads global options before the command and short flags', () => {
    const { result } = parse('--json', '-q', 'export', '/DC/vm/a', '-o', '/out', '--compress')
    expect(result).toMatchObject({
      command: 'export',
      args: ['/DC/vm/a'],
      values: { json: true, quiet: true, output: '/out', compress: true },
    })
  })

  it('joins repeated --status values', () => {
    const { result } = parse('jobs', '--status', 'running', '--status', 'failed,completed')
    expect(result).toMatchObject({ values: { status: 'running,failed,completed' } })
  })

  it('prints help with examples and exit codes and runs nothing when --help is given', () => {
    const { result, printed } = parse('wait', '--help')
    expect(result).toEqual({ kind: 'shown' })
    expect(printed).toContain('$ hyperctl-export wait <...ids>')
    expect(printed).toContain('Examples:')
    expect(printed).toContain('130  interrupted')
    expect(printed).not.toMatch(/ +\n/)
  })

  it('prints the version when --version is given', () => {
    const { result, printed } = parse('--version')
    expect(result).toEqual({ kind: 'shown' })
    expect(printed).toMatch(/^hyperctl-export\/9\.9\.9 /)
  })

  it.each([
    [[], 'no command given'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['status', '--frob'], "Unknown option '--frob'"],
    [['status', '--compress'], "Unknown option '--compress'"],
    [['job'], 'job needs <id>'],
    [['job', 'a', 'b'], 'job takes 1 argument, got 2'],
    [['status', 'x'], 'status takes no arguments'],
    [['export', '--output'], 'argument missing'],
    [['status', '--json=yes'], 'does not take an argument'],
  ])('throws UsageError for %j', (argv, message) => {
    expect(() => parse(...argv)).toThrow(UsageError)
    expect(() => parse(...argv)).toThrow(message)
  })

  it('refuses a password flag without repeating its value', () => {
    for (const argv of [
      ['export', '--vcenter-password', 'hunter22'],
      ['export', '--vcenter-password=hunter22'],
    ]) {
      let error: unknown
      try {
        parse(...argv)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(UsageError)
      expect(String((error as UsageError).message)).toContain('no --vcenter-password option')
      expect(`${(error as UsageError).message} ${(error as UsageError).hint}`).not.toContain('hunter22')
    }
  })
})
