import { HyperctlParseError } from '../errors.js'
import { toLines } from './lines.js'

const VERSION_LINE = /^hyperctl version (\S+)$/

/** Reads `hyperctl -version` stdout: the single line `hyperctl version <v>` (HYPERCTL.md §4.5). */
export function parseVersionOutput(stdout: string): { version: string } {
  const lines = toLines(stdout).filter((line) => line !== '')
  const match = lines.length === 1 ? VERSION_LINE.exec(lines[0] ?? '') : null
  if (!match?.[1]) throw new HyperctlParseError('a hyperctl version', stdout)
  return { version: match[1] }
}
