import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sparseVmdkLayout, writeExport } from './export-files.js'

interface XmlElement {
  name: string
  attrs: Record<string, string>
  children: XmlElement[]
  text: string
}

/** A strict little XML reader: balanced tags, quoted attributes, known entities, one root. */
function parseXml(xml: string): XmlElement {
  let i = 0
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML at ${i}: ${why}`)
  }
  const decode = (s: string) => {
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s)) fail(`bad entity in ${s}`)
    return s.replace(/&(#x?[0-9a-fA-F]+|\w+);/g, (_, e: string) => {
      if (e.startsWith('#x')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16))
      if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)))
      return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e] ?? ''
    })
  }
  const skipMisc = () => {
    for (;;) {
      while (/\s/.test(xml[i] ?? '')) i++
      if (xml.startsWith('<?', i)) i = xml.indexOf('?>', i) + 2
      else if (xml.startsWith('<!--', i)) i = xml.indexOf('-->', i) + 3
      else return
      if (i < 2) fail('unterminated declaration or comment')
    }
  }
  const element = (): XmlElement => {
    if (xml[i] !== '<') fail('expected <')
    const m = /^<([\w:.-]+)/.exec(xml.slice(i))
    if (!m?.[1]) return fail('bad tag name')
    const el: XmlElement = { name: m[1], attrs: {}, children: [], text: '' }
    i += m[0].length
    for (;;) {
      while (/\s/.test(xml[i] ?? '')) i++
      if (xml.startsWith('/>', i)) {
        i += 2
        return el
      }
      if (xml[i] === '>') {
        i++
        break
      }
      const a = /^([\w:.-]+)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(xml.slice(i))
      if (!a?.[1]) return fail('bad attribute')
      if (a[1] in el.attrs) fail(`duplicate attribute ${a[1]}`)
      el.attrs[a[1]] = decode(a[3] ?? a[4] ?? '')
      i += a[0].length
    }
    for (;;) {
      if (i >= xml.length) fail(`unclosed <${el.name}>`)
      if (xml.startsWith('<!--', i)) {
        i = xml.indexOf('-->', i) + 3
      } else if (xml.startsWith('</', i)) {
        const close = `</${el.name}>`
        if (!xml.startsWith(close, i)) fail(`expected ${close}`)
        i += close.length
        return el
      } else if (xml[i] === '<') {
        el.children.push(element())
      } else {
        const next = xml.indexOf('<', i)
        el.text += decode(xml.slice(i, next < 0 ? xml.length : next))
        i = next < 0 ? xml.length : next
      }
    }
  }
  skipMisc()
  const root = element()
  skipMisc()
  if (i !== xml.length) fail('content after the root element')
  return root
}

const child = (el: XmlElement | undefined, name: string) => el?.children.find((c) => c.name === name)

describe('writeExport', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hvsim-export-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('writes an OVF 1.0 envelope that names its VMDK in References and DiskSection', () => {
    const out = writeExport(join(dir, 'a', 'b'), 'web-01 <test>', 64 * 1024)
    const root = parseXml(readFileSync(out.ovfPath, 'utf8'))
    expect(root.name).toBe('Envelope')
    expect(root.attrs.xmlns).toBe('http://schemas.dmtf.org/ovf/envelope/1')
    const file = child(child(root, 'References'), 'File')
    expect(file?.attrs['ovf:href']).toBe('web-01 <test>-disk-0.vmdk')
    expect(out.diskPaths).toEqual([join(dir, 'a', 'b', 'web-01 <test>-disk-0.vmdk')])
    expect(Number(file?.attrs['ovf:size'])).toBe(statSync(out.diskPaths[0]!).size)
    const disk = child(child(root, 'DiskSection'), 'Disk')
    expect(disk?.attrs['ovf:fileRef']).toBe(file?.attrs['ovf:id'])
    expect(disk?.attrs['ovf:capacity']).toBe(String(64 * 1024))
    expect(child(child(root, 'VirtualSystem'), 'Name')?.text).toBe('web-01 <test>')
    expect(out.files).toEqual([out.ovfPath, ...out.diskPaths])
    expect(out.diskBytes).toBe(statSync(out.diskPaths[0]!).size)
    expect(out.totalSize).toBe(statSync(out.ovfPath).size + out.diskBytes)
  })

  it('writes a hosted sparse VMDK whose header, directory and tables describe the capacity', () => {
    const size = 3 * 1024 * 1024 + 100
    const out = writeExport(dir, 'db', size)
    const vmdk = readFileSync(out.diskPaths[0]!)
    const sectors = Math.ceil(size / 512)
    const layout = sparseVmdkLayout(sectors)
    expect(vmdk.length).toBe(layout.fileBytes)
    expect(vmdk.subarray(0, 4).toString('latin1')).toBe('KDMV')
    expect(vmdk.readUInt32LE(4)).toBe(1)
    expect(vmdk.readBigUInt64LE(12)).toBe(BigInt(sectors))
    expect(vmdk.readBigUInt64LE(20)).toBe(128n)
    const gdOffset = Number(vmdk.readBigUInt64LE(56))
    const overHead = Number(vmdk.readBigUInt64LE(64))
    expect(overHead * 512 + layout.grains * 128 * 512).toBe(vmdk.length)
    const descriptor = vmdk.subarray(512, 512 * 21).toString('utf8')
    expect(descriptor).toContain('createType="monolithicSparse"')
    expect(descriptor).toContain(`RW ${sectors} SPARSE "db-disk-0.vmdk"`)
    for (let g = 0; g < layout.grains; g++) {
      const gt = vmdk.readUInt32LE(gdOffset * 512 + Math.floor(g / 512) * 4)
      const grain = vmdk.readUInt32LE(gt * 512 + (g % 512) * 4)
      expect(grain).toBe(overHead + g * 128)
      expect((grain + 128) * 512).toBeLessThanOrEqual(vmdk.length)
    }
    expect(out.capacityBytes).toBe(sectors * 512)
  })

  it('throws the file-system error when the directory cannot be created', () => {
    const blocker = join(dir, 'file')
    writeFileSync(blocker, 'x')
    expect(() => writeExport(join(blocker, 'sub'), 'vm', 512)).toThrow(/ENOTDIR|EEXIST/)
  })
})
