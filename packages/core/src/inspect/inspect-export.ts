import { isAbsolute, join } from 'node:path'
import type { ExportProblem } from '../errors.js'
import { OperationAbortedError } from '../errors.js'
import type { VerifyMode } from '../types.js'
import {
  type DirectorySnapshot,
  type FileRole,
  readExportLayout,
  roleByName,
  unreadableReason,
} from './export-files.js'
import { digestFile } from './file-digest.js'
import type { DigestAlgorithm, ManifestEntry } from './manifest.js'

/** A file the export wrote. `size` and `sha256` are absent only when the directory could not be read. */
export interface ExportFile {
  path: string
  size?: number
  sha256?: string
  role: FileRole
}

export interface ExportInspection {
  /** true only when the directory was read and every check passed. */
  verified: boolean
  /** The descriptor first, then the disks in the descriptor's order, the manifest, and the rest. */
  files: ExportFile[]
  /** Every check that failed, one per file and fault; empty when verified or not checked. */
  problems: ExportProblem[]
  /** Why nothing was checked (the directory is not readable here, verification is off). */
  unverifiedReason?: string
  /** The directory looked at, when known. */
  directory?: string
  /** true when the directory was read here (false: the daemon's list was reported as it is). */
  readable: boolean
}

export interface InspectRequest {
  /** The output directory as the daemon has it (absolute paths only can be read here). */
  directory: string | undefined
  vmPath: string
  daemonFiles: readonly string[]
  ovfPath?: string
  before?: DirectorySnapshot
  verify?: VerifyMode
  signal?: AbortSignal
  /** Files hashed at once; default 2 (the disk, not the CPU, is what they share). */
  concurrency?: number
}

const ROLE_ORDER: Record<FileRole, number> = { descriptor: 0, disk: 1, manifest: 2, other: 3 }

/**
 * What a completed export really wrote, and whether it is whole. Never throws for the export's state (a
 * missing or short file is a problem in the result); throws OperationAbortedError when `signal` aborts.
 */
export async function inspectExport(request: InspectRequest): Promise<ExportInspection> {
  const mode = request.verify ?? 'auto'
  const directory = request.directory
  if (mode === 'off') return unchecked(request, 'verification is off')
  const unreadable = await unreadableReason(directory)
  if (unreadable) return unchecked(request, unreadable)

  const layout = await readExportLayout({
    directory: directory!,
    vmPath: request.vmPath,
    daemonFiles: request.daemonFiles,
    ...(request.ovfPath ? { ovfPath: request.ovfPath } : {}),
    ...(request.before ? { before: request.before } : {}),
  })
  const wanted = manifestAlgorithms(layout.manifest)
  const digests = await mapLimited(layout.files, request.concurrency ?? 2, (file) =>
    digestFile(file.path, { algorithms: wanted.get(file.name) ?? [], signal: request.signal }).catch(
      (error: unknown) => {
        if (error instanceof OperationAbortedError) throw error
        return error as Error
      },
    ),
  )
  const problems = [...layout.problems]
  const files: ExportFile[] = []
  const byName = new Map<string, Record<string, string>>()
  for (const [i, file] of layout.files.entries()) {
    const digest = digests[i]!
    if (digest instanceof Error) {
      problems.push({ path: file.path, problem: `cannot be read (${digest.message})` })
      continue
    }
    byName.set(file.name, digest.digests)
    files.push({ path: file.path, size: digest.size, sha256: digest.digests.sha256, role: file.role })
    if (digest.size !== file.size) {
      problems.push({
        path: file.path,
        problem: `changed size while being read (${file.size} → ${digest.size})`,
      })
    }
  }
  for (const entry of layout.manifest) {
    const actual = byName.get(entry.file)?.[entry.algorithm]
    if (actual !== undefined && actual !== entry.digest) {
      problems.push({
        path: join(directory!, entry.file),
        problem: `its ${entry.algorithm.toUpperCase()} is ${actual}, the manifest states ${entry.digest}`,
      })
    }
  }
  const inspection: ExportInspection = {
    verified: problems.length === 0 && layout.unverifiedReason === undefined,
    files: ordered(files),
    problems,
    directory: directory!,
    readable: true,
  }
  if (layout.unverifiedReason !== undefined) inspection.unverifiedReason = layout.unverifiedReason
  return inspection
}

/** The daemon's own list, as it gave it, with roles by file name; nothing checked. */
function unchecked(request: InspectRequest, reason: string): ExportInspection {
  const files = request.daemonFiles.map((path) => {
    const full = isAbsolute(path) || !request.directory ? path : join(request.directory, path)
    return { path: full, role: roleByName(path) }
  })
  const inspection: ExportInspection = {
    verified: false,
    files: ordered(files),
    problems: [],
    readable: false,
  }
  inspection.unverifiedReason = reason
  if (request.directory) inspection.directory = request.directory
  return inspection
}

function ordered(files: ExportFile[]): ExportFile[] {
  // why: Array.prototype.sort is stable, so disks keep the descriptor's order within their role
  return [...files].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role])
}

function manifestAlgorithms(entries: readonly ManifestEntry[]): Map<string, DigestAlgorithm[]> {
  const wanted = new Map<string, DigestAlgorithm[]>()
  for (const e of entries) wanted.set(e.file, [...(wanted.get(e.file) ?? []), e.algorithm])
  return wanted
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results
}
