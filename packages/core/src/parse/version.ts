import { HyperctlParseError } from '../errors.js'
import { toLines } from './lines.js'

// why: a version is printable ASCII (`0.0.1`, `1.2.3-rc.1`); a stray byte (U+FFFD, a control) is damage
const VERSION_LINE = /^hyperctl version ([0-9A-Za-z][0-9A-Za-z.+_~-]*)$/

/**
 * Reads `hyperctl -version` stdout: the single line `hyperctl version <v>\n` (docs/hyperctl.md#version). The line
 * must be complete: output cut inside it (`hyperctl version 0.0`) has no final newline.
 */
export function parseVersionOutput(stdout: string): { version: string } {
  const lines = toLines(stdout).filter((line) => line !== '')
  const match = lines.length === 1 && stdout.endsWith('\n') ? VERSION_LINE.exec(lines[0] ?? '') : null
  if (!match?.[1]) throw new HyperctlParseError('a hyperctl version', stdout)
  return { version: match[1] }
}
