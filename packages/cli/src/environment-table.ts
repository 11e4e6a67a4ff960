import { COMMANDS } from './command-table.js'
import { envNames, OPTIONS, PASSWORD_ENV } from './option-table.js'

/** The README's table of every variable, made from the option table so the two cannot drift apart. */
export function environmentTable(): string {
  const rows = OPTIONS.map((option) => {
    const users = COMMANDS.filter((c) => c.name !== 'config' && c.options.includes(option.name)).map(
      (c) => c.name,
    )
    const fallback = option.defaultText ? `; default ${option.defaultText}` : ''
    const variables = envNames(option)
      .map((name) => `\`${name}\``)
      .join(', then ')
    return `| ${variables} | \`--${option.name}\` (${users.join(', ')})${fallback} |`
  })
  return [
    '| variable | sets |',
    '| --- | --- |',
    ...rows,
    `| \`${PASSWORD_ENV}\` | the vCenter password (there is no flag: it would stay in shell history); else a hidden prompt on a terminal |`,
    '| `NO_COLOR` | no colour and no live redraw |',
    '| `HYPERCTL_EXPORT_COMPLETION_TIMEOUT` | how long a TAB of the completion scripts waits for job IDs from the daemon; default 1s |',
    '| `TERM` | `dumb`: no colour and no live redraw, as with `NO_COLOR` |',
    "| `HYPERCTL_SIM_DAEMON_URL` | the daemon the simulator's `hyperctl-sim` talks to (a test knob): `--transport auto` picks hyperctl when it equals `--daemon-url` (a real hyperctl only reaches http://localhost:8080) |",
  ].join('\n')
}
