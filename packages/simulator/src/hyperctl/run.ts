import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { encodeStruct } from '../daemon/go-struct.js'
import { definitionFrom, JOB_DEFINITION } from '../daemon/job-model.js'
import { decodeBytes, encodeText } from '../go/go-bytes.js'
import { goFilepathBase, goFilepathExt, goTrimSpace } from '../go/go-format.js'
import type { WireType } from '../go/go-json-decode.js'
import { goJsonStrings } from '../go/go-json-encode.js'
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
import { simplifiedHelpText } from './help.js'
import { prefixPrintfln, prefixPrintln } from './pterm.js'
import {
  type CancelReplyView,
  cancelStdoutText,
  type DaemonStatusView,
  type QueryJobView,
  queryStdoutText,
  type SubmitReplyView,
  statusStdoutText,
  submitStdoutText,
} from './render.js'
import { CANCEL_RESPONSE, DAEMON_STATUS, decodeGoJson, QUERY_RESPONSE, SUBMIT_RESPONSE } from './replies.js'
import { Spinner } from './spinner.js'
import { type FetchLike, type HttpRequest, sendRequest, stripPassword } from './transport.js'

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

type Settings = ReturnType<typeof readSettings>

class SettingError extends Error {}

function readSettings(env: Readonly<Record<string, string | undefined>>, io: HyperctlSimIO) {
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
  return {
    // why: gookit enables colour unless NO_COLOR is set to a non-empty value; pterm forces it on otherwise
    paint: { color: (env.NO_COLOR ?? '') === '' },
    daemonUrl,
    // why: the shown URL (status page, error texts) must not carry a password from the knob
    displayUrl: (env.HYPERCTL_SIM_DISPLAY_URL || stripPassword(daemonUrl)).replace(/\/+$/, ''),
    dialError: env.HYPERCTL_SIM_DIAL_ERROR || undefined,
    spinnerFrames: count('HYPERCTL_SIM_SPINNER_FRAMES', 0),
    terminalWidth:
      count('HYPERCTL_SIM_TERMINAL_WIDTH', 1) ??
      (io.stdoutColumns && io.stdoutColumns > 0 ? io.stdoutColumns : 80),
    timeoutMs: count('HYPERCTL_SIM_TIMEOUT_MS', 1) ?? 30_000,
    argv0: env.HYPERCTL_SIM_ARGV0 || 'hyperctl',
    garbling: parseGarbling(env.HYPERCTL_SIM_GARBLE),
  }
}

type Stream = 'stdout' | 'stderr'
type Output = Record<Stream, (text: string) => void> & { flush(): void }

/** Collects or forwards each stream; a garbled stream is held back and damaged when the run ends. */
function outputFor(io: HyperctlSimIO, garbling: Garbling): Output {
  const held: Record<Stream, Buffer[]> = { stdout: [], stderr: [] }
  const holds = (stream: Stream) => Boolean(garbling.cut?.streams[stream] || garbling.stray?.streams[stream])
  const emit = (stream: Stream) => (text: string) => {
    if (text === '') return
    if (holds(stream)) held[stream].push(encodeText(text))
    else io[stream].write(encodeText(text))
  }
  const flush = () => {
    for (const stream of ['stdout', 'stderr'] as const) {
      const bytes = holds(stream) ? garbleBytes(Buffer.concat(held[stream]), garbling, stream) : undefined
      if (bytes && bytes.length > 0) io[stream].write(bytes)
    }
  }
  return { stdout: emit('stdout'), stderr: emit('stderr'), flush }
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
    if (!(error instanceof SettingError || error instanceof GarbleSpecError)) throw error
    io.stderr.write(encodeText(`hyperctl-sim: ${error.message}\n`))
    return SIM_FAILURE_EXIT_CODE
  }
  const out = outputFor(io, settings.garbling)
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
  const known = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
  if (known) {
    const flags = parseFlags(command, known.flags, args.slice(1))
    if (!flags.ok) return flagFailure(flags, out)
    return runCommand(known, s, out, io, flags.values)
  }
  if (command === 'help') {
    out.stdout(simplifiedHelpText(s.paint))
    return 0
  }
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

function flagFailure(result: Extract<FlagParse, { ok: false }>, out: Output): number {
  out.stderr(result.stderr)
  return result.exitCode
}

type Flags = Map<string, string | boolean>
type RequestBody = Pick<HttpRequest, 'contentType' | 'body'>

/** One of hyperctl's job commands: the same spinner, request and reply plumbing with its own texts. */
interface Command<R> {
  flags: readonly FlagSpec[]
  /** Printed (as an error line, exit 1) before the spinner starts when the flags cannot work. */
  refuse?: (flags: Flags) => string | undefined
  spinner: string
  /** `<failure>: <cause>` is the spinner's text when the request fails. */
  failure: string
  path: string
  /** The request body, or the spinner's failure text when there is nothing to send. */
  body: (flags: Flags, io: HyperctlSimIO) => Promise<RequestBody | string> | RequestBody
  /** submit only: a status other than 200 prints the body as a server error. */
  needsOk?: boolean
  reply: WireType
  succeed: (reply: R) => string
  /** query only: hyperctl crashes on this reply after the spinner's success line. */
  crashes?: (reply: R) => boolean
  /** What the command prints on stdout for the reply. */
  show: (s: Settings, reply: R) => string
}

const define = <R>(command: Command<R>) => command as unknown as Command<unknown>
const json = (text: string): RequestBody => ({ contentType: 'application/json', body: Buffer.from(text) })

