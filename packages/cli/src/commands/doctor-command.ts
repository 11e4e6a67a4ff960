import {
  AuthFailedError,
  type Capabilities,
  createBackend,
  DaemonUnreachableError,
  detectHyperctl,
  exitCodeFor,
  formatDuration,
  HyperctlError,
  HypervisordClient,
  hintIn,
  parseGoDuration,
  sanitizeText,
} from '@hyperctl-export/core'
import { type CommandContext, transportLog } from '../command-context.js'
import { CLI_WORDS } from '../hint-words.js'
import { displayWidth } from '../progress/display-width.js'

export type CheckStatus = 'ok' | 'info' | 'warn' | 'fail' | 'skipped'

export interface Check {
  name: string
  status: CheckStatus
  message: string
  /** What to do about it; set for warn and fail. */
  fix?: string
  /** For the exit code of a failed check. */
  kind?: HyperctlError['kind']
}

const DOCTOR_TIMEOUT_MS = 10_000

/**
 * `doctor`: hyperctl (installed, version), the daemon (reachable, version), authentication, the transport
 * auto picks and why, the export method the daemon would choose, and the password exposure of its API.
 */
export async function runDoctor(ctx: CommandContext): Promise<number> {
  const checks = await diagnose(ctx)
  const { output } = ctx
  const failed = checks.filter((c) => c.status === 'fail')
  if (output.json) {
    output.document({ ok: failed.length === 0, checks })
  } else {
    const style = output.out
    const symbol: Record<CheckStatus, string> = {
      ok: style.green('✔'),
      info: style.cyan('i'),
      warn: style.yellow('!'),
      fail: style.red('✖'),
      skipped: style.dim('-'),
    }
    const lines: string[] = []
    // why: the message column starts after the widest check name, however long a name is
    const width = Math.max(...checks.map((c) => displayWidth(c.name))) + 2
    for (const check of checks) {
      const pad = ' '.repeat(width - displayWidth(check.name))
      lines.push(`${symbol[check.status]} ${check.name}${pad}${sanitizeText(check.message)}`)
      if (check.fix) lines.push(`  ${' '.repeat(width)}${style.dim('fix:')} ${sanitizeText(check.fix)}`)
    }
    const warned = checks.filter((c) => c.status === 'warn').length
    lines.push(
      failed.length > 0
        ? style.red(`${failed.length} problem(s) to fix${warned > 0 ? `, ${warned} warning(s)` : ''}`)
        : style.green(`ready${warned > 0 ? `, with ${warned} warning(s)` : ''}`),
    )
    output.result(lines.join('\n'))
  }
  if (failed.length === 0) return 0
  const codes = failed.map((c) => (c.kind ? exitCodeFor[c.kind] : 1))
  return codes.includes(3) ? 3 : 1
}

