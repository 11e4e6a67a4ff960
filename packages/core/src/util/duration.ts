import { UsageError } from '../errors.js'

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
const PART = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d)/y
const EXAMPLES = 'e.g. 90m, 5s, 1h30m or 250ms'

/**
 * Milliseconds in a duration written with units, as the action's inputs and the CLI's flags take it:
 * `90m`, `5s`, `1h30m`, `1.5h`, `250ms`, `2d`. A bare number is refused: `30` could mean seconds or minutes.
 */
export function parseDuration(text: string): number {
  const source = text.trim()
  const fail = (why: string): never => {
    throw new UsageError(
      `${JSON.stringify(text)} is not a duration: ${why}`,
      `Write a number with a unit, ${EXAMPLES}.`,
    )
  }
  if (source === '') fail('it is empty')
  if (/^[+-]?\d+(\.\d+)?$/.test(source)) fail('it has no unit (ms, s, m, h or d)')
  let total = 0
  PART.lastIndex = 0
  while (PART.lastIndex < source.length) {
    const at = PART.lastIndex
    const match = PART.exec(source)
    if (!match) fail(`cannot read it from ${JSON.stringify(source.slice(at))}`)
    total += Number(match![1]) * UNIT_MS[match![2] as keyof typeof UNIT_MS]
  }
  const ms = Math.round(total)
  if (!Number.isSafeInteger(ms)) fail('it is too long')
  return ms
}

const GO_UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ns: 1e-6,
}
const GO_PART = /(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|μs|ns)/y

/**
 * Milliseconds in a Go duration as hypervisord prints it (`23.399311212s`, `2h15m42.318476021s`, `0s`), or
 * undefined when the text is not one: a display then shows the text as it came.
 */
export function parseGoDuration(text: string): number | undefined {
  const source = text.trim()
  if (source === '0') return 0
  if (source === '') return undefined
  let total = 0
  GO_PART.lastIndex = 0
  while (GO_PART.lastIndex < source.length) {
    const match = GO_PART.exec(source)
    if (!match) return undefined
    total += Number(match[1]) * GO_UNIT_MS[match[2]!]!
  }
  return Number.isFinite(total) ? total : undefined
}
