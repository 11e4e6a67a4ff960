import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  AuthFailedError,
  CommandFailedError,
  DaemonError,
  DaemonUnreachableError,
  ExportFileParseError,
  exitCodeFor,
  type HintFact,
  type HintWords,
  type HyperctlError,
  HyperctlNotInstalledError,
  HyperctlParseError,
  hintIn,
  IncompleteExportError,
  JobCancelledError,
  JobFailedError,
  JobNotFoundError,
  JobRejectedError,
  JobSkippedError,
  JobTimeoutError,
  NEUTRAL_WORDS,
  OperationAbortedError,
  type Rerun,
  UsageError,
} from '@hyperctl-export/core'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { COMMAND_NAMES } from '../../cli/src/command-table.js'
import { CLI_WORDS } from '../../cli/src/hint-words.js'
import { envNames, OPTIONS, PASSWORD_ENV } from '../../cli/src/option-table.js'
import { ACTION_WORDS } from '../src/hint-words.js'
import { repoRoot } from './support/action-harness.js'

// Every error kind, with every fact core can state, worded by each face: whatever a hint tells the user to
// set or run must exist in that face (an action input in action.yml; a CLI flag, variable or command).

const URL = 'http://127.0.0.1:9'
const J = 'c0ffee00-0000-5000-8000-000000000001'

// why: keyed by fact, so a fact added to core without an example here fails the typecheck
const BY_FACT: Record<HintFact['fact'], HyperctlError[]> = {
  text: [
    new UsageError('bad arguments'),
    new CommandFailedError('x', { exitCode: 1, stderr: '', stdout: '' }),
  ],
  set: [new UsageError('bad URL', { fact: 'set', setting: 'daemon-url', to: 'to the daemon address' })],
  'install-hyperctl': [new HyperctlNotInstalledError('/opt/hyperctl', 'ENOENT')],
  'cli-transport-limit': [
    new UsageError('x', { fact: 'cli-transport-limit', why: 'no-key' }),
    new UsageError('x', { fact: 'cli-transport-limit', why: 'fixed-url' }),
  ],
  'daemon-unreachable': [
    new DaemonUnreachableError(URL, 'ECONNREFUSED'),
    new DaemonUnreachableError(URL, 'ECONNREFUSED', { jobIds: [J] }),
  ],
  'key-refused': [new AuthFailedError(URL, 401)],
  'url-credentials': [new UsageError('x', { fact: 'url-credentials' })],
  'hyperctl-version': [new UsageError('x', { fact: 'hyperctl-version' })],
  'unreadable-output': [
    new HyperctlParseError('a table', 'raw'),
    new HyperctlParseError('a reply', 'raw', { source: 'hypervisord' }),
  ],
  'unreadable-table': [new HyperctlParseError('a row', 'raw', { hint: { fact: 'unreadable-table' } })],
  'daemon-said': [new DaemonError('boom', 500)],
  'job-rejected': [new JobRejectedError('job with ID x already exists')],
  'job-skipped': [new JobSkippedError('fail-fast')],
  'job-failed': [
    new JobFailedError(J, 'export failed: vcenter server is required'),
    new JobFailedError(J, undefined),
    new JobFailedError(J, 'hyperctl export failed: exit status 1'),
    new JobFailedError(J, 'export failed: disk read error'),
  ],
  'job-cancelled': [new JobCancelledError(J)],
  'wait-ended': [new JobTimeoutError([J], 1000, false), new JobTimeoutError([J], 1000, true)],
  'job-forgotten': [new JobNotFoundError(J, true)],
  'no-such-job': [new JobNotFoundError(J, false)],
  'export-unverifiable': [
    new IncompleteExportError(J, '/x', [{ path: 'a.ovf', problem: 'unreadable' }], { unverifiable: true }),
  ],
  interrupted: [
    new OperationAbortedError('the wait', { jobIds: [J] }),
    new OperationAbortedError('the wait'),
  ],
}

const EXTRA = [
  new IncompleteExportError(J, '/x', [{ path: 'a.vmdk', problem: 'cut short' }]),
  new ExportFileParseError('manifest', 'not a line', 'raw'),
]

