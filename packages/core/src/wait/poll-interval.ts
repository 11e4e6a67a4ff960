/**
 * Adaptive polling: the daemon has no per-job push events (docs/hyperctl.md#other-routes), so poll at the floor right
 * after a change and back off (doubling) while nothing changes, never past the ceiling.
 */
export class PollInterval {
  readonly floorMs: number
  readonly ceilingMs: number
  #current: number

  constructor(ceilingMs: number, floorMs = Math.min(1000, ceilingMs)) {
    if (!(ceilingMs > 0) || !(floorMs > 0)) throw new RangeError('poll intervals must be positive')
    this.ceilingMs = Math.max(ceilingMs, floorMs)
    this.floorMs = floorMs
    this.#current = floorMs
  }

  get currentMs(): number {
    return this.#current
  }

  /** Call after each poll; returns how long to wait before the next one. */
  next(changed: boolean): number {
    this.#current = changed ? this.floorMs : Math.min(this.ceilingMs, this.#current * 2)
    return this.#current
  }
}
