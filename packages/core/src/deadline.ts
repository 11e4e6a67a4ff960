import type { CallOptions } from './types.js'

/**
 * One point in time a whole run must end by, computed once and handed to every call, back-off and child
 * process, so that no single step (a stalled request, a retry, a hung hyperctl) can outlive the run.
 */
export interface Deadline {
  /** Epoch milliseconds on the deadline's clock; Infinity when there is no deadline. */
  readonly at: number
  /** Aborts at the deadline (reason: a TimeoutError DOMException) or when the parent signal aborts. */
  readonly signal: AbortSignal
  /** Milliseconds left, never below 0; Infinity without a deadline. */
  remaining(): number
  expired(): boolean
  /**
   * The options for one call: the caller's own abort signal, and the time left (capped by `capMs`) as
   * the call's whole budget, so the backend's timer turns running out into its own timeout error rather
   * than into an abort. Never 0: a backend reads 0 as "no limit".
   */
  call(capMs?: number): CallOptions
  /** A fresh signal for one call that aborts at the deadline, after `capMs`, or with the parent. */
  child(capMs?: number): AbortSignal
  /** Stops the deadline's timer (the run is over); the signal then never fires by itself. */
  dispose(): void
}

export interface DeadlineOptions {
  /** Aborting it aborts `signal` too (a user's Ctrl-C); calls receive it as their caller signal. */
  parent?: AbortSignal | undefined
  /** Default Date.now; a test's fake clock. */
  now?: () => number
}

/** A deadline `timeoutMs` from now; undefined or Infinity means none (only the parent signal ends it). */
export function createDeadline(timeoutMs: number | undefined, options: DeadlineOptions = {}): Deadline {
  const now = options.now ?? Date.now
  const parent = options.parent
  const at =
    timeoutMs === undefined || !Number.isFinite(timeoutMs) ? Number.POSITIVE_INFINITY : now() + timeoutMs
  const controller = new AbortController()
  const timers = new Set<NodeJS.Timeout>()
  const onParentAbort = () => controller.abort(parent?.reason)
  if (parent?.aborted) controller.abort(parent.reason)
  else parent?.addEventListener('abort', onParentAbort, { once: true })
  // why: global setTimeout (not AbortSignal.timeout) so that a test's fake timers drive the deadline
  if (Number.isFinite(at)) {
    const timer = setTimeout(() => controller.abort(timeoutReason()), Math.max(0, at - now()))
    // why: a deadline alone must never keep the process alive
    timer.unref?.()
    timers.add(timer)
  }

  const remaining = () => (Number.isFinite(at) ? Math.max(0, at - now()) : Number.POSITIVE_INFINITY)
  return {
    at,
    signal: controller.signal,
    remaining,
    expired: () => remaining() <= 0,
    call(capMs) {
      const budget = Math.min(remaining(), capMs ?? Number.POSITIVE_INFINITY)
      return {
        ...(parent ? { signal: parent } : {}),
        ...(Number.isFinite(budget) ? { timeoutMs: Math.max(1, Math.ceil(budget)) } : {}),
      }
    },
    child(capMs) {
      const budget = Math.min(remaining(), capMs ?? Number.POSITIVE_INFINITY)
      if (!Number.isFinite(budget)) return controller.signal
      const own = new AbortController()
      const timer = setTimeout(() => own.abort(timeoutReason()), budget)
      timers.add(timer)
      own.signal.addEventListener('abort', () => timers.delete(timer), { once: true })
      return AbortSignal.any([controller.signal, own.signal])
    },
    dispose() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      parent?.removeEventListener('abort', onParentAbort)
    },
  }
}

/**
 * When this process started, on Date.now's clock. A face's timeout counts from here: `--timeout 5s` bounds
 * what the user waits for, Node's own start and the loading of modules included, not only the wait after.
 */
export function processStartedAt(): number {
  return performance.timeOrigin
}

/**
 * What is left of a face's timeout counted from the start of the process (see processStartedAt). Never
 * below 1 ms: a timeout already spent still ends the command as a timeout, at once.
 */
export function timeLeftSinceProcessStart(timeoutMs: number, processAgeMs = performance.now()): number {
  return Math.max(1, timeoutMs - processAgeMs)
}

function timeoutReason(): DOMException {
  return new DOMException('the deadline was reached', 'TimeoutError')
}

// why: process groups (kill of -pid) exist on POSIX only
const USE_PROCESS_GROUP = process.platform !== 'win32'

/**
 * Sends `signal` to a child started with `detached: true` and to everything it started (its process
 * group), so a deadline also ends a grandchild that holds our pipes. A group already gone is not an error.
 */
export function killChildGroup(
  child: { pid?: number | undefined; kill(signal: NodeJS.Signals): boolean },
  signal: NodeJS.Signals,
): void {
  if (child.pid === undefined) return
  try {
    if (USE_PROCESS_GROUP) process.kill(-child.pid, signal)
    else child.kill(signal)
  } catch {
    // why: ESRCH — the group is already gone, which is what we wanted
  }
}

/** Whether children should be started in their own process group (so killChildGroup reaches them all). */
export const CHILD_OWN_GROUP = USE_PROCESS_GROUP
