import { describe, expect, it } from 'vitest'
import { ExportFileParseError } from '../errors.js'
import { parseManifest } from './manifest.js'

const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709'
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

describe('parseManifest', () => {
  it('reads the lines ovftool writes, digests in lower case', () => {
    const text = `SHA1(web-01.ovf)= ${SHA1.toUpperCase()}\nSHA256(web-01-disk1.vmdk)= ${SHA256}\n`
    expect(parseManifest(text)).toEqual([
      { file: 'web-01.ovf', algorithm: 'sha1', digest: SHA1 },
      { file: 'web-01-disk1.vmdk', algorithm: 'sha256', digest: SHA256 },
    ])
  })

  it('reads CRLF lines, a missing space and names with parentheses', () => {
    expect(parseManifest(`SHA256(a (1).vmdk)=${SHA256}\r\n\r\n`)).toEqual([
      { file: 'a (1).vmdk', algorithm: 'sha256', digest: SHA256 },
    ])
  })

  it.each([
    ['an unknown line', `MD5(a)= ${SHA1}`],
    ['a digest of the wrong length', `SHA256(a)= ${SHA1}`],
    ['a cut line', 'SHA1(web-01.ovf'],
  ])('throws ExportFileParseError with the raw text for %s', (_, text) => {
    expect(() => parseManifest(text)).toThrow(ExportFileParseError)
  })
})
