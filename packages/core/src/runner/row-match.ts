import { UsageError } from '../errors.js'
import type { QueryRow } from '../parse/query.js'
import { JOB_STATUSES, type JobInfo, type JobStatus } from '../types.js'
import { cellOfRow, shownJobIdCell } from './shown-job-id.js'

/** What we know of a job we submitted ourselves: the daemon shows both in its query table. */
export interface KnownJob {
  name: string
  vmPath: string
}

export interface RowMatch {
  /** Requested ID → its row, for every ID whose row could be told apart (absent IDs are simply missing). */
  found: Map<string, QueryRow>
  /** IDs that share their shown cell with another and whose row cannot be told apart by name and VM path. */
  ambiguous: string[]
}

/**
 * Maps the rows of one `query -id a,b,…` run back to the requested IDs. An ID whose 8-byte cell no other
 * requested ID shows takes the row with that cell. IDs that share a cell (caller IDs such as
 * `nightly-web-01`…`-50`) are told apart by what we submitted: a row belongs to an ID when its name and VM
 * path match that job and no other job of the cell. An ID left over is absent if every row of its cell is
 * taken, and ambiguous otherwise (its caller asks for it alone). A row no requested ID can claim, or two
 * rows for one unique cell, is a reply we cannot read: `null`.
 */
export function matchQueryRows(
  ids: readonly string[],
  rows: readonly QueryRow[],
  known: (id: string) => KnownJob | undefined,
): RowMatch | null {
  const idsByCell = groupBy(ids, shownJobIdCell)
  const rowsByCell = groupBy(rows, cellOfRow)
  const found = new Map<string, QueryRow>()
  const ambiguous: string[] = []
  for (const [cell, cellRows] of rowsByCell) {
    const cellIds = idsByCell.get(cell)
    if (cellIds === undefined || cellRows.length > cellIds.length) return null
    if (cellIds.length === 1) {
      found.set(cellIds[0]!, cellRows[0]!)
      continue
    }
    const rowsOf = new Map(cellIds.map((id) => [id, cellRows.filter((row) => rowFits(row, known(id)))]))
    const taken = new Set<QueryRow>()
    for (const id of cellIds) {
      const fits = rowsOf.get(id)!
      const row = fits[0]
      // why: a row is an ID's only when it fits that ID alone and that ID fits no other row
      if (
        fits.length === 1 &&
        row &&
        cellIds.every((other) => other === id || !rowsOf.get(other)!.includes(row))
      ) {
        found.set(id, row)
        taken.add(row)
      }
    }
    const untaken = cellRows.length - taken.size
    if (untaken > 0) ambiguous.push(...cellIds.filter((id) => !found.has(id)))
  }
  return { found, ambiguous }
}

function rowFits(row: QueryRow, job: KnownJob | undefined): boolean {
  return (
    job !== undefined &&
    row.name === job.name &&
    shownPathMatches(row.vmPath, row.vmPathTruncated, job.vmPath)
  )
}

/**
 * Whether a VM Path cell shows `vmPath`: the whole path, or (cut) its last 27 bytes, decoded with U+FFFD
 * for a character the cut split.
 */
export function shownPathMatches(shown: string, truncated: boolean, vmPath: string): boolean {
  if (!truncated) return shown === vmPath
  const tail = Buffer.from(vmPath, 'utf8').subarray(-Buffer.byteLength(shown, 'utf8'))
  return tail.toString('utf8') === shown || vmPath.endsWith(shown.replace(/^\uFFFD+/, ''))
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const group = groups.get(k)
    if (group) group.push(item)
    else groups.set(k, [item])
  }
  return groups
}

/** A table row as a JobInfo under the full ID it was mapped back to. */
export function toJobInfo(row: QueryRow, id: string): JobInfo {
  const job: JobInfo = {
    id,
    name: row.name,
    vmPath: row.vmPath,
    vmPathTruncated: row.vmPathTruncated,
    status: row.status,
    source: 'cli',
  }
  if (row.phase !== null) job.phase = row.phase
  if (row.percent !== null) job.percent = row.percent
  if (row.started !== null) job.startedAt = row.started
  if (row.cellsUnreadable) job.vmPathUnreadable = true
  return job
}

export function assertStatus(status: string): asserts status is JobStatus {
  if (!(JOB_STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`job status ${JSON.stringify(status)} is not one of ${JOB_STATUSES.join(', ')}`)
  }
}
