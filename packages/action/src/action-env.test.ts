import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { EOL, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { realActionEnv } from './action-env.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'action-env-'))
})
afterEach(async () => {
  process.exitCode = undefined
  await rm(dir, { recursive: true, force: true })
})

async function runnerFiles() {
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  }
  for (const file of Object.values(files)) await writeFile(file, '')
  return files
}

describe('realActionEnv', () => {
  it('reads trimmed inputs and state from the runner variables', () => {
    const env = realActionEnv({ 'INPUT_VM-PATH': '  /DC/vm/a \n', STATE_jobs: '["j"]' }, () => {})
    expect(env.getInput('vm-path')).toBe('/DC/vm/a')
    expect(env.getInput('missing')).toBe('')
    expect(env.getState('jobs')).toBe('["j"]')
  })

  it('masks each line of a secret and redacts it from outputs, state, log lines and the summary', async () => {
    const files = await runnerFiles()
    const out: string[] = []
    const env = realActionEnv({ ...files }, (t) => out.push(t))
    env.addSecret('pa55\nword')
    env.setOutput('result', 'x pa55\nword y')
    env.saveState('note', 'pa55\nword')
    env.info('login pa55\nword failed')
    await env.writeSummary('<p>pa55\nword</p>')
    expect(out.slice(0, 3)).toEqual([
      `::add-mask::pa55%0Aword${EOL}`,
      `::add-mask::pa55${EOL}`,
      `::add-mask::word${EOL}`,
    ])
    const all = [
      out.join(''),
      ...(await Promise.all(Object.values(files).map((f) => readFile(f, 'utf8')))),
    ].join('')
    expect(all.replace(/::add-mask::.*/g, '')).not.toMatch(/pa55|word/)
    expect(await readFile(files.GITHUB_OUTPUT, 'utf8')).toMatch(
      /^result<<ghadelimiter_[0-9a-f-]+\r?\nx \*\*\* y\r?\nghadelimiter_/,
    )
  })

  it('keeps a daemon text from acting as a workflow command in a log line', () => {
    const out: string[] = []
    realActionEnv({}, (t) => out.push(t)).info('::set-output name=status::completed')
    expect(out.join('')).not.toMatch(/^::set-output/)
  })

  it('writes annotations, groups and a failed step as the runner reads them', () => {
    const out: string[] = []
    const env = realActionEnv({}, (t) => out.push(t))
    env.warning('disk: 90%', 'Space, low')
    env.startGroup('Exporting 2 VMs')
    env.endGroup()
    env.setFailed('a job failed\nsee above')
    expect(out.join('').split(EOL)).toEqual([
      '::warning title=Space%2C low::disk: 90%25',
      '::group::Exporting 2 VMs',
      '::endgroup::',
      '::error::a job failed%0Asee above',
      '',
    ])
    expect(process.exitCode).toBe(1)
  })

  it('falls back to the legacy output command when the runner names no output file', () => {
    const out: string[] = []
    realActionEnv({}, (t) => out.push(t)).setOutput('status', 'completed')
    expect(out.join('')).toBe(`${EOL}::set-output name=status::completed${EOL}`)
  })

  it('refuses to write an output when the runner names a file that does not exist', () => {
    const env = realActionEnv({ GITHUB_OUTPUT: join(dir, 'nope') }, () => {})
    expect(() => env.setOutput('status', 'x')).toThrow(/Missing file at path/)
  })
})
