import { byteLength, bytePrefix, byteSuffix, encodeText } from '../go/go-bytes.js'
import { goFormatFloat1, goToLower, roundToSeconds } from '../go/go-format.js'
import { formatClock, formatGoDuration, parseStrictRFC3339, type WallClock } from '../go/go-time.js'
import {
  boxedTable,
  CODES,
  colorSprint,
  type Paint,
  type PrefixKind,
  prefixPrintfln,
  prefixPrintln,
  prefixSprint,
  sectionPrintln,
  styleSprint,
} from './pterm.js'

/** Rendering switches shared by the pure renderers. */
export interface RenderOptions {
  /** false = as with NO_COLOR set: no escape codes, same layout. Default true. */
  color?: boolean
  /** Columns the spinner clears before its final line (pterm: the stdout terminal width, else 80). */
  terminalWidth?: number
  /** Garbling for parser tests: add a column hyperctl does not have to the query table. */
  unknownColumn?: boolean
}

const paintOf = (options: RenderOptions | undefined): Paint => ({ color: options?.color ?? true })

// ---------------------------------------------------------------------------------------------------
// Spinner (stderr)

export const SPINNER_SEQUENCE = ['▀ ', ' ▀', ' ▄', '▄ '] as const

/** One spinner frame: `\r`, the sequence glyph, the text and the elapsed time rounded to seconds. */
export function spinnerFrameText(paint: Paint, index: number, text: string, elapsedSeconds: number): string {
  const seq = SPINNER_SEQUENCE[index % SPINNER_SEQUENCE.length]!
  return `\r${styleSprint(paint, CODES.spinner, seq)} ${styleSprint(paint, CODES.spinnerText, text)}${styleSprint(paint, CODES.timer, ` (${formatGoDuration(BigInt(Math.round(elapsedSeconds * 1e9)))})`)}`
}

/** The spinner's Success/Fail: clear the line with `width` spaces, print the prefix line, then Stop's `\n`. */
export function spinnerFinalText(
  paint: Paint,
  kind: 'success' | 'error',
  message: string,
  width: number,
): string {
  return `\r${' '.repeat(width)}\r${prefixSprint(paint, kind, message)}\n`
}

// ---------------------------------------------------------------------------------------------------
// query

/** A job as the daemon's JSON has it; only the fields hyperctl's table shows are read. */
export interface QueryJobView {
  definition?: { id?: string; name?: string; vm_path?: string }
  status?: string
  progress?: { phase?: string; percent_complete?: number } | null
  /** RFC 3339 text as the daemon writes it (the wall clock is shown as written), or a parsed clock. */
  started_at?: string | WallClock | null
}

/** hyperctl's job ID cell: more than 8 bytes → the first 8 bytes + `...` (may cut a UTF-8 sequence). */
export function cutJobId(id: string): string {
  return byteLength(id) > 8 ? `${bytePrefix(id, 8)}...` : id
}

/** hyperctl's VM path cell: more than 30 bytes → `...` + the last 27 bytes (may cut a UTF-8 sequence). */
export function cutVmPath(vmPath: string): string {
  return byteLength(vmPath) > 30 ? `...${byteSuffix(vmPath, 27)}` : vmPath
}

// hyperctl colorizeStatus's colours by lower-cased status; `cancelled` and unknown words stay uncoloured
const STATUS_COLORS: Readonly<Record<string, string>> = {
  running: CODES.green,
  installed: CODES.green,
  completed: CODES.green,
  ready: CODES.green,
  pending: CODES.yellow,
  initializing: CODES.yellow,
  failed: CODES.red,
  error: CODES.red,
  'not running': CODES.red,
}

export function colorizeStatus(paint: Paint, status: string): string {
  const lower = goToLower(status)
  return Object.hasOwn(STATUS_COLORS, lower) ? colorSprint(paint, STATUS_COLORS[lower]!, status) : status
}

function wallClock(startedAt: QueryJobView['started_at']): WallClock | null | undefined {
  if (typeof startedAt !== 'string') return startedAt
  const parsed = parseStrictRFC3339(startedAt)
  if ('error' in parsed) throw new TypeError(`started_at: ${parsed.error}`)
  return parsed
}

export function jobRow(paint: Paint, job: QueryJobView): string[] {
  const { definition: d, progress: p } = job
  const started = wallClock(job.started_at)
  return [
    cutJobId(d?.id ?? ''),
    d?.name ?? '',
    cutVmPath(d?.vm_path ?? ''),
    colorizeStatus(paint, job.status ?? ''),
    p ? `${p.phase ?? ''} (${goFormatFloat1(p.percent_complete ?? 0)}%)` : '-',
    started ? formatClock(started) : '-',
  ]
}

