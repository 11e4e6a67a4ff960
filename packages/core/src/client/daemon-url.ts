import { UsageError } from '../errors.js'

export const DEFAULT_DAEMON_URL = 'http://localhost:8080'

/**
 * The daemon base URL without a trailing slash (a path prefix, as behind a reverse proxy, is kept).
 * Throws UsageError for anything but a plain http(s) URL.
 */
export function normalizeDaemonUrl(input: string): string {
  const hint = {
    fact: 'set',
    setting: 'daemon-url',
    to: 'to the daemon address, e.g. http://localhost:8080',
  } as const
  let url: URL
  try {
    url = new URL(input.trim())
  } catch {
    throw new UsageError(`daemon URL ${JSON.stringify(withoutUserInfo(input))} is not a URL`, hint)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`daemon URL must start with http:// or https://, not ${url.protocol}//`, hint)
  }
  if (url.username !== '' || url.password !== '') {
    // why: echoing the URL would print the password; fetch refuses such URLs anyway
    throw new UsageError('daemon URL must not hold a user name or password', { fact: 'url-credentials' })
  }
  if (url.search !== '' || url.hash !== '') {
    throw new UsageError('daemon URL must not have a query or fragment', hint)
  }
  return url.href.replace(/\/+$/, '')
}

/** The text with anything between `//` and the last `@` masked: a password may itself hold `/` or `@`. */
export function withoutUserInfo(input: string): string {
  const start = input.indexOf('//')
  const at = input.lastIndexOf('@')
  return start >= 0 && at > start ? `${input.slice(0, start + 2)}***${input.slice(at)}` : input
}
