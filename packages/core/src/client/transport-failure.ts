// Why a request failed before an answer came, in words, and whether it surely never left this machine.

interface ErrorWithCode {
  code?: unknown
  message?: unknown
  errors?: unknown
  cause?: unknown
}

/** fetch rejects with TypeError('fetch failed'); the socket's error is its cause. */
function rootCause(error: unknown): ErrorWithCode | undefined {
  let current = error as ErrorWithCode | undefined
  for (let depth = 0; depth < 5 && current?.cause !== undefined && current.code === undefined; depth++) {
    current = current.cause as ErrorWithCode
  }
  return current
}

// why: each of these fails before a byte of the request is written: DNS, a port fetch will not dial
// (https://fetch.spec.whatwg.org/#port-blocking), a refused dial, a TLS handshake that did not complete
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EPROTO'])
const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$)/

/** True when the request surely never left this machine, so the daemon cannot have acted on it. */
export function neverLeft(error: unknown): boolean {
  const root = rootCause(error)
  if (typeof root?.code === 'string' && (NOT_SENT_CODES.has(root.code) || TLS_CODE.test(root.code)))
    return true
  if (root?.message === 'bad port') return true
  // why: with happy eyeballs (localhost → ::1 and 127.0.0.1) Node reports an AggregateError of dials
  return (
    Array.isArray(root?.errors) &&
    root.errors.length > 0 &&
    root.errors.every((e: ErrorWithCode) => typeof e?.code === 'string' && NOT_SENT_CODES.has(e.code))
  )
}

/** The port of `url` when fetch refused to dial it (a port browsers block, such as 6000 for X11). */
export function blockedPort(error: unknown, url: string): string | undefined {
  if (rootCause(error)?.message !== 'bad port') return undefined
  const parsed = new URL(url)
  return parsed.port || (parsed.protocol === 'https:' ? '443' : '80')
}

export function blockedPortHint(port: string): string {
  return `Node's fetch never connects to port ${port} (https://fetch.spec.whatwg.org/#port-blocking), whatever listens there: run hypervisord on another port, such as 8080.`
}

export function transportDetail(error: unknown): string {
  const root = rootCause(error)
  if (root === undefined || root === null) return String(error)
  const parts: string[] = []
  if (Array.isArray(root.errors) && root.errors.length > 0) {
    parts.push(root.errors.map((e: ErrorWithCode) => String(e?.message ?? e)).join('; '))
  } else if (typeof root.message === 'string' && root.message !== '') {
    parts.push(root.message)
  } else {
    parts.push(String(root))
  }
  if (typeof root.code === 'string' && !parts[0]?.includes(root.code)) parts.push(`(${root.code})`)
  return parts.join(' ')
}
