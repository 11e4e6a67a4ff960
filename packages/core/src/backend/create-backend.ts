import { DEFAULT_DAEMON_URL, normalizeDaemonUrl } from '../client/daemon-url.js'
import { HypervisordClient } from '../client/hypervisord-client.js'
import { UsageError } from '../errors.js'
import { detectHyperctl } from '../runner/detect-hyperctl.js'
import { HyperctlRunner } from '../runner/hyperctl-runner.js'
import type { ExportBackend, Transport, TransportListener } from '../types.js'

export interface BackendOptions {
  /** `auto` (default) picks hyperctl only where it can work, else the REST API. */
  transport?: Transport | 'auto'
  /** Default: HYPERVISORD_URL, else http://localhost:8080. */
  daemonUrl?: string
  /** Default: HYPERVISORD_API_KEY. hyperctl cannot send one, so a key means the API. */
  apiKey?: string
  /** Default: HYPERCTL_PATH, else `hyperctl` on PATH. */
  hyperctlPath?: string
  env?: NodeJS.ProcessEnv
  requestTimeoutMs?: number
  /** REST read retries on connection errors, 5xx and 429 (default 4); 0 for a quick answer. */
  retries?: number
  commandTimeoutMs?: number
  /** Where hyperctl's private job-file directories are made (cli); default os.tmpdir(). */
  tempDir?: string
  /** Told of each daemon request and each hyperctl run, for a verbose log. */
  onEvent?: TransportListener
  /** Told once when hyperctl cannot tell some jobs' rows apart and asks for them one by one (cli). */
  onNotice?: (message: string) => void
}

export interface BackendChoice {
  backend: ExportBackend
  transport: Transport
  /** One sentence: why this transport. */
  reason: string
  daemonUrl: string
}

/** Builds the backend for the options, resolving `auto` by what can actually work here. */
export async function createBackend(options: BackendOptions = {}): Promise<BackendChoice> {
  const env = options.env ?? process.env
  const transport = options.transport ?? 'auto'
  if (transport !== 'auto' && transport !== 'cli' && transport !== 'api') {
    throw new UsageError(`transport must be auto, cli or api, not ${JSON.stringify(transport)}`)
  }
  const daemonUrl = normalizeDaemonUrl(options.daemonUrl || env.HYPERVISORD_URL || DEFAULT_DAEMON_URL)
  const apiKey = options.apiKey || env.HYPERVISORD_API_KEY || undefined
  const hyperctlPath = options.hyperctlPath || env.HYPERCTL_PATH || 'hyperctl'
  const api = (reason: string): BackendChoice => ({
    backend: new HypervisordClient({
      daemonUrl,
      apiKey,
      requestTimeoutMs: options.requestTimeoutMs,
      retries: options.retries,
      env,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    }),
    transport: 'api',
    reason,
    daemonUrl,
  })
  const cli = (reason: string): BackendChoice => ({
    backend: new HyperctlRunner({
      hyperctlPath,
      env,
      commandTimeoutMs: options.commandTimeoutMs,
      tempDir: options.tempDir,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      onNotice: options.onNotice,
    }),
    transport: 'cli',
    reason,
    daemonUrl,
  })
  const reachable = hyperctlCanReach(daemonUrl, env)

  if (transport === 'api') return api('the api transport was asked for')
  if (transport === 'cli') {
    if (apiKey) {
      throw new UsageError(
        'the cli transport cannot be used with an API key: hyperctl sends no credentials',
        { fact: 'cli-transport-limit', why: 'no-key' },
      )
    }
    if (!reachable) {
      throw new UsageError(
        `the cli transport cannot reach ${daemonUrl}: hyperctl only ever talks to ${DEFAULT_DAEMON_URL} (its -daemon flag does not work)`,
        { fact: 'cli-transport-limit', why: 'fixed-url' },
      )
    }
    return cli('the cli transport was asked for')
  }

  if (apiKey) return api('an API key is set and hyperctl cannot send one')
  if (!reachable)
    return api(`hyperctl can only reach ${DEFAULT_DAEMON_URL}, and the daemon is at ${daemonUrl}`)
  const found = await detectHyperctl({ hyperctlPath, env })
  if (!found.installed) return api(`hyperctl was not found (${found.error ?? hyperctlPath})`)
  return cli(
    `hyperctl ${found.version ?? ''} was found at ${found.path} and the daemon is at ${daemonUrl}`.replace(
      '  ',
      ' ',
    ),
  )
}

function hyperctlCanReach(daemonUrl: string, env: NodeJS.ProcessEnv): boolean {
  // why: our simulator's hyperctl-sim can be pointed elsewhere with this documented test knob
  const simUrl = env.HYPERCTL_SIM_DAEMON_URL
  if (simUrl) return normalizeDaemonUrl(simUrl) === daemonUrl
  const url = new URL(daemonUrl)
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]'
  return (
    url.protocol === 'http:' && local && url.port === '8080' && (url.pathname === '/' || url.pathname === '')
  )
}
