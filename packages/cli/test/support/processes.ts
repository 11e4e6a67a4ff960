import { readdirSync, readFileSync } from 'node:fs'

/**
 * PIDs of live processes whose environment holds `marker` (e.g. `HYPERCTL_SIM_ARGV0=<marker>` given to the
 * CLI, which passes its environment on to hyperctl). Linux /proc only; our own processes only.
 */
export function processesWithEnv(marker: string): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1')
      if (!environ.split('\0').includes(marker)) continue
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // why: a zombie waiting to be reaped runs nothing
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z') found.push(Number(entry))
    } catch {
      // gone, or not ours to read
    }
  }
  return found
}

/** Polls `check` until it returns a value; bounded in time, for conditions only (never as a sleep). */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (let round = 0; round < 100_000; round++) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) break
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`timed out waiting for ${what}`)
}
