import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { repoRoot } from './support/action-harness.js'

interface ActionYml {
  name: string
  description: string
  branding: { icon: string; color: string }
  inputs: Record<string, { description: string; default?: string; required?: boolean }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string; post: string; 'post-if'?: string }
}

interface ActionDocs {
  renderActionDocs(actionYaml: string): string
  withActionDocs(readme: string, actionYaml: string): string
}

const actionText = await readFile(join(repoRoot, 'action.yml'), 'utf8')
const action = parse(actionText) as ActionYml
const docsModule = pathToFileURL(join(repoRoot, 'scripts/action-docs.mjs')).href
const docs = (await import(docsModule)) as ActionDocs

describe('action.yml', () => {
  it('runs the committed bundles on node24, with post after a cancel too', () => {
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'packages/action/dist/main/index.js',
      post: 'packages/action/dist/post/index.js',
      'post-if': 'always()',
    })
    expect(existsSync(join(repoRoot, action.runs.main))).toBe(true)
    expect(existsSync(join(repoRoot, action.runs.post))).toBe(true)
    expect(action.branding.icon).not.toBe('')
    expect(action.branding.color).not.toBe('')
  })

  it('describes every input and output and declares the outputs the action writes', () => {
    for (const [name, spec] of [...Object.entries(action.inputs), ...Object.entries(action.outputs)]) {
      expect(spec.description?.trim().length, name).toBeGreaterThan(20)
    }
    expect(Object.keys(action.outputs).sort()).toEqual(
      [
        'checksums',
        'duration-seconds',
        'export-method',
        'files',
        'job-id',
        'job-ids',
        'output-path',
        'result',
        'result-file',
        'status',
        'statuses',
        'transport',
        'verified',
      ].sort(),
    )
  })
})

describe('renderActionDocs', () => {
  it('puts every input with its default and every output into the README block', () => {
    const block = docs.renderActionDocs(actionText)
    for (const name of Object.keys(action.inputs))
      expect(block).toMatch(new RegExp(`^\\| \`${name}\` +\\|`, 'm'))
    for (const name of Object.keys(action.outputs))
      expect(block).toMatch(new RegExp(`^\\| \`${name}\` +\\|`, 'm'))
    expect(block).toMatch(/^\| `export-method` +\|.*\| `web` +\|$/m)
  })

  it('keeps a table row on one line and escapes pipes when a description has them', () => {
    const block = docs.renderActionDocs(
      'description: d\ninputs:\n  a:\n    description: >-\n      one | two\n      three\noutputs: {}\n',
    )
    expect(block).toMatch(/^\| `a` +\| one \\\| two three +\| +\|$/m)
  })

  it('matches the committed README', async () => {
    const readme = await readFile(join(repoRoot, 'README.md'), 'utf8')
    expect(docs.withActionDocs(readme, actionText)).toBe(readme)
  })

  it('refuses a README without the markers', () => {
    expect(() => docs.withActionDocs('# no block here\n', actionText)).toThrow('action-docs:start')
  })
})
