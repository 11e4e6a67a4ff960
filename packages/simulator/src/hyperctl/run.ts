import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { decodeBytes, encodeText } from '../go/go-bytes.js'
import { goFilepathBase, goFilepathExt, goTrimSpace } from '../go/go-format.js'
import { goJsonString, goJsonStrings } from '../go/go-json-encode.js'
import { GarbleSpecError, type Garbling, garbleBytes, parseGarbling } from './garble.js'
import {
  CANCEL_FLAGS,
  type FlagParse,
  type FlagSpec,
  GLOBAL_FLAGS,
  parseFlags,
  QUERY_FLAGS,
  STATUS_FLAGS,
  SUBMIT_FLAGS,
} from './go-flags.js'
import { decodeGoJson, type GoType } from './go-json.js'
import { simplifiedHelpText } from './help.js'
import { type Paint, prefixPrintfln, prefixPrintln } from './pterm.js'
import { cancelStdoutText, queryStdoutText, statusStdoutText, submitStdoutText } from './render.js'
import {
  CANCEL_RESPONSE,
  DAEMON_STATUS,
  type DecodedCancelReply,
  type DecodedDaemonStatus,
  type DecodedJob,
  type DecodedQueryReply,
  type DecodedSubmitReply,
  QUERY_RESPONSE,
  SUBMIT_RESPONSE,
} from './replies.js'
import { Spinner } from './spinner.js'
import { type FetchLike, type HttpRequest, sendRequest, type TransportOutcome } from './transport.js'

/** Where the simulator writes: anything with a write(bytes) method (process.stdout, a collecting sink). */
export interface ByteSink {
  write(chunk: Uint8Array): unknown
}

export interface HyperctlSimIO {
  stdout: ByteSink
  stderr: ByteSink
  /** Environment (NO_COLOR and the HYPERCTL_SIM_* knobs). Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>
  /** Directory a relative `-file` path is read from. Default: process.cwd(). */
  cwd?: string
  /** Columns of the terminal when stdout is one; undefined means not a terminal (pterm then uses 80). */
  stdoutColumns?: number
  /** Route requests through this fetch-compatible function instead of a real HTTP connection. */
  fetch?: FetchLike
}

/** Exit code of the simulator's own failures (bad HYPERCTL_SIM_* value, a command it does not simulate). */
export const SIM_FAILURE_EXIT_CODE = 125

const VERSION = '0.0.1'
const REAL_DAEMON_URL = 'http://localhost:8080'

// hyperctl commands that exist but are outside what this simulator reproduces.
const UNSIMULATED = new Set([
  'list',
  'grep',
  'rg',
  'vm',
  'migrate',
  'interactive',
  'completion',
  'watch',
  'logs',
  'schedules',
  'webhooks',
  'manifest',
  'workflow',
  'host',
  'cluster',
  'metrics',
  'pool',
  'events',
  'clone',
  'daemon',
  'carbon',
  'k8s',
])

interface Settings {
  paint: Paint
  daemonUrl: string
  displayUrl: string
  dialError: string | undefined
  spinnerFrames: number | undefined
  terminalWidth: number
  timeoutMs: number
  argv0: string
  garbling: Garbling
}

class SettingError extends Error {}

function readSettings(env: Readonly<Record<string, string | undefined>>, io: HyperctlSimIO): Settings {
  const count = (name: string, min: number): number | undefined => {
    const raw = env[name]
    if (raw === undefined || raw === '') return undefined
    if (!/^\d+$/.test(raw) || Number(raw) < min) {
      throw new SettingError(
        `${name} must be a whole number${min > 0 ? ` of at least ${min}` : ''}, got ${JSON.stringify(raw)}`,
      )
    }
    return Number(raw)
  }
  // why: hyperctl appends "/jobs/..." to its constant; a trailing slash here would make "//jobs/..."
  const daemonUrl = (env.HYPERCTL_SIM_DAEMON_URL || REAL_DAEMON_URL).replace(/\/+$/, '')
  let garbling: Garbling
  try {
    garbling = parseGarbling(env.HYPERCTL_SIM_GARBLE)
  } catch (error) {
    if (error instanceof GarbleSpecError) throw new SettingError(error.message)
    throw error
  }
  return {
    // why: gookit enables colour unless NO_COLOR is set to a non-empty value; pterm forces it on otherwise
    paint: { color: (env.NO_COLOR ?? '') === '' },
    daemonUrl,
    // why: the shown URL (status page, error texts) must not carry a password from the knob
    displayUrl: (env.HYPERCTL_SIM_DISPLAY_URL || redactPassword(daemonUrl)).replace(/\/+$/, ''),
    dialError: env.HYPERCTL_SIM_DIAL_ERROR || undefined,
    spinnerFrames: count('HYPERCTL_SIM_SPINNER_FRAMES', 0),
    terminalWidth:
      count('HYPERCTL_SIM_TERMINAL_WIDTH', 1) ??
      (io.stdoutColumns && io.stdoutColumns > 0 ? io.stdoutColumns : 80),
    timeoutMs: count('HYPERCTL_SIM_TIMEOUT_MS', 1) ?? 30_000,
    argv0: env.HYPERCTL_SIM_ARGV0 || 'hyperctl',
    garbling,
  }
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url)
    return parsed.password === '' ? url : url.replace(`:${parsed.password}@`, ':***@')
  } catch {
    return url
  }
}

