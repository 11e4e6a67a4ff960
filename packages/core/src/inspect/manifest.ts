import { ExportFileParseError } from '../errors.js'

export type DigestAlgorithm = 'sha1' | 'sha256' | 'sha512'

/** One line of an OVF manifest: the file (relative to the manifest) and its expected digest, lower-case hex. */
export interface ManifestEntry {
  file: string
  algorithm: DigestAlgorithm
  digest: string
}

// why: ovftool and OVF 1.x write `SHA1(name)= hex` (OVF 2 adds SHA256/SHA512); some tools omit the space
const LINE = /^(SHA1|SHA256|SHA512)\((.+)\)=\s*([0-9a-fA-F]+)$/
const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha1: 40, sha256: 64, sha512: 128 }

/** Reads an OVF manifest (`.mf`). Throws ExportFileParseError, with the raw text, on a line it cannot read. */
export function parseManifest(text: string): ManifestEntry[] {
  const entries: ManifestEntry[] = []
  const lines = text.split(/\r?\n/)
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim()
    if (line === '') continue
    const match = LINE.exec(line)
    if (!match) throw new ExportFileParseError('manifest', `line ${i + 1} is not ALGORITHM(file)= hex`, text)
    const algorithm = match[1]!.toLowerCase() as DigestAlgorithm
    const digest = match[3]!.toLowerCase()
    if (digest.length !== HEX_LENGTH[algorithm]) {
      throw new ExportFileParseError(
        'manifest',
        `line ${i + 1}: a ${match[1]} digest has ${HEX_LENGTH[algorithm]} hex digits, not ${digest.length}`,
        text,
      )
    }
    entries.push({ file: match[2]!, algorithm, digest })
  }
  return entries
}
