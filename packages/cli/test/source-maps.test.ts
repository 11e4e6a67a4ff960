import { readdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const DIST = fileURLToPath(new URL('../dist', import.meta.url))
const CORE_DIST = dirname(fileURLToPath(import.meta.resolve('@hyperctl-export/core')))
const SIMULATOR_DIST = dirname(fileURLToPath(import.meta.resolve('@hyperctl-export/simulator')))

async function maps(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true })
  return entries.filter((name) => name.endsWith('.js.map')).map((name) => join(dir, name))
}

describe('the shipped source maps', () => {
  it('carry the TypeScript they map to, since the packages ship no src/', async () => {
    for (const dir of [DIST, CORE_DIST, SIMULATOR_DIST]) {
      const files = await maps(dir)
      expect(files.length, dir).toBeGreaterThan(5)
      for (const file of files) {
        const map = JSON.parse(await readFile(file, 'utf8')) as {
          sources: string[]
          sourcesContent?: string[]
        }
        expect(map.sourcesContent?.length, file).toBe(map.sources.length)
        expect(
          map.sourcesContent!.every((text) => text.length > 0),
          file,
        ).toBe(true)
      }
    }
  })
})
