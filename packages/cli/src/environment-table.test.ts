import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { environmentTable } from './environment-table.js'
import { envName, OPTIONS } from './option-table.js'

describe('environmentTable', () => {
  it('is the table the README shows, and names a variable for every option', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const shown = /<!-- environment-table:[^\n]*-->\n([\s\S]*?)\n<!-- \/environment-table -->/.exec(
      readme,
    )?.[1]
    expect(shown).toBe(environmentTable())
    for (const option of OPTIONS) expect(shown).toContain(`\`${envName(option)}\``)
  })
})
