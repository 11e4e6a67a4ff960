/** hyperctl's Job ID column keeps the first 8 bytes of a longer ID and appends `...` (docs/hyperctl.md#query). */
const SHOWN_ID_BYTES = 8

/** The Job ID cell hyperctl prints for an ID, `...` included when it cut the ID. */
export function shownJobIdCell(id: string): string {
  const bytes = Buffer.from(id, 'utf8')
  if (bytes.length <= SHOWN_ID_BYTES) return id
  return `${bytes.subarray(0, SHOWN_ID_BYTES).toString('utf8')}...`
}

/** The cell a parsed row came from: its ID text plus `...` when the parser saw a cut ID. */
export function cellOfRow(row: { id: string; idTruncated: boolean }): string {
  return row.idTruncated ? `${row.id}...` : row.id
}

/**
 * The most bytes of IDs joined by commas that go into one `-id` argument. Windows caps a whole command
 * line at 32,767 characters; Linux caps one argument at 128 KiB and argv plus environment at a quarter
 * of the stack limit (128 KiB at the least). 500 UUIDs take 18,499 bytes, well inside either budget.
 */
export const ID_ARGUMENT_MAX_BYTES = process.platform === 'win32' ? 30_000 : 64 * 1024

/**
 * Splits IDs into rounds of queries in which no two IDs show the same cell, so each row of a round
 * maps back to exactly one requested ID. IDs that share their first 8 bytes go to separate rounds, and
 * a round whose comma-joined IDs would pass `maxJoinedBytes` is split (in order) into several.
 */
export function planIdQueries(ids: readonly string[], maxJoinedBytes = ID_ARGUMENT_MAX_BYTES): string[][] {
  const rounds: string[][] = []
  const usedCells: Array<Set<string>> = []
  for (const id of ids) {
    const cell = shownJobIdCell(id)
    let round = usedCells.findIndex((cells) => !cells.has(cell))
    if (round === -1) {
      round = rounds.length
      rounds.push([])
      usedCells.push(new Set())
    }
    rounds[round]!.push(id)
    usedCells[round]!.add(cell)
  }
  return rounds.flatMap((round) => splitByJoinedBytes(round, maxJoinedBytes))
}

/** Consecutive groups whose comma-joined length stays within `maxJoinedBytes` (an ID is never cut). */
export function splitByJoinedBytes(ids: readonly string[], maxJoinedBytes: number): string[][] {
  const groups: string[][] = []
  let group: string[] = []
  let bytes = 0
  for (const id of ids) {
    const size = Buffer.byteLength(id, 'utf8')
    if (group.length > 0 && bytes + 1 + size > maxJoinedBytes) {
      groups.push(group)
      group = []
      bytes = 0
    }
    bytes += (group.length > 0 ? 1 : 0) + size
    group.push(id)
  }
  if (group.length > 0) groups.push(group)
  return groups
}
