/**
 * Deliberately damaged output for parser-robustness tests (HYPERCTL_SIM_GARBLE, comma-separated):
 *   cut:<bytes>[:stdout|stderr|both]  keep only the first <bytes> bytes of the stream (default stdout)
 *   stray:<seed>[:stdout|stderr|both] insert stray bytes at seeded random places (default stdout)
 *   unknown-column                    add a `Node` column (after Status) to the query table
 */
export interface Garbling {
  cut: { bytes: number; streams: Streams } | undefined
  stray: { seed: number; streams: Streams } | undefined
  unknownColumn: boolean
}

type Streams = { stdout: boolean; stderr: boolean }

export class GarbleSpecError extends Error {}

export function parseGarbling(spec: string | undefined): Garbling {
  const garbling: Garbling = { cut: undefined, stray: undefined, unknownColumn: false }
  if (spec === undefined || spec.trim() === '') return garbling
  for (const part of spec.split(',').map((p) => p.trim())) {
    const [mode, arg, stream] = part.split(':')
    if (mode === 'unknown-column' && arg === undefined) {
      garbling.unknownColumn = true
    } else if ((mode === 'cut' || mode === 'stray') && arg !== undefined && /^\d+$/.test(arg)) {
      const streams = streamsOf(stream, part)
      if (mode === 'cut') garbling.cut = { bytes: Number(arg), streams }
      else garbling.stray = { seed: Number(arg), streams }
    } else {
      throw new GarbleSpecError(
        `invalid HYPERCTL_SIM_GARBLE part ${JSON.stringify(part)}: expected cut:<bytes>, stray:<seed> (each optionally :stdout, :stderr or :both) or unknown-column`,
      )
    }
  }
  return garbling
}

const STREAMS: Readonly<Record<string, Streams>> = {
  stdout: { stdout: true, stderr: false },
  stderr: { stdout: false, stderr: true },
  both: { stdout: true, stderr: true },
}

function streamsOf(stream: string | undefined, part: string): Streams {
  const streams = Object.hasOwn(STREAMS, stream ?? 'stdout') ? STREAMS[stream ?? 'stdout'] : undefined
  if (!streams)
    throw new GarbleSpecError(`invalid stream in HYPERCTL_SIM_GARBLE part ${JSON.stringify(part)}`)
  return streams
}

/** Applies stray bytes, then the cut, to one finished stream. */
export function garbleBytes(bytes: Buffer, garbling: Garbling, stream: 'stdout' | 'stderr'): Buffer {
  let out = bytes
  if (garbling.stray?.streams[stream]) out = insertStrayBytes(out, garbling.stray.seed)
  if (garbling.cut?.streams[stream]) out = out.subarray(0, garbling.cut.bytes)
  return out
}

// Bytes a damaged pipe or terminal could plausibly add: invalid UTF-8, ESC, CR, NUL, a cell separator.
const STRAY = [0x80, 0x9b, 0xbf, 0xc3, 0xe2, 0xff, 0x1b, 0x0d, 0x00, 0x7c]

/** About one stray byte per 64 bytes (at least one), positions and bytes from a seeded PRNG. */
export function insertStrayBytes(bytes: Buffer, seed: number): Buffer {
  const random = mulberry32(seed)
  const count = Math.max(1, Math.floor(bytes.length / 64))
  const inserts = Array.from({ length: count }, () => ({
    at: Math.floor(random() * (bytes.length + 1)),
    byte: STRAY[Math.floor(random() * STRAY.length)]!,
  })).sort((a, b) => a.at - b.at)
  const parts: Buffer[] = []
  let from = 0
  for (const { at, byte } of inserts) {
    parts.push(bytes.subarray(from, at), Buffer.of(byte))
    from = at
  }
  parts.push(bytes.subarray(from))
  return Buffer.concat(parts)
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
