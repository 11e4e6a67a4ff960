/** Edits (insert, delete, substitute, swap of neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1)
      }
      d[i]![j] = best
    }
  }
  return d[a.length]![b.length]!
}

/**
 * The candidate closest to what was typed, when it is close enough to be a typo: at most a third of the
 * word's length in edits (at least one), or a candidate that starts with it.
 */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  const word = typed.toLowerCase()
  if (word === '') return undefined
  let best: { candidate: string; distance: number } | undefined
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate.toLowerCase())
    if (best === undefined || distance < best.distance) best = { candidate, distance }
  }
  if (best && best.distance <= Math.max(1, Math.floor(word.length / 3))) return best.candidate
  const prefixed = candidates.filter((c) => c.startsWith(word))
  return prefixed.length === 1 ? prefixed[0] : undefined
}

/** ` (did you mean "x"?)`, or nothing when no candidate is close. */
export function didYouMean(
  typed: string,
  candidates: readonly string[],
  quote = (s: string) => `"${s}"`,
): string {
  const match = closest(typed, candidates)
  return match === undefined ? '' : `; did you mean ${quote(match)}?`
}
