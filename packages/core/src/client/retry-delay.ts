export interface BackoffOptions {
  minDelayMs: number
  maxDelayMs: number
}

/**
 * Exponential backoff with "equal jitter": retry n (1-based) waits between half and all of
 * min(max, min * 2^(n-1)), so clients that failed together do not come back together.
 */
export function backoffDelayMs(
  retry: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** Math.max(0, retry - 1))
  return Math.round(ceiling / 2 + (ceiling / 2) * random())
}

/**
 * Milliseconds a `Retry-After` header asks for (delta seconds or an HTTP date), or undefined
 * when the header is absent or unreadable.
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined
  const text = header.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // why: only the IMF-fixdate family is allowed here; a bare number like "1.5" is not a date
  if (!/[A-Za-z]/.test(text)) return undefined
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
