import type { TransportEvent } from './types.js'

/** One line for a verbose log: `GET /jobs/query → 200 (12 ms)`, `hyperctl query -all → exit 0 (250 ms)`. */
export function describeTransportEvent(event: TransportEvent): string {
  if (event.kind === 'request') {
    const attempt = event.attempt > 1 ? `, attempt ${event.attempt}` : ''
    const outcome =
      event.status === undefined ? `failed: ${event.error ?? 'no answer'}` : String(event.status)
    return `${event.method} ${event.path} → ${outcome} (${event.ms} ms${attempt})`
  }
  const argv = [event.file, ...event.args].map(quoteArg).join(' ')
  const outcome = event.error ?? `exit ${event.exitCode ?? 'by signal'}`
  return `${argv} → ${outcome} (${event.ms} ms)`
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg)
}
