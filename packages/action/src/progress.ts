import {
  batchCounts,
  batchLine,
  formatDuration,
  type JobOutcome,
  sanitizeText,
  type WaitUpdate,
} from '@hyperctl-export/core'

export interface ProgressLogOptions {
  /** A line at least this often while nothing changes. Default 60 s. */
  heartbeatMs?: number
}

/**
 * Turns the wait's updates into readable, throttled log lines: one when a job's status or phase changes,
 * one when the daemon stops or starts answering, and a heartbeat while nothing changes, never one per poll.
 * Time comes from the updates themselves, so the throttling needs no clock.
 */
export class ProgressLog {
  readonly #write: (line: string) => void
  readonly #heartbeatMs: number
  readonly #shown = new Map<string, string>()
  #lastLineAt = 0
  #unreachable = false
  #lastBatch = ''

  constructor(write: (line: string) => void, options: ProgressLogOptions = {}) {
    this.#write = write
    this.#heartbeatMs = options.heartbeatMs ?? 60_000
  }

  /** The jobs the daemon accepted (called before any waiting). */
  submitted(accepted: readonly JobOutcome[], elapsedMs = 0): void {
    for (const o of accepted) {
      this.#line(`${label(o)}: ${o.attached ? 'already on the daemon, attached' : 'accepted'}`, elapsedMs)
      this.#shown.set(o.jobId, stateKey(o))
    }
  }

  update(update: WaitUpdate): void {
    const at = update.elapsedMs
    if (update.daemonUnreachable && !this.#unreachable) {
      this.#unreachable = true
      this.#line(`the daemon does not answer, still trying: ${sanitizeText(update.daemonUnreachable)}`, at)
    } else if (!update.daemonUnreachable && this.#unreachable) {
      this.#unreachable = false
      this.#line('the daemon answers again', at)
    }
    let wrote = false
    for (const o of update.outcomes) {
      const key = stateKey(o)
      if (this.#shown.get(o.jobId) === key) continue
      this.#shown.set(o.jobId, key)
      this.#line(`${label(o)}: ${describe(o)}`, at)
      wrote = true
    }
    const batch = update.outcomes.length > 1 ? batchLine(batchCounts(update)) : ''
    if (batch !== '' && batch !== this.#lastBatch) {
      this.#lastBatch = batch
      this.#line(batch, at)
      wrote = true
    }
    if (!wrote && at - this.#lastLineAt >= this.#heartbeatMs) {
      const { queued, active, completed, failed } = update.counts
      const parts = [`${active} active`, `${completed} completed`, `${failed} failed`]
      if (queued > 0) parts.unshift(`${queued} queued`)
      this.#line(
        `still waiting after ${formatDuration(at)}: ${parts.join(', ')}${activeDetail(update.outcomes)}`,
        at,
      )
    }
  }

  #line(text: string, at: number): void {
    this.#write(text)
    this.#lastLineAt = at
  }
}

/** `web-01 (1f0c2a9e)`: the name a person knows and enough of the ID to find the job. */
export function label(o: JobOutcome): string {
  const name = o.name || o.vmPath || o.jobId
  return `${sanitizeText(name)} (${sanitizeText(o.jobId.slice(0, 8))})`
}

function stateKey(o: JobOutcome): string {
  return `${o.status}\u0000${o.job?.phase ?? ''}`
}

function describe(o: JobOutcome): string {
  const phase =
    o.job?.phase && (o.status === 'running' || o.status === 'pending')
      ? ` (${sanitizeText(o.job.phase)})`
      : ''
  switch (o.status) {
    case 'completed': {
      const files = o.files?.length ?? o.result?.files?.length ?? 0
      const took = o.durationMs === undefined ? '' : ` in ${formatDuration(o.durationMs)}`
      return `completed${took}, ${files} ${files === 1 ? 'file' : 'files'}`
    }
    case 'pending':
    case 'running':
      return `${o.status}${phase}`
    default:
      return o.error ? `${o.status}: ${sanitizeText(o.error.message)}` : o.status
  }
}

function activeDetail(outcomes: readonly JobOutcome[]): string {
  const percents = outcomes
    .filter((o) => o.status === 'running' && o.job?.percent !== undefined && o.job.percent > 0)
    .map((o) => `${label(o)} ${Math.round(o.job!.percent!)}%`)
  return percents.length > 0 ? ` (${percents.slice(0, 5).join(', ')}${percents.length > 5 ? ', …' : ''})` : ''
}
