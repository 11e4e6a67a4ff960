import { formatDuration, type UsageError } from '../errors.js'
import { didYouMean } from '../text/suggest.js'
import { EXPORT_METHODS, VERIFY_MODES } from '../types.js'
import { parseDuration } from '../util/duration.js'

/**
 * The value an option's text stands for, or why it cannot be used. Every face reads option values with
 * these functions, so an input and its flag take the same values and refuse the same ones; the face puts
 * the option's own name (`input timeout`, `--timeout`, `HYPERCTL_EXPORT_TIMEOUT`) before the problem.
 */
export type OptionValue<T> = { ok: true; value: T } | { ok: false; problem: string }

export interface DurationLimits {
  minMs: number
  maxMs: number
}

// why: setTimeout cannot wait longer than 2^31-1 ms (about 24.8 days); a longer run is split into steps
export const TIMEOUT_LIMITS: DurationLimits = { minMs: 1, maxMs: 24 * 86_400_000 }
// why: a pause under 10 ms would hammer the daemon, one beyond an hour helps nobody
export const POLL_INTERVAL_LIMITS: DurationLimits = { minMs: 10, maxMs: 3_600_000 }
/** Counts (`max-concurrent`, `parallel-downloads`) run from 1 to this. */
export const MAX_COUNT = 1_000_000

const ok = <T>(value: T): OptionValue<T> => ({ ok: true, value })
const bad = (problem: string): OptionValue<never> => ({ ok: false, problem })

/** A duration with units (`90m`, `1h30m`, `250ms`) within `limits`. */
export function readDuration(text: string, limits: DurationLimits): OptionValue<number> {
  let ms: number
  try {
    ms = parseDuration(text)
  } catch (error) {
    const { message, hint } = error as UsageError
    return bad(`${message}. ${hint}`)
  }
  if (ms < limits.minMs || ms > limits.maxMs) {
    return bad(
      `${JSON.stringify(text)} is out of range: give ${formatDuration(limits.minMs)} to ${formatDuration(limits.maxMs)}`,
    )
  }
  return ok(ms)
}

/** A whole number from 1 to MAX_COUNT. */
export function readCount(text: string): OptionValue<number> {
  const value = Number(text.trim())
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > MAX_COUNT) {
    return bad(`must be a whole number from 1 to ${MAX_COUNT}, not ${JSON.stringify(text)}`)
  }
  return ok(value)
}

/** One of `choices`, spelled exactly; a near miss is named. */
export function readChoice<const T extends string>(text: string, choices: readonly T[]): OptionValue<T> {
  if ((choices as readonly string[]).includes(text)) return ok(text as T)
  const list = `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`
  return bad(`must be ${list}, not ${JSON.stringify(text)}${didYouMean(text, choices)}`)
}

/** The options that shape each job, named alike in every face (an action input, a CLI flag). */
export const JOB_SHAPE_OPTIONS = [
  'vcenter-insecure',
  'export-method',
  'format',
  'datacenter',
  'compress',
  'thin',
  'parallel-downloads',
  'remove-cdrom',
] as const

/**
 * The reader of each option that takes more than text, by the name both faces give it: an input and its
 * flag take the same values and refuse the same ones.
 */
export const OPTION_READERS = {
  timeout: (s: string) => readDuration(s, TIMEOUT_LIMITS),
  'poll-interval': (s: string) => readDuration(s, POLL_INTERVAL_LIMITS),
  'max-concurrent': readCount,
  'parallel-downloads': readCount,
  'export-method': (s: string) => readChoice(s, EXPORT_METHODS),
  verify: (s: string) => readChoice(s, VERIFY_MODES),
  transport: (s: string) => readChoice(s, ['auto', 'cli', 'api'] as const),
} as const
