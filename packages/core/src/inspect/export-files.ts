import { readdir, readFile, realpath, stat } from 'node:fs/promises'
import { basename, extname, isAbsolute, join } from 'node:path'
import type { ExportProblem } from '../errors.js'
import { ExportFileParseError } from '../errors.js'
import { insideDir, type Located, locateInside } from './locate-file.js'
import { type ManifestEntry, parseManifest } from './manifest.js'
import { readOvfReferences } from './ovf-references.js'

export type FileRole = 'descriptor' | 'disk' | 'manifest' | 'other'

/** A file of the export found on disk, before hashing. `expectedSize` is the descriptor's `ovf:size`. */
export interface FoundFile {
  path: string
  /** Relative to the output directory: the name a manifest and SHA256SUMS use. */
  name: string
  role: FileRole
  size: number
  expectedSize?: number
}

/** What the directory says about one export, before any digest is computed. */
export interface ExportLayout {
  directory: string
  files: FoundFile[]
  problems: ExportProblem[]
  manifest: ManifestEntry[]
  /** Set when the export cannot be checked here though its directory is readable (an OVA archive). */
  unverifiedReason?: string
}

/** Names and `size:mtime` of a directory's entries, taken before submitting: unchanged files are not new. */
export type DirectorySnapshot = ReadonlyMap<string, string>

export interface LayoutRequest {
  directory: string
  vmPath: string
  /** Files the daemon listed (absolute on its machine, or relative to the directory). */
  daemonFiles: readonly string[]
  ovfPath?: string
  before?: DirectorySnapshot
}

// why: a descriptor is a few KiB; a file this large named .ovf is not one, and must not be read into memory
const MAX_TEXT_BYTES = 16 * 1024 * 1024
const DISK_EXTENSIONS = new Set(['.vmdk', '.vhd', '.vhdx', '.img', '.qcow2', '.raw'])

/** Why `directory` cannot be inspected here (it does not exist on this machine, is unreadable), or undefined. */
export async function unreadableReason(directory: string | undefined): Promise<string | undefined> {
  if (!directory) return 'the daemon did not say where the files are'
  if (!isAbsolute(directory)) return `${directory} is relative to the daemon's working directory`
  try {
    await readdir(directory)
    return undefined
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    return `${directory} cannot be read here (${code})`
  }
}

export async function snapshotDirectory(directory: string): Promise<DirectorySnapshot | undefined> {
  try {
    const entries = await readdir(directory)
    const snapshot = new Map<string, string>()
    for (const name of entries) {
      const info = await stat(join(directory, name)).catch(() => undefined)
      if (info) snapshot.set(name, `${info.size}:${info.mtimeMs}`)
    }
    return snapshot
  } catch {
    return undefined
  }
}

/**
 * Finds an export's files in its (readable) directory and checks what needs no digest: the descriptor
 * exists and parses; every file it references is a regular file inside the directory of the stated size;
 * every file the daemon listed exists; the manifest parses (its digests are checked once hashed).
 */