const RERUNS: Array<Rerun | undefined> = [undefined, 'attaches', 'exports-again']

/** Every example, under each rerun fact an export run can attach. */
function everyError(): HyperctlError[] {
  return [...Object.values(BY_FACT).flat(), ...EXTRA].flatMap((error) =>
    RERUNS.map((rerun) => {
      const copy = Object.create(error) as HyperctlError
      if (rerun) copy.rerun = rerun
      return copy
    }),
  )
}

function hints(words: HintWords): string[] {
  return everyError().map((error) => hintIn(error, words))
}

const all = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m[1]!)

describe('hints worded by each face', () => {
  it('cover every error kind', () => {
    const kinds = new Set(everyError().map((e) => e.kind))
    expect([...kinds].sort()).toEqual(Object.keys(exitCodeFor).sort())
  })

  it("name only the CLI's own flags, variables and commands in the CLI", () => {
    const flags = new Set(OPTIONS.map((o) => o.name))
    const variables = new Set([...OPTIONS.flatMap((o) => envNames(o)), PASSWORD_ENV])
    const named = { flags: 0, variables: 0, commands: 0 }
    for (const hint of hints(CLI_WORDS)) {
      for (const flag of all(hint, /--([a-z][a-z-]*)/g)) {
        expect(flags, hint).toContain(flag)
        named.flags++
      }
      for (const variable of all(hint, /\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/g)) {
        expect(variables, hint).toContain(variable)
        named.variables++
      }
      for (const command of all(hint, /`hyperctl-export ([a-z-]+)/g)) {
        expect(COMMAND_NAMES, hint).toContain(command)
        named.commands++
      }
      expect(hint).not.toMatch(/\binputs? [a-z]|\bsetting\b|allow resubmission/)
    }
    // the check looked at something: hints do name flags, variables and commands
    expect(Object.values(named).every((n) => n > 0)).toBe(true)
  })

  it("name only the action's own inputs in the action, and no CLI command or flag", async () => {
    const action = parse(await readFile(join(repoRoot, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>
    }
    const inputs = new Set(Object.keys(action.inputs))
    let named = 0
    for (const hint of hints(ACTION_WORDS)) {
      for (const list of [
        ...all(hint, /\binput ([a-z-]+)/g),
        ...all(hint, /\binputs ([a-z-]+(?:, [a-z-]+)* and [a-z-]+)/g),
      ]) {
        for (const input of list.split(/, | and /)) {
          expect(inputs, hint).toContain(input)
          named++
        }
      }
      expect(hint).not.toMatch(/--[a-z]|`hyperctl-export|\b[A-Z]+_[A-Z_]+\b|\bsetting\b|allow resubmission/)
    }
    expect(named).toBeGreaterThan(0)
  })

  it('say a rerun is safe only when the job IDs repeat, and never without saying so', () => {
    for (const words of [CLI_WORDS, ACTION_WORDS, NEUTRAL_WORDS]) {
      for (const error of everyError()) {
        const hint = hintIn(error, words)
        if (error.rerun !== 'attaches') expect(hint, hint).not.toMatch(/unchanged|to resume/)
      }
      const skipped = new JobSkippedError('fail-fast')
      skipped.rerun = 'exports-again'
      expect(hintIn(skipped, words)).toContain('a second time')
      skipped.rerun = 'attaches'
      expect(hintIn(skipped, words)).toContain('unchanged')
    }
  })

  it('word one fact with each face’s own name for the same setting', () => {
    const timeout = new JobTimeoutError([J], 1000, true)
    expect(hintIn(timeout, CLI_WORDS)).toBe(
      'Raise --timeout (HYPERCTL_EXPORT_TIMEOUT) if the export needs longer.',
    )
    expect(hintIn(timeout, ACTION_WORDS)).toBe('Raise input timeout if the export needs longer.')
    const left = new JobTimeoutError([J], 1000, false)
    expect(hintIn(left, CLI_WORDS)).toContain(`\`hyperctl-export wait ${J}\``)
    expect(hintIn(left, ACTION_WORDS)).not.toContain('wait')
  })
})
