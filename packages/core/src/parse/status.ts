import { HyperctlParseError } from '../errors.js'
import { isTopBorder, readBoxedTable, TableShapeError } from './boxed-table.js'
import { rawLines, stripAnsi } from './lines.js'

export interface StatusOutput {
  version: string
  uptime: string
  url: string
  totalJobs: number
  runningJobs: number
  completedJobs: number
  failedJobs: number
}

// why: labels exactly as hyperctl prints them (docs/hyperctl.md#status): ⚙️ and ⏱️ carry U+FE0F and two spaces
const DAEMON_HEADER = ['Property', 'Value']
const STATS_HEADER = ['Status', 'Count', 'Percentage']
const VERSION = '⚙️  Version'
const UPTIME = '⏱️  Uptime'
const URL_LABEL = '📍 URL'
const TOTAL = '📦 Total Jobs'
const RUNNING = '🔄 Running'
const COMPLETED = '✅ Completed'
const FAILED = '❌ Failed'
const COUNT = /^\d+$/

function sameCells(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((cell, index) => cell === b[index])
}

/** Reads `hyperctl status` output: the value cells of its two tables, found by their labels. */
export function parseStatusOutput(stdout: string): StatusOutput {
  const fail = (why: string) => new HyperctlParseError(`a daemon status (${why})`, stdout)
  const lines = rawLines(stdout)
  let daemon: Map<string, string[]> | undefined
  let stats: Map<string, string[]> | undefined
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? ''
    if (!line.includes('┌') || !isTopBorder(stripAnsi(line))) continue
    let table: ReturnType<typeof readBoxedTable>
    try {
      table = readBoxedTable(lines, index)
    } catch (error) {
      if (error instanceof TableShapeError) throw fail(error.message)
      throw error
    }
    const byLabel = new Map<string, string[]>()
    for (const row of table.rows) {
      const label = row[0] ?? ''
      if (byLabel.has(label)) throw fail(`the row ${JSON.stringify(label)} appears twice`)
      byLabel.set(label, row)
    }
    if (sameCells(table.header, DAEMON_HEADER) && !daemon) daemon = byLabel
    else if (sameCells(table.header, STATS_HEADER) && !stats) stats = byLabel
    else throw fail(`unexpected table with columns ${JSON.stringify(table.header)}`)
    index = table.next - 1
  }
  if (!daemon || !stats) throw fail('the Daemon Status or Job Statistics table is missing')

  const text = (rows: Map<string, string[]>, label: string): string => {
    const value = rows.get(label)?.[1]
    if (value === undefined) throw fail(`no ${JSON.stringify(label)} row`)
    return value
  }
  const count = (label: string): number => {
    const value = text(stats, label)
    const number = Number(value)
    if (!COUNT.test(value) || !Number.isSafeInteger(number)) {
      throw fail(`${JSON.stringify(label)} is ${JSON.stringify(value)}, not a count`)
    }
    return number
  }
  return {
    version: text(daemon, VERSION),
    uptime: text(daemon, UPTIME),
    url: text(daemon, URL_LABEL),
    totalJobs: count(TOTAL),
    runningJobs: count(RUNNING),
    completedJobs: count(COMPLETED),
    failedJobs: count(FAILED),
  }
}
