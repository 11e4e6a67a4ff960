import { UsageError } from '@hyperctl-export/core'
import { describe, expect, it } from 'vitest'
import { parseCommandLine } from './command-line.js'
import { COMMANDS } from './command-table.js'

const parse = (...argv: string[]) => parseCommandLine(argv, '9.9.9')

describe('parseCommandLine', () => {
  it('keeps number-like values exactly as typed', () => {
    expect(parse('wait', '007', '1e3', '--api-key', '0x10', '--timeout=012')).toEqual({
      kind: 'run',
      command: 'wait',
      args: ['007', '1e3'],
      values: { 'api-key': '0x10', timeout: '012' },
    })
  })

  it('reads options before the command, short flags and grouped short switches', () => {
    expect(parse('--json', '-qv', 'export', '/DC/vm/a', '-o', '/out', '--compress')).toMatchObject({
      command: 'export',
      args: ['/DC/vm/a'],
      values: { json: true, quiet: true, verbose: true, output: '/out', compress: true },
    })
    expect(parse('submit', '--job-file', '-', '-o/x')).toMatchObject({
      values: { 'job-file': '-', output: '/x' },
    })
  })

  it('joins repeated --status values', () => {
    expect(parse('jobs', '--status', 'running', '--status', 'failed,completed')).toMatchObject({
      values: { status: 'running,failed,completed' },
    })
  })

  it('prints the same help for `help <command>` and `<command> --help`, for every command', () => {
    for (const { name } of COMMANDS) {
      const viaFlag = parse(name, '--help')
      expect(viaFlag.kind).toBe('shown')
      expect(parse('help', name)).toEqual(viaFlag)
    }
    expect(parse('help')).toEqual(parse('--help'))
  })

  it('lists in a command help exactly its options, each with its variable', () => {
    const result = parse('help', 'jobs')
    if (result.kind !== 'shown') throw new Error('no help')
    const flags = [...result.text.matchAll(/^ {2}(?:-\w, )?--([a-z-]+)/gm)].map((m) => m[1])
    expect(flags).toEqual(COMMANDS.find((c) => c.name === 'jobs')!.options)
    expect(result.text).toContain('env HYPERCTL_EXPORT_STATUS')
    expect(result.text).toContain('Connection options:')
    expect(result.text).not.toContain('--max-concurrent')
    expect(result.text).not.toMatch(/ +\n/)
  })

  it('prints the version when --version is given', () => {
    expect(parse('--version')).toMatchObject({ text: expect.stringMatching(/^hyperctl-export\/9\.9\.9 /) })
  })

  it.each([
    [[], 'no command given'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['exprot'], 'unknown command "exprot"; did you mean "export"?'],
    [['help', 'stauts'], 'there is no such command; did you mean "status"?'],
    [['status', '--frob'], 'unknown option --frob'],
    [['export', '--outptu', 'x'], 'unknown option --outptu; did you mean --output?'],
    [['status', '-x'], 'unknown option -x'],
    [
      ['status', '--compress'],
      '--compress is not an option of status (it is an option of export, submit, config)',
    ],
    [['job'], 'job needs <id>'],
    [['job', 'a', 'b'], 'job takes 1 argument, got 2'],
    [['status', 'x'], 'status takes no arguments'],
    [['export', '--output'], '--output needs a value'],
    [['status', '--json=yes'], '--json is a switch and takes no value'],
    [['completion', 'fihs'], 'not "fihs"; did you mean "fish"?'],
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
