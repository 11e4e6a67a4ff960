import { UsageError } from '../errors.js'

/** A vCenter server is a host name (the exporters build `https://<server>/sdk`); a URL is cut to its host. */
export function vcenterHost(raw: string): { server: string; notice?: string } {
  const value = raw.trim()
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return { server: value }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(
      `the vCenter server ${JSON.stringify(value)} is neither a host name nor a URL`,
      'Give the vCenter host name, e.g. vcenter.example.com.',
    )
  }
  if (url.host === '') {
    throw new UsageError(
      `the vCenter server ${JSON.stringify(value)} has no host`,
      'Give the vCenter host name.',
    )
  }
  // why: a URL with credentials would put them in the job; we never echo the URL back, only its host
  return {
    server: url.host,
    notice: `the vCenter server was given as a URL; using its host ${url.host} (hypervisord builds https://<server>/sdk itself)`,
  }
}
