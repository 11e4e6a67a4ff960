import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'

// The bundle replaces modules @actions/core imports for features the action never uses
// (docs/decisions/0003-action-bundle-loads-what-it-uses.md); these tests keep that true.
const pkg = join(import.meta.dirname, '..')
const notBundledUrl = pathToFileURL(join(pkg, 'bundle/not-bundled.js')).href

/** The @actions/core members that need a replaced module. */
const NEEDS_REPLACED_MODULE = ['getIDToken', 'platform']

describe('the action bundle', () => {
  it('maps exactly the replaced modules to not-bundled.js', async () => {
    const text = await readFile(join(pkg, 'bundle/tsconfig.json'), 'utf8')
    const paths = JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')).compilerOptions.paths
    expect(paths).toEqual({
      '@actions/http-client': ['./not-bundled.js'],
      '@actions/http-client/lib/auth': ['./not-bundled.js'],
      '@actions/exec': ['./not-bundled.js'],
    })
  })

  it('uses no @actions/core member that needs a replaced module', async () => {
    const src = join(pkg, 'src')
    const used = new Set<string>()
    for (const name of await readdir(src)) {
      if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue
      const code = await readFile(join(src, name), 'utf8')
      for (const m of code.matchAll(/\bactions\.(\w+)/g)) used.add(m[1]!)
    }
    expect(used.size).toBeGreaterThan(5)
    expect([...used].filter((member) => NEEDS_REPLACED_MODULE.includes(member))).toEqual([])
  })

  it('holds no HTTP client in the committed bundles', async () => {
    for (const entry of ['main', 'post']) {
      const dir = join(pkg, 'dist', entry)
      for (const file of (await readdir(dir)).filter((f) => f.endsWith('.js'))) {
        // why: the class @actions/http-client imports from undici; its presence means the mapping was lost
        expect(await readFile(join(dir, file), 'utf8'), `dist/${entry}/${file}`).not.toContain('ProxyAgent')
      }
    }
  })

  it('says what is missing if a replaced module is ever reached', async () => {
    const m = (await import(notBundledUrl)) as Record<string, new () => unknown>
    expect(() => new m.HttpClient!()).toThrow(
      "@actions/http-client (core.getIDToken) is not part of the hyperctl-export action's bundle",
    )
    await expect((m.getExecOutput as unknown as () => Promise<void>)()).rejects.toThrow(
      '@actions/exec (core.platform)',
    )
  })
})