const COMMANDS: Record<string, Command<unknown>> = {
  submit: define<SubmitReplyView>({
    flags: SUBMIT_FLAGS,
    spinner: 'Submitting job(s)...',
    failure: 'Failed to submit job',
    path: '/jobs/submit',
    body: submitBody,
    needsOk: true,
    reply: SUBMIT_RESPONSE,
    succeed: (reply) => `Submitted ${reply.accepted ?? 0} job(s)`,
    show: (s, reply) => submitStdoutText(s.paint, reply),
  }),
  query: define<{ jobs?: Array<QueryJobView | null> | null; total?: bigint }>({
    flags: QUERY_FLAGS,
    spinner: 'Querying jobs...',
    failure: 'Failed to query',
    path: '/jobs/query',
    body: (flags) => {
      const id = flags.get('id') as string
      const statusFilter = flags.get('status') as string
      let text = '{'
      if (id !== '') text += `"job_ids":${goJsonStrings(id.split(','))},`
      if (statusFilter !== '') text += `"status":${goJsonStrings(statusFilter.split(',').map(goTrimSpace))},`
      return json(`${text}"all":${flags.get('all') === true}}`)
    },
    reply: QUERY_RESPONSE,
    succeed: (reply) => `Found ${reply.total ?? 0} job(s)`,
    // why: displayJobs dereferences each *Job; a JSON null element crashes hyperctl
    crashes: (reply) => (reply.total ?? 0n) !== 0n && (reply.jobs ?? []).some((job) => job === null),
    show: (s, reply) =>
      queryStdoutText(
        s.paint,
        reply.total ?? 0n,
        (reply.jobs ?? []) as QueryJobView[],
        s.garbling.unknownColumn,
      ),
  }),
  status: define<DaemonStatusView>({
    flags: STATUS_FLAGS,
    spinner: '📊 Getting daemon status...',
    failure: 'Failed to get status',
    path: '/status',
    body: () => ({ contentType: '', body: null }),
    reply: DAEMON_STATUS,
    succeed: () => 'Retrieved daemon status',
    show: (s, reply) => statusStdoutText(s.paint, reply, s.displayUrl),
  }),
  cancel: define<CancelReplyView>({
    flags: CANCEL_FLAGS,
    refuse: (flags) => (flags.get('id') === '' ? 'Job ID required (-id)' : undefined),
    spinner: 'Cancelling job(s)...',
    failure: 'Failed to cancel',
    path: '/jobs/cancel',
    body: (flags) => json(`{"job_ids":${goJsonStrings((flags.get('id') as string).split(','))}}`),
    reply: CANCEL_RESPONSE,
    succeed: (reply) => `Cancelled ${reply.cancelled?.length ?? 0} job(s)`,
    show: (s, reply) => cancelStdoutText(s.paint, reply),
  }),
}

async function runCommand(
  command: Command<unknown>,
  s: Settings,
  out: Output,
  io: HyperctlSimIO,
  flags: Flags,
): Promise<number> {
  const refusal = command.refuse?.(flags)
  if (refusal !== undefined) {
    out.stdout(prefixPrintln(s.paint, 'error', refusal))
    return 1
  }
  const spinner = new Spinner(
    (t) => out.stderr(t),
    s.paint,
    command.spinner,
    s.terminalWidth,
    s.spinnerFrames,
  )
  spinner.start()
  const failed = (text: string) => {
    spinner.finish('error', text)
    return 1
  }
  const body = await command.body(flags, io)
  if (typeof body === 'string') return failed(body)
  spinner.waiting()
  const sent = await sendRequest(
    { method: body.body ? 'POST' : 'GET', url: s.daemonUrl + command.path, ...body },
    {
      timeoutMs: s.timeoutMs,
      actualBase: s.daemonUrl,
      displayBase: s.displayUrl,
      ...(s.dialError !== undefined ? { dialError: s.dialError } : {}),
      ...(io.fetch ? { fetch: io.fetch } : {}),
    },
  )
  if (!sent.ok) return failed(`${command.failure}: ${sent.error}`)
  // why: hyperctl ignores the read error here and prints whatever part of the body arrived
  if (command.needsOk && sent.reply.status !== 200)
    return failed(`Server error: ${decodeBytes(sent.reply.body)}`)
  const decoded = decodeGoJson(sent.reply.body, command.reply, sent.reply.bodyError)
  if (!decoded.ok) return failed(`Failed to parse response: ${decoded.error}`)
  // why: a JSON null leaves the reply struct as its zero value
  const reply = decoded.value ?? {}
  spinner.finish('success', command.succeed(reply))
  if (command.crashes?.(reply)) {
    out.stderr(NIL_JOB_PANIC)
    return 2
  }
  out.stdout(command.show(s, reply))
  return 0
}

async function submitBody(flags: Flags, io: HyperctlSimIO): Promise<RequestBody | string> {
  const file = flags.get('file') as string
  const vm = flags.get('vm') as string
  if (file !== '') {
    try {
      const body = await readFile(resolve(io.cwd ?? process.cwd(), file))
      const ext = goFilepathExt(file)
      return {
        contentType: ext === '.yaml' || ext === '.yml' ? 'application/x-yaml' : 'application/json',
        body,
      }
    } catch (error) {
      return `Failed to read file: ${goReadFileError(error, file)}`
    }
  }
  if (vm === '') return 'Either -file or -vm must be specified'
  const name = goFilepathBase(vm)
  const output = (flags.get('output') as string) || `./export-${name}`
  // why: hyperctl marshals a models.JobDefinition, the struct the daemon declares
  return json(encodeStruct(JOB_DEFINITION, definitionFrom({ name, vm_path: vm, output_path: output })))
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