/** Collects or forwards each stream; a garbled stream is held back and damaged when the run ends. */
class Output {
  private readonly held: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] }

  constructor(
    private readonly io: HyperctlSimIO,
    private readonly garbling: Garbling | undefined,
  ) {}

  stdout(text: string): void {
    this.emit('stdout', text)
  }

  stderr(text: string): void {
    this.emit('stderr', text)
  }

  private holds(stream: 'stdout' | 'stderr'): boolean {
    return Boolean(this.garbling?.cut?.streams[stream] || this.garbling?.stray?.streams[stream])
  }

  private emit(stream: 'stdout' | 'stderr', text: string): void {
    if (text === '') return
    const bytes = encodeText(text)
    if (this.holds(stream)) this.held[stream].push(bytes)
    else this.io[stream].write(bytes)
  }

  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (!this.holds(stream) || !this.garbling) continue
      const bytes = garbleBytes(Buffer.concat(this.held[stream]), this.garbling, stream)
      if (bytes.length > 0) this.io[stream].write(bytes)
    }
  }
}

/**
 * Runs the hyperctl command line `args` (without the program name) the way the real hyperctl does,
 * writing byte-identical stdout/stderr, and resolves to its exit code.
 */
export async function runHyperctlSim(args: readonly string[], io: HyperctlSimIO): Promise<number> {
  const env = io.env ?? process.env
  let settings: Settings
  try {
    settings = readSettings(env, io)
  } catch (error) {
    if (!(error instanceof SettingError)) throw error
    io.stderr.write(encodeText(`hyperctl-sim: ${error.message}\n`))
    return SIM_FAILURE_EXIT_CODE
  }
  const out = new Output(io, settings.garbling)
  try {
    return await dispatch(args, settings, out, io)
  } finally {
    out.flush()
  }
}

async function dispatch(
  args: readonly string[],
  s: Settings,
  out: Output,
  io: HyperctlSimIO,
): Promise<number> {
  const global = parseFlags(s.argv0, GLOBAL_FLAGS, args)
  if (!global.ok) return flagFailure(global, out)
  if (global.values.get('version') === true) {
    out.stdout(`hyperctl version ${VERSION}\n`)
    return 0
  }
  if (args.length === 0) {
    out.stdout(simplifiedHelpText(s.paint))
    return 1
  }
  // why: hyperctl dispatches on the raw first argument, so `-daemon URL submit` is an unknown command
  const command = args[0]!
  const sub = (specs: readonly FlagSpec[]) => parseFlags(command, specs, args.slice(1))
  switch (command) {
    case 'submit': {
      const flags = sub(SUBMIT_FLAGS)
      if (!flags.ok) return flagFailure(flags, out)
      return submit(s, out, io, flags.values)
    }
    case 'query': {
      const flags = sub(QUERY_FLAGS)
      if (!flags.ok) return flagFailure(flags, out)
      return query(s, out, io, flags.values)
    }
    case 'status': {
      const flags = sub(STATUS_FLAGS)
      if (!flags.ok) return flagFailure(flags, out)
      return status(s, out, io)
    }
    case 'cancel': {
      const flags = sub(CANCEL_FLAGS)
      if (!flags.ok) return flagFailure(flags, out)
      return cancel(s, out, io, flags.values)
    }
    case 'help':
      out.stdout(simplifiedHelpText(s.paint))
      return 0
    default:
      if (UNSIMULATED.has(command)) {
        out.stderr(
          `hyperctl-sim: "${command}" is a hyperctl command this simulator does not reproduce (it covers submit, query, status, cancel, help and -version)\n`,
        )
        return SIM_FAILURE_EXIT_CODE
      }
      out.stdout(prefixPrintfln(s.paint, 'error', `Unknown command: ${command}`))
      out.stdout(simplifiedHelpText(s.paint))
      return 1
  }
}

