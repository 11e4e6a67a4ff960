import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const doc = readFileSync(join(root, 'docs/reliability.md'), 'utf8')

/** The cells of a table row, split on the pipes that are not escaped (`\|` stays inside its cell). */
function cells(line: string): string[] {
  return line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim())
}

interface Table {
  header: string[]
  rows: Array<{ line: number; cells: string[] }>
}

/** Every table of the document, and every table-looking line that belongs to none (a row cut off by a blank line). */
function readTables(text: string): { tables: Table[]; strays: number[] } {
  const lines = text.split('\n')
  const tables: Table[] = []
  const strays: number[] = []
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('|')) continue
    if (!/^\|[-| ]+\|$/.test(lines[i + 1] ?? '')) {
      strays.push(i + 1)
      continue
    }
    const table: Table = { header: cells(lines[i]!), rows: [] }
    for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
      table.rows.push({ line: i + 1, cells: cells(lines[i]!) })
    }
    tables.push(table)
  }
  return { tables, strays }
}

const PACKAGE_DIRS: Record<string, string> = {
  core: 'packages/core/test',
  cli: 'packages/cli/test',
  action: 'packages/action/test',
  'core/src': 'packages/core/src',
  'cli/src': 'packages/cli/src',
  'action/src': 'packages/action/src',
}

/**
 * The tests one "proved by" cell names: `pkg: file.test.ts › test name › other name; file2.test.ts …`.
 * A file without a package prefix is in the package (and folder) named before it; a name with `…` is
 * checked up to it.
 */
function references(cell: string): Array<{ file: string; names: string[] }> {
  const out: Array<{ file: string; names: string[] }> = []
  let pkg: string | undefined
  let folder = ''
  const fileRef = /(?:\b(core\/src|cli\/src|action\/src|core|cli|action): )?([\w./-]+\.test\.ts)/g
  const found = [...cell.matchAll(fileRef)]
  found.forEach((match, index) => {
    const path = match[2]!
    if (match[1]) folder = ''
    pkg = match[1] ?? pkg
    const file = path.includes('/') || !folder ? path : `${folder}/${path}`
    folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : ''
    const end = found[index + 1]?.index ?? cell.length
    const names = cell
      .slice(match.index + match[0].length, end)
      .split('›')
      .slice(1)
      .map((n) =>
        n
          .split(/;|…| \(/)[0]!
          .replaceAll('\\|', '|')
          .trim(),
      )
      .map((n) => n.replace(/[,;]$/, ''))
    if (pkg) out.push({ file: join(PACKAGE_DIRS[pkg]!, file), names })
  })
  return out
}

/**
 * A test title with its parameters taken out (`${transport}`, `%s`, and the words they stand for in the
 * document: a transport, a daemon mode, a signal), so that "api: a silent daemon: …" finds
 * "`${transport}: a ${mode} daemon: …`".
 */
function withoutParameters(text: string): string {
  return text
    .replace(/\$\{[^}]*\}|%s/g, ' ')
    .replace(/\b(api\/cli|api|cli|silent|drip|SIGINT|SIGTERM)\b:?/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

describe('docs/reliability.md', () => {
  const { tables, strays } = readTables(doc)
  const scenarioTables = tables.filter((t) => t.header.at(-1) === 'proved by')
  const scenarios = scenarioTables.flatMap((t) => t.rows)

  it('has no table row cut off from its table, and every row has as many cells as its header', () => {
    expect(strays).toEqual([])
    for (const table of tables) {
      for (const row of table.rows) expect(row.cells, `line ${row.line}`).toHaveLength(table.header.length)
    }
  })

  it('states the number of scenarios its tables hold', () => {
    const stated = /^Totals: (\d+) scenarios in the tables below/m.exec(doc)
    expect(stated, 'a "Totals: N scenarios in the tables below" line').not.toBeNull()
    expect(Number(stated![1])).toBe(scenarios.length)
  })

  it('names, for every scenario, test files that exist and test names found in them', () => {
    const missing: string[] = []
    for (const row of scenarios) {
      const refs = references(row.cells.at(-1)!)
      if (refs.length === 0) missing.push(`line ${row.line}: no test file named`)
      for (const { file, names } of refs) {
        if (!existsSync(join(root, file))) {
          missing.push(`line ${row.line}: ${file} does not exist`)
          continue
        }
        const source = withoutParameters(readFileSync(join(root, file), 'utf8'))
        for (const name of names.map(withoutParameters).filter((n) => n.length >= 12)) {
          if (!source.includes(name)) missing.push(`line ${row.line}: "${name}" is not in ${file}`)
        }
      }
    }
    expect(missing).toEqual([])
  })
})
