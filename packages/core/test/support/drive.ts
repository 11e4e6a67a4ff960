import { vi } from 'vitest'

/** Runs the promise to its end on fake time, in bounded steps. */
export async function drive<T>(promise: Promise<T>, stepMs = 500, maxSteps = 10_000): Promise<T> {
  let done = false
  const settled = promise.finally(() => {
    done = true
  })
  settled.catch(() => {}) // why: observed by the caller after the loop; not an unhandled rejection
  for (let i = 0; i < maxSteps && !done; i++) await vi.advanceTimersByTimeAsync(stepMs)
  if (!done) throw new Error('the promise did not settle within the fake-time budget')
  return settled
}