function flagFailure(result: Extract<FlagParse, { ok: false }>, out: Output): number {
  out.stderr(result.stderr)
  return result.exitCode
}

function spinnerFor(s: Settings, out: Output, text: string): Spinner {
  const spinner = new Spinner((t) => out.stderr(t), s.paint, text, s.terminalWidth, s.spinnerFrames)
  spinner.start()
  return spinner
}

function request(
  s: Settings,
  io: HyperctlSimIO,
  spinner: Spinner,
  req: Omit<HttpRequest, 'url'> & { path: string },
): Promise<TransportOutcome> {
  spinner.waiting()
  return sendRequest(
    { method: req.method, url: s.daemonUrl + req.path, contentType: req.contentType, body: req.body },
    {
      timeoutMs: s.timeoutMs,
      actualBase: s.daemonUrl,
      displayBase: s.displayUrl,
      ...(s.dialError !== undefined ? { dialError: s.dialError } : {}),
      ...(io.fetch ? { fetch: io.fetch } : {}),
    },
  )
}

function decode<T>(
  reply: { body: Buffer; bodyError?: string },
  type: GoType,
): { ok: true; value: T } | { ok: false; error: string } {
  const outcome = decodeGoJson(reply.body, type, reply.bodyError)
  return outcome.ok ? { ok: true, value: outcome.value as T } : outcome
}

async function submit(
  s: Settings,
  out: Output,
  io: HyperctlSimIO,
  flags: Map<string, string | boolean>,
): Promise<number> {
  const file = flags.get('file') as string
  const vm = flags.get('vm') as string
  let output = flags.get('output') as string
  const spinner = spinnerFor(s, out, 'Submitting job(s)...')
  let body: Buffer
  let contentType: string
  if (file !== '') {
    try {
      body = await readFile(resolve(io.cwd ?? process.cwd(), file))
    } catch (error) {
      spinner.fail(`Failed to read file: ${goReadFileError(error, file)}`)
      return 1
    }
    const ext = goFilepathExt(file)
    contentType = ext === '.yaml' || ext === '.yml' ? 'application/x-yaml' : 'application/json'
  } else if (vm !== '') {
    const name = goFilepathBase(vm)
    if (output === '') output = `./export-${name}`
    body = Buffer.from(
      `{"id":"","name":${goJsonString(name)},"vm_path":${goJsonString(vm)},"output_path":${goJsonString(output)},"created_at":"0001-01-01T00:00:00Z"}`,
    )
    contentType = 'application/json'
  } else {
    spinner.fail('Either -file or -vm must be specified')
    return 1
  }
  const sent = await request(s, io, spinner, { method: 'POST', path: '/jobs/submit', contentType, body })
  if (!sent.ok) {
    spinner.fail(`Failed to submit job: ${sent.error}`)
    return 1
  }
  if (sent.reply.status !== 200) {
    // why: hyperctl ignores the read error here and prints whatever part of the body arrived
    spinner.fail(`Server error: ${decodeBytes(sent.reply.body)}`)
    return 1
  }
  const decoded = decode<DecodedSubmitReply>(sent.reply, SUBMIT_RESPONSE)
  if (!decoded.ok) {
    spinner.fail(`Failed to parse response: ${decoded.error}`)
    return 1
  }
  spinner.succeed(`Submitted ${decoded.value.accepted} job(s)`)
  out.stdout(submitStdoutText(s.paint, decoded.value))
  return 0
}

