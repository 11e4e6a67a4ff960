export interface Style {
  readonly enabled: boolean
  bold(text: string): string
  dim(text: string): string
  red(text: string): string
  green(text: string): string
  yellow(text: string): string
  cyan(text: string): string
}

const code = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`

/** SGR colours when enabled, the text unchanged otherwise. */
export function createStyle(enabled: boolean): Style {
  if (!enabled) {
    const plain = (text: string) => text
    return { enabled, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain }
  }
  return {
    enabled,
    bold: code(1, 22),
    dim: code(2, 22),
    red: code(31, 39),
    green: code(32, 39),
    yellow: code(33, 39),
    cyan: code(36, 39),
  }
}

export interface StreamLike {
  isTTY?: boolean
}

/**
 * Colour and cursor movement only on a terminal, and never with NO_COLOR (https://no-color.org: set and
 * not empty) or TERM=dumb: a pipe or a log file gets plain text.
 */
export function isLiveTerminal(stream: StreamLike, env: NodeJS.ProcessEnv): boolean {
  if (stream.isTTY !== true) return false
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  return env.TERM !== 'dumb'
}