const QUERY_HEADER = ['Job ID', 'Name', 'VM Path', 'Status', 'Progress', 'Started']

/** stdout of a successful query with total ≠ 0: the `Jobs` section and the boxed table. */
export function queryTableText(paint: Paint, jobs: readonly QueryJobView[], unknownColumn = false): string {
  const rows = [QUERY_HEADER, ...jobs.map((job) => jobRow(paint, job))]
  // why: a column hyperctl does not print, to test that parsers find columns by their header
  const table = unknownColumn
    ? rows.map((r, i) => [...r.slice(0, 4), i === 0 ? 'Node' : 'node-1', ...r.slice(4)])
    : rows
  return sectionPrintln(paint, 'Jobs') + boxedTable(paint, table)
}

/** stdout of a successful query: `No jobs found` when total is 0, else the table. */
export function queryStdoutText(
  paint: Paint,
  total: number | bigint,
  jobs: readonly QueryJobView[],
  unknownColumn = false,
): string {
  if (BigInt(total) === 0n) return prefixPrintln(paint, 'info', 'No jobs found')
  return queryTableText(paint, jobs, unknownColumn)
}

/** Exactly what `hyperctl query` writes to stdout for these jobs (total ≠ 0): section + boxed table. */
export function renderQueryTable(jobs: readonly QueryJobView[], options?: RenderOptions): Buffer {
  return encodeText(queryTableText(paintOf(options), jobs, options?.unknownColumn))
}

// ---------------------------------------------------------------------------------------------------
// status

/** The daemon's `GET /status` reply (the fields hyperctl shows); a missing field is Go's zero value. */
export interface DaemonStatusView {
  version?: string
  uptime?: string
  total_jobs?: number | bigint
  running_jobs?: number | bigint
  completed_jobs?: number | bigint
  failed_jobs?: number | bigint
}

export function statusStdoutText(paint: Paint, status: DaemonStatusView, displayUrl: string): string {
  const count = (key: keyof DaemonStatusView) => BigInt(status[key] ?? 0)
  const total = Number(count('total_jobs'))
  const row = (label: string, key: keyof DaemonStatusView, code: string) => [
    label,
    colorSprint(paint, code, count(key).toString()),
    `${goFormatFloat1(total > 0 ? (Number(count(key)) / total) * 100 : 0)}%`,
  ]
  let out = '\n'
  out += prefixPrintfln(paint, 'info', `🔗 Connected to: ${displayUrl}`)
  out += '\n'
  out += sectionPrintln(paint, '📊 Daemon Status')
  out += boxedTable(paint, [
    ['Property', 'Value'],
    ['⚙️  Version', status.version ?? ''],
    ['⏱️  Uptime', status.uptime ?? ''],
    ['📍 URL', displayUrl],
  ])
  out += '\n'
  out += sectionPrintln(paint, '📈 Job Statistics')
  out += boxedTable(paint, [
    ['Status', 'Count', 'Percentage'],
    ['📦 Total Jobs', count('total_jobs').toString(), '100%'],
    row('🔄 Running', 'running_jobs', CODES.lightCyan),
    row('✅ Completed', 'completed_jobs', CODES.green),
    row('❌ Failed', 'failed_jobs', CODES.red),
  ])
  out += '\n'
  if (count('running_jobs') > 0n) {
    out += prefixPrintln(paint, 'info', '💡 You have running jobs:')
    out += '   View them: hyperctl query -status running\n'
  } else if (count('total_jobs') === 0n) {
    out += prefixPrintln(paint, 'info', '💡 No jobs yet. Start by:')
    out += '   1. List VMs: hyperctl list\n'
    out += '   2. Submit job: hyperctl submit -vm /data/vm/my-vm -output /tmp/export\n'
  } else {
    out += prefixPrintln(paint, 'success', '✅ All jobs completed!')
  }
  return out
}

/** Exactly what `hyperctl status` writes to stdout; `url` is the daemon URL it shows (hyperctl's constant). */
export function renderStatus(status: DaemonStatusView, options?: RenderOptions & { url?: string }): Buffer {
  return encodeText(statusStdoutText(paintOf(options), status, options?.url ?? 'http://localhost:8080'))
}

// ---------------------------------------------------------------------------------------------------
// submit and cancel

/** The daemon's `POST /jobs/submit` reply (the fields hyperctl shows). */
export interface SubmitReplyView {
  job_ids?: readonly string[] | null
  accepted?: number | bigint
  rejected?: number | bigint
  errors?: readonly string[] | null
}

