/** hyperctl always talks to this URL: its `-daemon` flag can never take effect (docs/hyperctl.md#global-flags). */
export const HYPERCTL_DAEMON_URL = 'http://localhost:8080'

/** The hyperctl to run: HYPERCTL_PATH, else `hyperctl` looked up on PATH. */
export function defaultHyperctlPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.HYPERCTL_PATH
  return fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv : 'hyperctl'
}

const SECRET_VARIABLES = new Set(['HYPERVISORD_API_KEY', 'HYPERCTL_EXPORT_VCENTER_PASSWORD'])

/**
 * The environment hyperctl runs with: the caller's without secrets and action inputs, with colour off and
 * narrow ambiguous widths, so the tables are laid out as the parsers expect.
 */
export function hyperctlEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const inherited = { ...env }
  // why: hyperctl reads none of these; kept out of its /proc/<pid>/environ and of anything it starts
  for (const name of Object.keys(inherited)) {
    if (name.startsWith('INPUT_') || SECRET_VARIABLES.has(name)) delete inherited[name]
  }
  return {
    ...inherited,
    // why: pterm forces colour even into pipes; a non-empty NO_COLOR is the only switch (docs/hyperctl.md#colour)
    NO_COLOR: '1',
    // why: a CJK locale makes go-runewidth count ambiguous characters as 2 and changes the padding (docs/hyperctl.md#display-width);
    // LC_ALL wins over LANG, and RUNEWIDTH_EASTASIAN=0 wins over every locale variable
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    RUNEWIDTH_EASTASIAN: '0',
  }
}