async function diagnose(ctx: CommandContext): Promise<Check[]> {
  const { global } = ctx.settings
  const env = ctx.io.env
  const checks: Check[] = []
  const timeoutMs = global.timeoutMs ?? DOCTOR_TIMEOUT_MS
  const call = { signal: ctx.signal, timeoutMs }

  const hyperctl = await detectHyperctl({
    ...(global.hyperctlPath ? { hyperctlPath: global.hyperctlPath } : {}),
    env,
    timeoutMs,
  })
  if (hyperctl.installed) {
    checks.push({
      name: 'hyperctl',
      status: 'ok',
      message: `hyperctl ${hyperctl.version ?? '(version unknown)'} at ${hyperctl.path}`,
    })
  } else {
    const needed = global.transport === 'cli'
    checks.push({
      name: 'hyperctl',
      status: needed ? 'fail' : 'info',
      message: `hyperctl is not usable: ${hyperctl.error ?? 'not found'}${needed ? '' : ' (not needed: the api transport works without it)'}`,
      ...(needed
        ? {
            fix: 'Install hyperctl, or point --hyperctl-path (HYPERCTL_EXPORT_HYPERCTL_PATH) at it, or use --transport api.',
            kind: 'not-installed' as const,
          }
        : {}),
    })
  }

  let client: HypervisordClient
  try {
    client = new HypervisordClient({
      ...(global.daemonUrl ? { daemonUrl: global.daemonUrl } : {}),
      ...(global.apiKey ? { apiKey: global.apiKey } : {}),
      env,
      requestTimeoutMs: timeoutMs,
      retries: 0,
      ...transportLog(ctx),
    })
  } catch (error) {
    checks.push(failure('daemon', error))
    return checks
  }
  const url = client.daemonUrl

  let reachable = true
  try {
    await client.health(call)
    checks.push({ name: 'daemon', status: 'ok', message: `hypervisord answers at ${url}` })
  } catch (error) {
    reachable = false
    checks.push(failure('daemon', error))
  }

  let authOff: boolean | undefined
  if (reachable) {
    try {
      const status = await client.checkDaemonStatus(call)
      checks.push({
        name: 'daemon version',
        status: 'ok',
        message: `hypervisord ${status.version}, up ${uptimeText(status.uptime)}, ${status.totalJobs} job(s) since its start`,
      })
      authOff = global.apiKey ? await answersWithoutKey(url, env, call) : true
      checks.push({
        name: 'auth',
        status: global.apiKey && authOff ? 'warn' : 'ok',
        message: !global.apiKey
          ? 'the API answers without an API key (authentication is off, as in every stock hypervisord)'
          : authOff
            ? 'the API key is not needed: the API answers without one (authentication is off)'
            : 'the API key is accepted (authentication is on)',
        ...(global.apiKey && authOff
          ? { fix: 'Turn authentication on in the daemon build if the key is meant to protect it.' }
          : {}),
      })
    } catch (error) {
      checks.push(failure('auth', error))
    }
  } else {
    checks.push({ name: 'auth', status: 'skipped', message: 'not checked: the daemon did not answer' })
  }

  try {
    const choice = await createBackend({
      transport: global.transport,
      daemonUrl: url,
      ...(global.apiKey ? { apiKey: global.apiKey } : {}),
      ...(global.hyperctlPath ? { hyperctlPath: global.hyperctlPath } : {}),
      env,
      requestTimeoutMs: timeoutMs,
      commandTimeoutMs: timeoutMs,
      ...transportLog(ctx),
    })
    const asked = global.transport === 'auto' ? 'auto picks' : 'using'
    checks.push({
      name: 'transport',
      status: 'ok',
      message: `${asked} ${choice.transport}: ${choice.reason}`,
    })
    if (choice.transport === 'cli' && reachable) {
      try {
        await choice.backend.checkDaemonStatus(call)
        checks.push({ name: 'via hyperctl', status: 'ok', message: 'hyperctl reaches the daemon' })
      } catch (error) {
        checks.push(failure('via hyperctl', error))
      }
    }
  } catch (error) {
    checks.push(failure('transport', error))
  }

  if (reachable) {
    try {
      checks.push(methodCheck(await client.capabilities(call)))
    } catch (error) {
      const described = failure('export method', error)
      checks.push({
        ...described,
        status: 'warn',
        fix: 'hyperctl-export sends export_method web with every job anyway.',
      })
    }
  } else {
    checks.push({
      name: 'export method',
      status: 'skipped',
      message: 'not checked: the daemon did not answer',
    })
  }

  checks.push({
    name: 'passwords',
    status: 'warn',
    message: `hypervisord returns each job's vCenter password in clear text (GET /jobs/{id}, /jobs/query, /ws) to anyone who can reach ${url}${authOff ? ', and its authentication is off' : ''}; hyperctl-export redacts it from everything it prints`,
    fix: 'Use a dedicated low-privilege vCenter account for exports, and keep the daemon port reachable only from where exports are started.',
  })
  return checks
}

function methodCheck(capabilities: Capabilities): Check {
  const method = capabilities.defaultMethod
  const web = capabilities.methods.web
  const webNote = web && !web.available ? '; the web method is not available on this daemon' : ''
  if (method === 'ctl') {
    return {
      name: 'export method',
      status: 'warn',
      message: `the daemon would choose ctl for a job that names no method, and ctl fails every export (it runs \`hyperctl export\`, which does not exist)${webNote}`,
      fix: 'Nothing to do for hyperctl-export (every job names export_method, web by default); never submit jobs without export_method by hand.',
    }
  }
  return {
    name: 'export method',
    status: webNote ? 'warn' : 'ok',
    message: `the daemon would choose ${method} for a job that names no method; hyperctl-export sends web unless told otherwise${webNote}`,
    ...(webNote ? { fix: 'Pass --export-method with a method the daemon has (govc or ovftool).' } : {}),
  }
}

/** Go's duration text as a person reads it (`23.399311212s` → `23s`); other text as it came. */
export function uptimeText(uptime: string): string {
  const ms = parseGoDuration(uptime)
  return ms === undefined ? uptime : formatDuration(ms)
}

async function answersWithoutKey(
  url: string,
  env: NodeJS.ProcessEnv,
  call: { signal: AbortSignal; timeoutMs: number },
): Promise<boolean> {
  const keyless = new HypervisordClient({
    daemonUrl: url,
    env: { ...env, HYPERVISORD_API_KEY: '' },
    retries: 0,
  })
  try {
    await keyless.checkDaemonStatus(call)
    return true
  } catch (error) {
    if (error instanceof AuthFailedError) return false
    throw error
  }
}

function failure(name: string, error: unknown): Check {
  if (error instanceof HyperctlError) {
    let fix = hintIn(error, CLI_WORDS)
    if (error instanceof DaemonUnreachableError) {
      fix =
        'Start hypervisord, or point --daemon-url (HYPERCTL_EXPORT_DAEMON_URL) at it; check firewalls between here and there.'
    } else if (error instanceof AuthFailedError) {
      fix = 'Set HYPERVISORD_API_KEY (or --api-key) to the key the daemon is configured with.'
    }
    return { name, status: 'fail', message: error.message, fix, kind: error.kind }
  }
  return {
    name,
    status: 'fail',
    message: error instanceof Error ? error.message : String(error),
    fix: 'Please report this.',
  }
}