export function submitStdoutText(paint: Paint, reply: SubmitReplyView): string {
  let out = ''
  const accepted = BigInt(reply.accepted ?? 0)
  const rejected = BigInt(reply.rejected ?? 0)
  if (accepted > 0n) {
    out += prefixPrintfln(paint, 'success', `Accepted Jobs: ${accepted}`)
    for (const id of reply.job_ids ?? []) out += prefixPrintfln(paint, 'info', `  - Job ID: ${id}`)
  }
  if (rejected > 0n) {
    out += prefixPrintfln(paint, 'warning', `Rejected Jobs: ${rejected}`)
    for (const message of reply.errors ?? []) out += prefixPrintfln(paint, 'error', `  - ${message}`)
  }
  return out
}

/** Exactly what a successful `hyperctl submit` writes to stdout (empty when nothing was accepted or rejected). */
export function renderSubmitResult(reply: SubmitReplyView, options?: RenderOptions): Buffer {
  return encodeText(submitStdoutText(paintOf(options), reply))
}

/** The daemon's `POST /jobs/cancel` reply. */
export interface CancelReplyView {
  cancelled?: readonly string[] | null
  failed?: readonly string[] | null
  errors?: Readonly<Record<string, string | undefined>> | ReadonlyMap<string, string> | null
}

export function cancelStdoutText(paint: Paint, reply: CancelReplyView): string {
  const { cancelled, failed, errors } = reply
  const reasons = errors instanceof Map ? errors : new Map(Object.entries(errors ?? {}))
  let out = ''
  if (cancelled && cancelled.length > 0) {
    out += prefixPrintln(paint, 'success', 'Cancelled:')
    for (const id of cancelled) out += prefixPrintfln(paint, 'info', `  - ${id}`)
  }
  if (failed && failed.length > 0) {
    out += prefixPrintln(paint, 'warning', 'Failed to cancel:')
    for (const id of failed) out += prefixPrintfln(paint, 'error', `  - ${id}: ${reasons.get(id) ?? ''}`)
  }
  return out
}

/** Exactly what a successful `hyperctl cancel` writes to stdout. */
export function renderCancelResult(reply: CancelReplyView, options?: RenderOptions): Buffer {
  return encodeText(cancelStdoutText(paintOf(options), reply))
}

// ---------------------------------------------------------------------------------------------------
// prefix lines, sections, tables and spinner lines as bytes

/** `pterm.<Kind>.Println(message)` (Info/Success/Warning/Error prefix line) as bytes. */
export function renderPrefixLine(kind: PrefixKind, message: string, options?: RenderOptions): Buffer {
  return encodeText(prefixPrintln(paintOf(options), kind, message))
}

/** `pterm.DefaultSection.Println(title)` as bytes. */
export function renderSection(title: string, options?: RenderOptions): Buffer {
  return encodeText(sectionPrintln(paintOf(options), title))
}

/** hyperctl's boxed table (first row = header) followed by Render's newline, as bytes. */
export function renderBoxedTable(rows: readonly (readonly string[])[], options?: RenderOptions): Buffer {
  return encodeText(boxedTable(paintOf(options), rows))
}

/** One spinner frame (frame `index` of the ▀ ▀ ▄ ▄ cycle) as bytes. */
export function renderSpinnerFrame(
  index: number,
  text: string,
  elapsedSeconds: number,
  options?: RenderOptions,
): Buffer {
  return encodeText(spinnerFrameText(paintOf(options), index, text, elapsedSeconds))
}

/** The spinner's final line (line clear, prefix line, newline) as bytes. */
export function renderSpinnerFinal(
  kind: 'success' | 'error',
  message: string,
  options?: RenderOptions,
): Buffer {
  return encodeText(spinnerFinalText(paintOf(options), kind, message, options?.terminalWidth ?? 80))
}

// ---------------------------------------------------------------------------------------------------
// Whole runs, for generating large captures without a daemon

/** Both streams of a successful `hyperctl query` for this reply, with `spinnerFrames` frames (default 1). */
export function renderQueryOutput(
  reply: { jobs: readonly QueryJobView[] | null; total?: number | bigint },
  options?: RenderOptions & { spinnerFrames?: number },
): { stdout: Buffer; stderr: Buffer } {
  const paint = paintOf(options)
  const jobs = reply.jobs ?? []
  const total = BigInt(reply.total ?? jobs.length)
  let stderr = ''
  for (let k = 0; k < (options?.spinnerFrames ?? 1); k++) {
    stderr += spinnerFrameText(paint, k, 'Querying jobs...', roundToSeconds(k * 200))
  }
  stderr += spinnerFinalText(paint, 'success', `Found ${total} job(s)`, options?.terminalWidth ?? 80)
  return {
    stdout: encodeText(queryStdoutText(paint, total, jobs, options?.unknownColumn)),
    stderr: encodeText(stderr),
  }
}