async function query(
  s: Settings,
  out: Output,
  io: HyperctlSimIO,
  flags: Map<string, string | boolean>,
): Promise<number> {
  const spinner = spinnerFor(s, out, 'Querying jobs...')
  const id = flags.get('id') as string
  const statusFilter = flags.get('status') as string
  let json = '{'
  if (id !== '') json += `"job_ids":${goJsonStrings(id.split(','))},`
  if (statusFilter !== '') json += `"status":${goJsonStrings(statusFilter.split(',').map(goTrimSpace))},`
  json += `"all":${flags.get('all') === true}}`
  const sent = await request(s, io, spinner, {
    method: 'POST',
    path: '/jobs/query',
    contentType: 'application/json',
    body: Buffer.from(json),
  })
  if (!sent.ok) {
    spinner.fail(`Failed to query: ${sent.error}`)
    return 1
  }
  const decoded = decode<DecodedQueryReply>(sent.reply, QUERY_RESPONSE)
  if (!decoded.ok) {
    spinner.fail(`Failed to parse response: ${decoded.error}`)
    return 1
  }
  const reply = decoded.value
  spinner.succeed(`Found ${reply.total} job(s)`)
  const jobs = reply.jobs ?? []
  if (reply.total !== 0n && jobs.some((job) => job === null)) {
    // why: displayJobs dereferences each *Job; a JSON null element crashes hyperctl
    out.stderr(NIL_JOB_PANIC)
    return 2
  }
  out.stdout(queryStdoutText(s.paint, reply.total, jobs as DecodedJob[], s.garbling.unknownColumn))
  return 0
}

// The shape of Go's crash report; addresses, arguments and offsets of a real build differ.
const NIL_JOB_PANIC = `panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x0]

goroutine 1 [running]:
main.displayJobs(...)
\thypersdk/cmd/hyperctl/main.go:2165
main.handleQuery(...)
\thypersdk/cmd/hyperctl/main.go:1214
main.main()
\thypersdk/cmd/hyperctl/main.go:318
`

async function status(s: Settings, out: Output, io: HyperctlSimIO): Promise<number> {
  const spinner = spinnerFor(s, out, '📊 Getting daemon status...')
  const sent = await request(s, io, spinner, { method: 'GET', path: '/status', contentType: '', body: null })
  if (!sent.ok) {
    spinner.fail(`Failed to get status: ${sent.error}`)
    return 1
  }
  const decoded = decode<DecodedDaemonStatus>(sent.reply, DAEMON_STATUS)
  if (!decoded.ok) {
    spinner.fail(`Failed to parse response: ${decoded.error}`)
    return 1
  }
  spinner.succeed('Retrieved daemon status')
  out.stdout(statusStdoutText(s.paint, decoded.value, s.displayUrl))
  return 0
}

async function cancel(
  s: Settings,
  out: Output,
  io: HyperctlSimIO,
  flags: Map<string, string | boolean>,
): Promise<number> {
  const ids = flags.get('id') as string
  if (ids === '') {
    out.stdout(prefixPrintln(s.paint, 'error', 'Job ID required (-id)'))
    return 1
  }
  const spinner = spinnerFor(s, out, 'Cancelling job(s)...')
  const body = Buffer.from(`{"job_ids":${goJsonStrings(ids.split(','))}}`)
  const sent = await request(s, io, spinner, {
    method: 'POST',
    path: '/jobs/cancel',
    contentType: 'application/json',
    body,
  })
  if (!sent.ok) {
    spinner.fail(`Failed to cancel: ${sent.error}`)
    return 1
  }
  const decoded = decode<DecodedCancelReply>(sent.reply, CANCEL_RESPONSE)
  if (!decoded.ok) {
    spinner.fail(`Failed to parse response: ${decoded.error}`)
    return 1
  }
  spinner.succeed(`Cancelled ${decoded.value.cancelled?.length ?? 0} job(s)`)
  out.stdout(cancelStdoutText(s.paint, decoded.value))
  return 0
}

const FILE_ERRORS: Record<string, [op: string, text: string]> = {
  ENOENT: ['open', 'no such file or directory'],
  EACCES: ['open', 'permission denied'],
  EPERM: ['open', 'operation not permitted'],
  ENOTDIR: ['open', 'not a directory'],
  ELOOP: ['open', 'too many levels of symbolic links'],
  ENAMETOOLONG: ['open', 'file name too long'],
  EISDIR: ['read', 'is a directory'],
  EINVAL: ['open', 'invalid argument'],
}

/** os.ReadFile's *PathError text for a Node fs error. */
function goReadFileError(error: unknown, path: string): string {
  const code = (error as { code?: string }).code ?? ''
  const known = FILE_ERRORS[code] ?? (code === 'ERR_INVALID_ARG_VALUE' ? FILE_ERRORS.EINVAL : undefined)
  if (known) return `${known[0]} ${path}: ${known[1]}`
  return `open ${path}: ${(error as Error).message}`
}
