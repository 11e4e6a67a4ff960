import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { ExportFileParseError } from '../errors.js'

/** One `References/File` of an OVF descriptor. `size` is absent where the descriptor states none. */
export interface OvfReference {
  href: string
  id?: string
  size?: number
  /** A `DiskSection/Disk` names it by its id (`ovf:fileRef`): a virtual disk, not an ISO or NVRAM image. */
  disk: boolean
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // why: OVF 1.x writes `ovf:href`, some tools a default namespace; the prefix carries no meaning here
  removeNSPrefix: true,
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => name === 'File' || name === 'Disk',
  // why: a descriptor never needs DTD entities; expanding them is how XML bombs work
  processEntities: false,
  htmlEntities: false,
})

const OVF = 'OVF descriptor'
const DIGITS = /^\d+$/

/** The files an OVF descriptor references, in document order. Throws ExportFileParseError with the raw text. */
export function readOvfReferences(xml: string): OvfReference[] {
  const valid = XMLValidator.validate(xml)
  if (valid !== true) {
    throw new ExportFileParseError(OVF, `not XML: ${valid.err.msg} at line ${valid.err.line}`, xml)
  }
  let doc: Record<string, unknown>
  try {
    doc = parser.parse(xml) as Record<string, unknown>
  } catch (error) {
    throw new ExportFileParseError(OVF, `not XML: ${(error as Error).message}`, xml, { cause: error })
  }
  const envelope = doc.Envelope
  if (!isObject(envelope)) throw new ExportFileParseError(OVF, 'no Envelope element', xml)
  const references = envelope.References
  // why: an envelope without References is valid OVF (a VM without disks), and an empty element parses as ''
  if (references === undefined || references === '') return []
  if (!isObject(references)) throw new ExportFileParseError(OVF, 'References is not an element', xml)
  const diskIds = diskFileRefs(envelope)
  const files = references.File ?? []
  if (!Array.isArray(files)) throw new ExportFileParseError(OVF, 'References/File is not a list', xml)
  return files.map((file, i) => {
    if (!isObject(file))
      throw new ExportFileParseError(OVF, `References/File ${i + 1} has no attributes`, xml)
    const href = file['@href']
    if (typeof href !== 'string' || href === '') {
      throw new ExportFileParseError(OVF, `References/File ${i + 1} has no href`, xml)
    }
    const reference: OvfReference = { href: decodeEntities(href), disk: false }
    const id = file['@id']
    if (typeof id === 'string') {
      reference.id = id
      reference.disk = diskIds.has(id)
    }
    const size = file['@size']
    if (size !== undefined) {
      if (typeof size !== 'string' || !DIGITS.test(size) || !Number.isSafeInteger(Number(size))) {
        throw new ExportFileParseError(OVF, `References/File ${href} has size ${JSON.stringify(size)}`, xml)
      }
      reference.size = Number(size)
    }
    return reference
  })
}

function diskFileRefs(envelope: Record<string, unknown>): Set<string> {
  const section = envelope.DiskSection
  const disks = isObject(section) && Array.isArray(section.Disk) ? section.Disk : []
  return new Set(
    disks.flatMap((d) => (isObject(d) && typeof d['@fileRef'] === 'string' ? [d['@fileRef']] : [])),
  )
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// why: with entity processing off the parser leaves the five predefined XML entities and character
// references as written; they are part of the file name (`&amp;` in `a&b.vmdk`)
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return safeCodePoint(Number.parseInt(name.slice(2), 16), whole)
    if (name.startsWith('#')) return safeCodePoint(Number.parseInt(name.slice(1), 10), whole)
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[name] ?? whole
  })
}

function safeCodePoint(code: number, whole: string): string {
  return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole
}
