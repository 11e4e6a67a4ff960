// Small statistics and timing helpers for the benchmark harness (no dependencies).

/** The median of a non-empty list of numbers. */
export function median(values) {
  return percentile(values, 50)
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list: a value that was measured, not interpolated. */
export function percentile(values, p) {
  if (values.length === 0) throw new RangeError('no values')
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[Math.min(sorted.length, rank) - 1]
}

/**
 * Runs `fn` up to `reps` times (after `warmup` unmeasured runs) and stops early once `maxMs` of wall time
 * is spent, so a slow machine shortens the sample instead of the run never ending. Returns the durations
 * in milliseconds (at least one).
 */
export async function sample(fn, { reps, warmup = 1, maxMs }) {
  for (let i = 0; i < warmup; i++) await fn()
  const deadline = performance.now() + maxMs
  const times = []
  for (let i = 0; i < reps; i++) {
    const start = performance.now()
    await fn()
    times.push(performance.now() - start)
    if (performance.now() > deadline) break
  }
  return times
}

/** A seeded pseudo-random source (mulberry32), so the random moments repeat from run to run. */
export function seededRandom(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** Runs the task factories with at most `limit` at once; resolves with their results in order. */
export async function pool(tasks, limit) {
  const results = new Array(tasks.length)
  let next = 0
  async function worker() {
    while (next < tasks.length) {
      const i = next++
      results[i] = await tasks[i]()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker))
  return results
}

export const round = (value, digits = 1) => Number(value.toFixed(digits))
