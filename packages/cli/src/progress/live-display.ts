import {
  type BatchCounts,
  batchCounts,
  batchParts,
  finalBatchCounts,
  type JobOutcome,
  sanitizeText,
  type WaitUpdate,
} from '@hyperctl-export/core'
import type { Style } from '../style.js'
import { displayWidth, padToWidth, truncateToWidth } from './display-width.js'
import { colourStatus, formatElapsed, isFinished, JobClock, jobLabel, phaseText } from './job-rows.js'

/** What `export` and `wait` tell a progress display; it decides what to print. */
export interface ProgressView {
  /** Jobs the daemon accepted, before any waiting. */
  submitted(outcomes: readonly JobOutcome[]): void
  /** After every poll. */
  update(update: WaitUpdate): void
  /** The final state; the view prints what is left and lets go of the terminal. */
  finish(outcomes: readonly JobOutcome[]): void
}

export interface LiveDisplayOptions {
  write: (text: string) => void
  style: Style
  /** Terminal size, read at every redraw. */
  size: () => { columns?: number; rows?: number }
  now?: () => number
  /** Redraw period for the spinner and the elapsed times; 0 turns the timer off (tests draw by hand). */
  tickMs?: number
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const ESC = '\x1b['
const STATUS_WIDTH = 9
const PHASE_WIDTH = 16
const ELAPSED_WIDTH = 7
const ID_WIDTH = 8

/**
 * One row per job (symbol, name, status, phase and percent, elapsed, ID) redrawn in place, and a footer
 * with the counts. Hand-rendered: @clack/prompts draws one spinner or one progress bar, not a row per job,
 * and an export of several VMs needs each job's own state in view.
 */
export class LiveDisplay implements ProgressView {
  readonly #options: LiveDisplayOptions
  readonly #now: () => number
  readonly #clock = new JobClock()
  readonly #start: number
  #outcomes: readonly JobOutcome[] = []
  #unreachable: string | undefined
  #counts: BatchCounts | undefined
  #linesDrawn = 0
  #timer: NodeJS.Timeout | undefined
  #frame = 0
  #finished = false

  constructor(options: LiveDisplayOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#start = this.#now()
    const tick = options.tickMs ?? 120
    if (tick > 0) {
      this.#timer = setInterval(() => this.render(), tick)
      this.#timer.unref()
    }
  }

  submitted(outcomes: readonly JobOutcome[]): void {
    this.#clock.submitted(outcomes, this.#now())
    this.#merge(outcomes)
    this.render()
  }

  update(update: WaitUpdate): void {
    this.#unreachable = update.daemonUnreachable
    this.#counts = batchCounts(update)
    this.#merge(update.outcomes)
    this.render()
  }

