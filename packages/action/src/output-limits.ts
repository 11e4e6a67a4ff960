import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { escapeUnsafeForJson } from '@hyperctl-export/core'

// why: GitHub refuses a step output over 1 MB; the budget leaves room for redaction, which can lengthen a
// text (a two-character secret becomes `***`)
export const MAX_OUTPUT_BYTES = 1_000_000
const OUTPUT_BUDGET_BYTES = 950_000

/** The file name of the full `result` under RUNNER_TEMP; not the private temp directory, which is removed. */
export const RESULT_FILE_PREFIX = 'hyperctl-export-result-'

/**
 * Outputs that each fit the runner's limit. When one would not, the full `result` is written to a file
 * under `tempDir`, its path published as `result-file`, and every output that is too large keeps its
 * first entries followed by one `{"truncated": true, ...}` entry that says how many were left out and where
 * the full list is.
 */
export function fitOutputs(outputs: Record<string, string>, tempDir: string): Record<string, string> {
  const tooLarge = Object.keys(outputs).filter((name) => bytesOf(outputs[name] ?? '') > OUTPUT_BUDGET_BYTES)
  if (tooLarge.length === 0) return outputs
  const resultFile = join(tempDir, `${RESULT_FILE_PREFIX}${randomUUID()}.json`)
  writeFileSync(resultFile, outputs.result ?? '[]', { mode: 0o600 })
  const fitted: Record<string, string> = { ...outputs, 'result-file': resultFile }
  for (const name of tooLarge) fitted[name] = truncateJson(outputs[name] ?? '', resultFile)
  return fitted
}

function bytesOf(text: string): number {
  return Buffer.byteLength(escapeUnsafeForJson(text), 'utf8')
}

/** A JSON array or object cut to its first entries that fit, with a last entry saying so. */
function truncateJson(text: string, resultFile: string): string {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    value = undefined
  }
  const note = (shown: number, total: number) => ({ truncated: true, shown, total, resultFile })
  if (Array.isArray(value)) {
    const parts = value.map((entry) => JSON.stringify(entry))
    const shown = fittingCount(parts, (n) => JSON.stringify(note(n, parts.length)))
    return `[${[...parts.slice(0, shown), JSON.stringify(note(shown, parts.length))].join(',')}]`
  }
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value).map(
      ([key, entry]) => `${JSON.stringify(key)}:${JSON.stringify(entry)}`,
    )
    const tail = (n: number) => `"truncated":${JSON.stringify(note(n, parts.length))}`
    const shown = fittingCount(parts, tail)
    return `{${[...parts.slice(0, shown), tail(shown)].join(',')}}`
  }
  // why: a plain text output (a path, a word) is never this large; cut it rather than fail the step
  return `${text.slice(0, OUTPUT_BUDGET_BYTES / 4)} [truncated; the full result is in ${resultFile}]`
}

/** How many of the parts fit the budget together with the closing note (each joined by a comma). */
function fittingCount(parts: readonly string[], noteFor: (shown: number) => string): number {
  let used = 2
  let shown = 0
  for (const part of parts) {
    const next = used + bytesOf(part) + 1
    if (next + bytesOf(noteFor(shown + 1)) + 1 > OUTPUT_BUDGET_BYTES) break
    used = next
    shown++
  }
  return shown
}
