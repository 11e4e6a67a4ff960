import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// why: core holds all the policy; each module must stay one a reader takes in at one sitting
const LIMIT = 350
const SRC = join(import.meta.dirname, '..', 'src')

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return modules(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

describe('core modules', () => {
  it(`are at most ${LIMIT} lines each`, () => {
    const files = modules(SRC)
    expect(files.length).toBeGreaterThan(50)
    const over = files
      .map((path) => ({
        path: path.slice(SRC.length + 1),
        lines: readFileSync(path, 'utf8').split('\n').length - 1,
      }))
      .filter((m) => m.lines > LIMIT)
    expect(over).toEqual([])
  })
})
