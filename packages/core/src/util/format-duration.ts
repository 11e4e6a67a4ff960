/** `1h02m`, `2m05s`, `23s`, `250ms` (two units at most): every duration a person reads. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`
  const total = Math.floor(ms / 1000)
  const d = Math.floor(total / 86_400)
  const h = Math.floor((total % 86_400) / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const two = (n: number) => String(n).padStart(2, '0')
  // why: two units at most, the second padded, so a column of durations reads at a glance
  if (d > 0) return `${d}d${two(h)}h`
  if (h > 0) return `${h}h${two(m)}m`
  if (m > 0) return `${m}m${two(s)}s`
  return `${s}s`
}
