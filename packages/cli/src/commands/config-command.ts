import { sanitizeText } from '@hyperctl-export/core'
import type { CommandContext } from '../command-context.js'
import { envNames, OPTIONS, PASSWORD_ENV } from '../option-table.js'
import { textTable } from '../text-table.js'

const MASK = '********'

/** `config`: every setting, its value and where it came from; secrets masked. Contacts nothing. */
export async function runConfig(ctx: CommandContext): Promise<number> {
  const { values, sources } = ctx.settings.given
  const rows = OPTIONS.map((option) => {
    const value = values[option.name]
    const source = sources[option.name] ?? { from: 'default' as const }
    const shown =
      value === undefined
        ? (option.defaultText ?? (option.value ? '' : 'off'))
        : option.secret
          ? MASK
          : String(value === true ? 'on' : value === false ? 'off' : value)
    return {
      option: `--${option.name}`,
      value: shown,
      source: source.from === 'env' ? `env ${source.name}` : source.from,
      env: envNames(option),
    }
  })
  const password = ctx.io.env[PASSWORD_ENV]
  rows.push({
    option: 'vCenter password',
    value: password ? MASK : '',
    source: password ? `env ${PASSWORD_ENV}` : 'asked on a terminal when needed',
    env: [PASSWORD_ENV],
  })
  const { output } = ctx
  if (output.json) {
    output.document({ settings: rows })
    return 0
  }
  output.result(
    textTable(
      ['OPTION', 'VALUE', 'FROM'],
      rows.map((r) => [r.option, sanitizeText(r.value), r.source]),
    ),
  )
  return 0
}
