import { UsageError } from '@hyperctl-export/core/errors'
import type { OptionValues } from './command-line.js'
import type { CommandSpec } from './command-table.js'
import { envNames, OPTIONS } from './option-table.js'

/** Where a value came from: the flag, a variable (named), or nothing (the default applies). */
export type ValueSource = { from: 'flag' } | { from: 'env'; name: string } | { from: 'default' }

export interface ResolvedOptions {
  values: OptionValues
  sources: Record<string, ValueSource>
}

const TRUE = new Set(['1', 'true', 'yes', 'on'])
const FALSE = new Set(['0', 'false', 'no', 'off'])

/**
 * The value of each option the command reads: the flag, else the first of its variables that is set and
 * not empty, else nothing (the default applies later). A switch's variable takes 1/0, true/false, yes/no.
 */
export function resolveOptions(
  spec: CommandSpec,
  flags: OptionValues,
  env: NodeJS.ProcessEnv,
): ResolvedOptions {
  const values: OptionValues = {}
  const sources: Record<string, ValueSource> = {}
  for (const name of spec.options) {
    const option = OPTIONS.find((o) => o.name === name)!
    if (flags[name] !== undefined) {
      values[name] = flags[name]
      sources[name] = { from: 'flag' }
      continue
    }
    const variable = envNames(option).find((v) => env[v] !== undefined && env[v] !== '')
    if (variable === undefined) {
      sources[name] = { from: 'default' }
      continue
    }
    const raw = env[variable]!
    if (option.value) {
      values[name] = raw
    } else {
      const word = raw.trim().toLowerCase()
      if (!TRUE.has(word) && !FALSE.has(word)) {
        throw new UsageError(
          `${variable} must be 1 or 0 (true/false, yes/no), not ${JSON.stringify(raw)}`,
          `Set ${variable}=1 to turn --${name} on, or unset it.`,
        )
      }
      values[name] = TRUE.has(word)
    }
    sources[name] = { from: 'env', name: variable }
  }
  return { values, sources }
}

/** How a message names where a value came from: `--timeout` or `HYPERCTL_EXPORT_TIMEOUT`. */
export function sourceLabel(name: string, source: ValueSource | undefined): string {
  return source?.from === 'env' ? source.name : `--${name}`
}