  finish(outcomes: readonly JobOutcome[]): void {
    if (this.#finished) return
    this.#unreachable = undefined
    this.#merge(outcomes)
    this.#counts = finalBatchCounts(this.#outcomes)
    if (this.#outcomes.length > 0) {
      this.render()
    } else if (this.#linesDrawn > 0) {
      // why: nothing was submitted (the command failed first); the error reads better without an empty frame
      this.#options.write(`${ESC}${this.#linesDrawn}A\r${ESC}J`)
    }
    this.#finished = true
    if (this.#timer) clearInterval(this.#timer)
    this.#options.write(`${ESC}?25h`)
  }

  /** Draws the current state over the previous frame. */
  render(): void {
    if (this.#finished) return
    const now = this.#now()
    this.#frame++
    const size = this.#options.size()
    // why: a terminal that reports no size (0 under some ptys) is treated as the classic 80x24
    const columns = size.columns && size.columns > 0 ? size.columns : 80
    const rows = size.rows && size.rows > 0 ? size.rows : 24
    const width = Math.max(20, columns) - 1
    const lines = this.#lines(now, width, Math.max(3, rows - 2))
    let out = this.#linesDrawn === 0 ? `${ESC}?25l` : `${ESC}${this.#linesDrawn}A`
    for (const line of lines) out += `\r${ESC}2K${line}\n`
    out += `${ESC}J`
    this.#linesDrawn = lines.length
    this.#options.write(out)
  }

  #merge(outcomes: readonly JobOutcome[]): void {
    if (outcomes.length === 0) return
    const byId = new Map(this.#outcomes.map((o) => [o.jobId, o]))
    for (const o of outcomes) byId.set(o.jobId, o)
    this.#outcomes = [...byId.values()].sort((a, b) => a.index - b.index)
    this.#clock.observe(this.#outcomes, this.#now())
  }

  #lines(now: number, width: number, maxRows: number): string[] {
    const all = this.#outcomes
    // why: a frame taller than the terminal cannot be redrawn in place; show the unfinished first
    let shown = all
    if (all.length > maxRows - 1) {
      const unfinished = all.filter((o) => !isFinished(o.status))
      shown = (unfinished.length > 0 ? unfinished : all).slice(0, maxRows - 2)
    }
    const nameWidth = Math.min(
      Math.max(...shown.map((o) => displayWidth(jobLabel(o))), 4),
      Math.max(6, width - (2 + STATUS_WIDTH + 2 + PHASE_WIDTH + 2 + ELAPSED_WIDTH + 2 + ID_WIDTH + 2)),
    )
    const lines = shown.map((o) => this.#row(o, now, width, nameWidth))
    if (shown.length < all.length) {
      lines.push(truncateToWidth(`  … and ${all.length - shown.length} more`, width))
    }
    lines.push(this.#footer(now, width))
    return lines
  }

  #row(o: JobOutcome, now: number, width: number, nameWidth: number): string {
    const { style } = this.#options
    const symbol = symbolFor(o, this.#frame, style)
    const queued = this.#clock.isQueued(o)
    const status = this.#clock.statusOf(o)
    const elapsed = (queued ? '' : formatElapsed(this.#clock.elapsed(o, now))).padStart(ELAPSED_WIDTH)
    const cells = [
      padToWidth(jobLabel(o), nameWidth),
      colourStatus(status, style) + ' '.repeat(Math.max(0, STATUS_WIDTH - status.length)),
      padToWidth(phaseText(o), PHASE_WIDTH),
      elapsed,
      style.dim(truncateToWidth(sanitizeText(o.jobId), ID_WIDTH)),
    ]
    const plainWidth = 2 + nameWidth + 2 + STATUS_WIDTH + 2 + PHASE_WIDTH + 2 + ELAPSED_WIDTH + 2 + ID_WIDTH
    if (plainWidth <= width) return `${symbol} ${cells.join('  ')}`
    // why: a wrapped line would break the redraw; on a narrow terminal the row is cut, without colour
    const plain = `${symbolFor(o, this.#frame, style, true)} ${jobLabel(o)} ${status} ${phaseText(o)} ${elapsed.trim()}`
    return truncateToWidth(plain, width)
  }

  #footer(now: number, width: number): string {
    const { style } = this.#options
    let parts: string[]
    if (this.#counts && this.#outcomes.length > 1) {
      // why: for a batch, queued (held back by max-concurrent) and running tell more than statuses
      parts = batchParts(this.#counts)
    } else {
      const counts = new Map<string, number>()
      for (const o of this.#outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1)
      parts = [...counts].map(([status, n]) => `${n} ${status}`)
    }
    const text = `${formatElapsed(now - this.#start)} elapsed · ${parts.length > 0 ? parts.join(' · ') : 'submitting…'}`
    const notice = this.#unreachable
      ? ` · daemon unreachable, retrying: ${sanitizeText(this.#unreachable)}`
      : ''
    const line = truncateToWidth(text + notice, width)
    return style.dim(line)
  }
}

function symbolFor(o: JobOutcome, frame: number, style: Style, plain = false): string {
  const pick = (s: string, colour: (t: string) => string) => (plain ? s : colour(s))
  switch (o.status) {
    case 'completed':
      return pick('✔', style.green)
    case 'failed':
    case 'rejected':
    case 'lost':
    case 'unreachable':
    case 'unknown':
      return pick('✖', style.red)
    case 'cancelled':
    case 'skipped':
    case 'timeout':
    case 'aborted':
      return pick('■', style.yellow)
    case 'running':
      return pick(SPINNER[frame % SPINNER.length]!, style.cyan)
    default:
      return pick('◌', style.dim)
  }
}
