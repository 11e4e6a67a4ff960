import { fc, it as prop } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { ExportFileParseError } from '../errors.js'
import { readOvfReferences } from './ovf-references.js'

const envelope = (inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">${inner}</Envelope>`

describe('readOvfReferences', () => {
  it('reads each File href, id and size, and marks the ones DiskSection names as disks', () => {
    const xml = envelope(`
      <References>
        <File ovf:href="web-01-disk-0.vmdk" ovf:id="file1" ovf:size="1048576"/>
        <File ovf:href="web-01-disk-1.vmdk" ovf:id="file2" ovf:size="512"/>
        <File ovf:href="tools.iso" ovf:id="file3"/>
      </References>
      <DiskSection><Info>disks</Info>
        <Disk ovf:diskId="d1" ovf:fileRef="file1" ovf:capacity="1"/>
        <Disk ovf:diskId="d2" ovf:fileRef="file2" ovf:capacity="1"/>
      </DiskSection>`)
    expect(readOvfReferences(xml)).toEqual([
      { href: 'web-01-disk-0.vmdk', id: 'file1', size: 1048576, disk: true },
      { href: 'web-01-disk-1.vmdk', id: 'file2', size: 512, disk: true },
      { href: 'tools.iso', id: 'file3', disk: false },
    ])
  })

  it('decodes the XML escapes in a file name', () => {
    const xml = envelope('<References><File ovf:href="a&amp;b &#34;c&#x22;.vmdk" ovf:id="f"/></References>')
    expect(readOvfReferences(xml)[0]!.href).toBe('a&b "c".vmdk')
  })

  it('returns no reference for an envelope without References', () => {
    expect(readOvfReferences(envelope('<References/>'))).toEqual([])
    expect(readOvfReferences(envelope('<VirtualSystem ovf:id="x"/>'))).toEqual([])
  })

  it('does not expand a DTD entity (no XML bomb)', () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE Envelope [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><Envelope><References><File href="&b;.vmdk" id="f"/></References></Envelope>`
    const refs = readOvfReferences(xml)
    expect(refs[0]!.href).toBe('&b;.vmdk')
  })

  it.each([
    ['a descriptor cut short', envelope('<References><File ovf:href="x.vmdk"').slice(0, -12)],
    ['text that is not XML', 'not xml at all'],
    ['XML without an Envelope', '<Other/>'],
    ['a File without href', envelope('<References><File ovf:id="f"/></References>')],
    ['a size that is not a number', envelope('<References><File ovf:href="x" ovf:size="12k"/></References>')],
    ['a negative size', envelope('<References><File ovf:href="x" ovf:size="-1"/></References>')],
  ])('throws ExportFileParseError carrying the raw text for %s', (_, xml) => {
    let caught: unknown
    try {
      readOvfReferences(xml)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ExportFileParseError)
    expect((caught as ExportFileParseError).raw).toBe(xml)
  })

  prop.prop([fc.string()], { numRuns: 2000 })('returns references or throws ExportFileParseError', (s) => {
    let refs: ReturnType<typeof readOvfReferences>
    try {
      refs = readOvfReferences(s)
    } catch (error) {
      return void expect(error).toBeInstanceOf(ExportFileParseError)
    }
    expect(refs.every((r) => r.href.length > 0)).toBe(true)
  })
})
