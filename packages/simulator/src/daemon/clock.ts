/** Every timer and timestamp of the simulator goes through one of these, so tests can own time. */
export interface SimClock {
  /** Milliseconds since the Unix epoch (fractions allowed). */
  now(): number
  /** Nanoseconds since the Unix epoch; used for Go's nanosecond timestamps when present. */
  nowNs?(): bigint
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** A clock that moves only when told to; `advance` fires due timers in time order. */
export interface AdvanceableClock extends SimClock {
  advance(ms: number): void
}

const NS_PER_MS = 1_000_000n
const MAX_TIMERS_PER_ADVANCE = 100_000

/** Nanoseconds of a clock reading, exact when the clock offers `nowNs`. */
export function clockNowNs(clock: SimClock): bigint {
  return clock.nowNs ? clock.nowNs() : msToNs(clock.now())
}

/** Milliseconds (possibly fractional) to nanoseconds, without the precision loss of `ms * 1e6`. */
export function msToNs(ms: number): bigint {
  const whole = Math.floor(ms)
  return BigInt(whole) * NS_PER_MS + BigInt(Math.round((ms - whole) * 1e6))
}

/** Wall-clock time with nanosecond digits (Date.now anchored, process.hrtime for the rest), real timers. */
export function realClock(): SimClock {
  const anchorNs = BigInt(Date.now()) * NS_PER_MS
  const anchorHr = process.hrtime.bigint()
  const nowNs = () => anchorNs + (process.hrtime.bigint() - anchorHr)
  return {
    now: () => Number(nowNs()) / 1e6,
    nowNs,
    // why: a forgotten simulator in a test must not keep the process alive; the listener does that
    setTimeout: (callback, ms) => setTimeout(callback, Math.max(0, ms)).unref(),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  }
}

/**
 * A clock that stands still until `advance`/`advanceNs`/`advanceTo` is called. Timers due at the same
 * instant fire in the order they were set; a timer set by a callback for a time already reached fires
 * within the same advance.
 */
export class ManualClock implements AdvanceableClock {
  #nowNs: bigint
  #timers: Array<{ id: number; dueNs: bigint; callback: () => void }> = []
  #nextId = 1

  /** `start`: milliseconds since the epoch, a Date, or nanoseconds as a bigint (default 2026-01-01T00:00:00Z). */
  constructor(start: number | Date | bigint = Date.UTC(2026, 0, 1)) {
    this.#nowNs = toNs(start)
  }

  now(): number {
    return Number(this.#nowNs) / 1e6
  }

  nowNs(): bigint {
    return this.#nowNs
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { id: this.#nextId++, dueNs: this.#nowNs + msToNs(Math.max(0, ms)), callback }
    // kept in firing order: by due time, then in the order they were set
    const at = this.#timers.findIndex((t) => t.dueNs > timer.dueNs)
    this.#timers.splice(at < 0 ? this.#timers.length : at, 0, timer)
    return timer.id
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle)
  }

  /** Number of timers still waiting. */
  pendingTimers(): number {
    return this.#timers.length
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance by ${ms} ms`)
    this.advanceNs(msToNs(ms))
  }

  advanceNs(ns: bigint): void {
    if (ns < 0n) throw new RangeError(`cannot advance by ${ns} ns`)
    this.advanceTo(this.#nowNs + ns)
  }

  /** Moves to an absolute time (ms number, Date or ns bigint), firing every timer due on the way. */
  advanceTo(target: number | Date | bigint): void {
    const targetNs = toNs(target)
    if (targetNs < this.#nowNs) throw new RangeError('a manual clock cannot go backwards')
    for (let fired = 0; (this.#timers[0]?.dueNs ?? targetNs + 1n) <= targetNs; fired++) {
      if (fired >= MAX_TIMERS_PER_ADVANCE) {
        throw new Error(`more than ${MAX_TIMERS_PER_ADVANCE} timers fired in one advance; a timer loop?`)
      }
      const next = this.#timers.shift()!
      this.#nowNs = next.dueNs
      next.callback()
    }
    this.#nowNs = targetNs
  }
}

function toNs(t: number | Date | bigint): bigint {
  if (typeof t === 'bigint') return t
  if (t instanceof Date) return BigInt(t.getTime()) * NS_PER_MS
  return msToNs(t)
}
