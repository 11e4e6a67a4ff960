import type { JobOutcome } from '../outcome/job-outcome.js'
import type { ExportFile } from './inspect-export.js'

/** One job's export in numbers, for a summary row. */
export interface ExportTotals {
  files: number
  /** The sum of the files' sizes as read here, else the daemon's total; absent when neither is known. */
  totalBytes?: number
  durationMs?: number
  /** Megabytes (10^6 bytes) per second over the job's duration. */
  throughputMBps?: number
  verified: boolean
}

export function exportTotals(outcome: JobOutcome): ExportTotals {
  const files = outcome.files ?? []
  const sized = files.length > 0 && files.every((f) => f.size !== undefined)
  const totalBytes = sized
    ? files.reduce((sum, f) => sum + (f.size ?? 0), 0)
    : outcome.result?.totalSize || undefined
  const totals: ExportTotals = { files: files.length, verified: outcome.verified === true }
  if (totalBytes !== undefined) totals.totalBytes = totalBytes
  if (outcome.durationMs !== undefined) totals.durationMs = outcome.durationMs
  if (totalBytes !== undefined && outcome.durationMs !== undefined && outcome.durationMs > 0) {
    totals.throughputMBps = totalBytes / 1e6 / (outcome.durationMs / 1000)
  }
  return totals
}

/** Every file of the completed jobs, job by job in input order, each job's descriptor first. */
export function completedFiles(outcomes: readonly JobOutcome[]): ExportFile[] {
  return outcomes.flatMap((o) => (o.status === 'completed' ? (o.files ?? []) : []))
}

/** `{ path: sha256 }` for every hashed file of the completed jobs. */
export function completedChecksums(outcomes: readonly JobOutcome[]): Record<string, string> {
  return Object.fromEntries(completedFiles(outcomes).flatMap((f) => (f.sha256 ? [[f.path, f.sha256]] : [])))
}

/** true only when at least one job completed and every completed job's files were verified here. */
export function allVerified(outcomes: readonly JobOutcome[]): boolean {
  const completed = outcomes.filter((o) => o.status === 'completed')
  return completed.length > 0 && completed.every((o) => o.verified === true)
}

/** `1.5 GiB`, `512 B`: binary units, as disk sizes are. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${value} ${units[0]}` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`
}

/** `25.8 MB/s`, `33 kB/s`: decimal units, as transfer rates are; kB/s below 1 MB/s so a small export is not `0.0`. */
export function formatThroughput(mbPerSecond: number): string {
  return mbPerSecond >= 1 || mbPerSecond === 0
    ? `${mbPerSecond.toFixed(1)} MB/s`
    : `${Math.max(1, Math.round(mbPerSecond * 1000))} kB/s`
}