export async function readExportLayout(request: LayoutRequest): Promise<ExportLayout> {
  const { directory } = request
  const realDir = await realpath(directory)
  const entries = await readdir(directory)
  const unchanged = await unchangedSince(directory, request.before)
  const layout: ExportLayout = { directory, files: [], problems: [], manifest: [] }
  const seen = new Set<string>()
  const add = (located: Located, role: FileRole, name: string, expectedSize?: number): boolean => {
    if (!located.found) {
      layout.problems.push({ path: located.path, problem: located.problem })
      return false
    }
    if (seen.has(name)) return true
    seen.add(name)
    const file: FoundFile = { path: located.path, name, role, size: located.size }
    if (expectedSize !== undefined) file.expectedSize = expectedSize
    layout.files.push(file)
    return true
  }
  const listed = request.daemonFiles.map((f) => listedName(directory, f))

  const descriptorName = findDescriptor(request, listed, entries, unchanged)
  const descriptor = await locateInside(directory, realDir, descriptorName)
  const ova = entries.find((n) => n === `${basename(descriptorName, '.ovf')}.ova`)
  if (!descriptor.found && ova !== undefined) {
    // why: the descriptor is inside the archive, which we do not unpack; the export is listed, not judged
    add(await locateInside(directory, realDir, ova), 'other', ova)
    layout.unverifiedReason = `${ova} is an OVA archive; its contents are not checked`
  } else if (!descriptor.found) {
    layout.problems.push({ path: descriptor.path, problem: `the OVF descriptor ${descriptor.problem}` })
  } else if (add(descriptor, 'descriptor', descriptorName)) {
    const references = await parseSmallFile(
      descriptor.path,
      descriptor.size,
      'OVF descriptor',
      readOvfReferences,
      layout.problems,
    )
    for (const ref of references) {
      const located = await locateInside(directory, realDir, ref.href)
      const role = ref.disk || DISK_EXTENSIONS.has(extname(ref.href).toLowerCase()) ? 'disk' : 'other'
      if (!add(located, role, ref.href, ref.size) || ref.size === undefined || !located.found) continue
      if (located.size !== ref.size) {
        layout.problems.push({
          path: located.path,
          problem: `is ${located.size} bytes, the descriptor states ${ref.size}`,
        })
      }
    }
  }

  for (const [i, name] of listed.entries()) {
    if (name === undefined) {
      layout.problems.push({
        path: request.daemonFiles[i]!,
        problem: 'listed by the daemon outside the output directory',
      })
      continue
    }
    // why: a disk the descriptor names and the daemon lists is reported once, as the descriptor sees it
    if (seen.has(name) || layout.problems.some((p) => p.path === join(directory, name))) continue
    const located = await locateInside(directory, realDir, name)
    if (!located.found) located.problem = `listed by the daemon, but ${located.problem}`
    add(located, roleByName(name), name)
  }

  const stem = basename(descriptorName, extname(descriptorName))
  const manifestName = listed.find((n) => n?.toLowerCase().endsWith('.mf')) ?? `${stem}.mf`
  if (entries.includes(manifestName) && !seen.has(manifestName)) {
    const located = await locateInside(directory, realDir, manifestName)
    if (add(located, 'manifest', manifestName) && located.found) {
      layout.manifest = await parseSmallFile(
        located.path,
        located.size,
        'OVF manifest',
        parseManifest,
        layout.problems,
      )
      for (const entry of layout.manifest) {
        if (seen.has(entry.file)) continue
        const file = await locateInside(directory, realDir, entry.file)
        if (!file.found) file.problem = `named in the manifest, but ${file.problem}`
        add(file, roleByName(entry.file), entry.file)
      }
    }
  }

  for (const name of entries.sort()) {
    if (seen.has(name) || !ownedBy(stem, name) || unchanged(name)) continue
    const located = await locateInside(directory, realDir, name)
    if (located.found) add(located, roleByName(name), name)
  }
  return layout
}

function findDescriptor(
  request: LayoutRequest,
  listed: readonly (string | undefined)[],
  entries: readonly string[],
  unchanged: Unchanged,
): string {
  const fromDaemon = request.ovfPath ? listedName(request.directory, request.ovfPath) : undefined
  if (fromDaemon) return fromDaemon
  const listedOvf = listed.find((n) => n?.toLowerCase().endsWith('.ovf'))
  if (listedOvf) return listedOvf
  // why: the web exporter writes `<vm name>.ovf` next to the disks and lists only the disks
  const byVmName = `${basename(request.vmPath.replace(/\/+$/, '')) || 'export'}.ovf`
  if (entries.includes(byVmName)) return byVmName
  const fresh = entries.filter((n) => n.toLowerCase().endsWith('.ovf') && !unchanged(n))
  return fresh.length === 1 ? fresh[0]! : byVmName
}

/** A daemon-listed path as a name relative to the directory, or undefined when it lies outside. */
function listedName(directory: string, file: string): string | undefined {
  if (!isAbsolute(file)) return file
  return insideDir(directory, file)
}

/** A role from the file name alone, for files no descriptor names. */
export function roleByName(name: string): FileRole {
  const ext = extname(name).toLowerCase()
  if (ext === '.ovf') return 'descriptor'
  if (ext === '.mf') return 'manifest'
  return DISK_EXTENSIONS.has(ext) ? 'disk' : 'other'
}

/** A file of this export that neither the descriptor nor the daemon names: it carries the VM's name. */
function ownedBy(stem: string, name: string): boolean {
  return name.startsWith(`${stem}.`) || name.startsWith(`${stem}-`) || name.startsWith(`${stem}_`)
}

/** True for a file that was there, the same size and age, before the job was submitted: not this export's. */
type Unchanged = (name: string) => boolean

async function unchangedSince(directory: string, before: DirectorySnapshot | undefined): Promise<Unchanged> {
  if (!before) return () => false
  const now = (await snapshotDirectory(directory)) ?? new Map<string, string>()
  return (name) => before.has(name) && before.get(name) === now.get(name)
}

async function readText(path: string, size: number, what: string, problems: ExportProblem[]) {
  if (size > MAX_TEXT_BYTES) {
    problems.push({ path, problem: `is ${size} bytes, too large to be an ${what}` })
    return undefined
  }
  return readFile(path, 'utf8')
}

/** Reads and parses a small text file of the export; a parse failure becomes a problem naming the file. */
async function parseSmallFile<T>(
  path: string,
  size: number,
  what: string,
  parse: (text: string) => T[],
  problems: ExportProblem[],
): Promise<T[]> {
  const text = await readText(path, size, what, problems)
  if (text === undefined) return []
  try {
    return parse(text)
  } catch (error) {
    if (!(error instanceof ExportFileParseError)) throw error
    problems.push({ path, problem: `the ${what} cannot be read (${error.reason})` })
    return []
  }
}
