import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { escapeUnsafeForJson } from '@hyperctl-export/core'

// why: GitHub refuses a step output over 1 MB; the budget leaves room for redaction, which can lengthen a
// text (a two-character secret becomes `***`)
export const MAX_OUTPUT_BYTES = 1_000_000
const OUTPUT_BUDGET_BYTES = 950_000
// why: room for the note a cut list ends with
const NOTE_SLACK_BYTES = 512

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

/**
 * A JSON value cut to fit the budget. A list keeps its first entries and ends with one note entry; an object
 * whose size comes from lists inside it (the run document's `jobs`, `files`, `checksums`) has those lists
 * cut, largest first, and keeps every other field; any other object keeps its first keys and a `truncated`
 * key holding the note.
 */
function truncateJson(text: string, resultFile: string): string {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    // why: a plain text output (a path, a word) is never this large; cut it rather than fail the step
    return `${text.slice(0, OUTPUT_BUDGET_BYTES / 4)} [truncated; the full result is in ${resultFile}]`
  }
  return cutToFit(value, OUTPUT_BUDGET_BYTES, resultFile)
}

function cutToFit(value: unknown, budget: number, resultFile: string): string {
  const whole = JSON.stringify(value)
  if (bytesOf(whole) <= budget || value === null || typeof value !== 'object') return whole
  const note = (shown: number, total: number) => ({ truncated: true, shown, total, resultFile })
  if (Array.isArray(value)) {
    const parts = value.map((entry) => JSON.stringify(entry))
    const shown = fittingCount(parts, budget, (n) => JSON.stringify(note(n, parts.length)))
    return `[${[...parts.slice(0, shown), JSON.stringify(note(shown, parts.length))].join(',')}]`
  }
  const entries = Object.entries(value)
  const nested = entries.filter(([, entry]) => entry !== null && typeof entry === 'object')
  const cut: Record<string, string> = Object.fromEntries(entries.map(([k, v]) => [k, JSON.stringify(v)]))
  const size = () => bytesOf(`{${entries.map(([k]) => `${JSON.stringify(k)}:${cut[k]}`).join(',')}}`)
  // why: the rest of the document (schemaVersion, verdict, ...) is small; each list inside it gets a share
  // of the budget in proportion to its size, so the document keeps every field and a part of every list
  const nestedBytes = nested.map(([k]) => bytesOf(cut[k]!))
  const total = nestedBytes.reduce((a, b) => a + b, 0)
  const available = budget - (size() - total) - NOTE_SLACK_BYTES * nested.length
  if (nested.length > 0 && available > 0) {
    nested.forEach(([key, entry], i) => {
      cut[key] = cutToFit(entry, Math.floor((available * nestedBytes[i]!) / total), resultFile)
    })
  }
  if (size() <= budget) return `{${entries.map(([k]) => `${JSON.stringify(k)}:${cut[k]}`).join(',')}}`
  const parts = entries.map(([key, entry]) => `${JSON.stringify(key)}:${JSON.stringify(entry)}`)
  const tail = (n: number) => `"truncated":${JSON.stringify(note(n, parts.length))}`
  const shown = fittingCount(parts, budget, tail)
  return `{${[...parts.slice(0, shown), tail(shown)].join(',')}}`
}

/** How many of the parts fit the budget together with the closing note (each joined by a comma). */
function fittingCount(parts: readonly string[], budget: number, noteFor: (shown: number) => string): number {
  let used = 2
  let shown = 0
  for (const part of parts) {
    const next = used + bytesOf(part) + 1
    if (next + bytesOf(noteFor(shown + 1)) + 1 > budget) break
    used = next
    shown++
  }
  return shown
}
