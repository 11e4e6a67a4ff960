/** hyperctl's Job ID column keeps the first 8 bytes of a longer ID and appends `...` (HYPERCTL.md §4.2). */
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
 * Splits IDs into rounds of queries in which no two IDs show the same cell, so each row of a round
 * maps back to exactly one requested ID. IDs that share their first 8 bytes go to separate rounds.
 */
export function planIdQueries(ids: readonly string[]): string[][] {
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
  return rounds
}
