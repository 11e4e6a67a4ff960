import { decodeBytes, withReplacementRunes } from '../go/go-bytes.js'
import { COMBINING, DOUBLE_WIDTH } from './width-tables.js'

/**
 * Columns a string takes as go-runewidth v0.0.19 counts them outside East Asian locales (what pterm
 * pads table cells with): per grapheme cluster, the width of its first code point whose own width is
 * not zero. So `⚙️` (U+2699 U+FE0F) is 1, `📦` and CJK are 2, a ZWJ family is 2, and each stray byte of
 * a cut UTF-8 sequence is 1 (Go sees it as U+FFFD).
 */
export function displayWidth(text: string | Uint8Array): number {
  const s = typeof text === 'string' ? text : decodeBytes(text)
  // why: printable ASCII is one column a character, and by far the most common text
  if (/^[\x20-\x7e]*$/.test(s)) return s.length
  let width = 0
  for (const { segment } of GRAPHEMES.segment(withReplacementRunes(s))) {
    for (const ch of segment) {
      const w = runeWidth(ch.codePointAt(0)!)
      if (w > 0) {
        width += w
        break
      }
    }
  }
  return width
}

/** go-runewidth RuneWidth with EastAsianWidth off. */
export function runeWidth(cp: number): number {
  if (cp < 0x20) return 0
  if ((cp >= 0x7f && cp <= 0x9f) || cp === 0xad) return 0
  if (cp < 0x300) return 1
  if (inRanges(cp, NON_PRINT) || inRanges(cp, COMBINING)) return 0
  if (inRanges(cp, DOUBLE_WIDTH)) return 2
  return 1
}

// Format and separator characters go-runewidth never gives a width (its hand-written "nonprint" list):
// controls, soft hyphen, Syriac abbreviation mark, Mongolian variation selectors, zero-width and
// direction marks, line/paragraph separators and embeddings, deprecated format characters,
// surrogates, BOM, interlinear annotation characters, and the noncharacters U+FFFE/U+FFFF.
const NON_PRINT: readonly number[] = [
  0x0000, 0x001f, 0x007f, 0x009f, 0x00ad, 0x00ad, 0x070f, 0x070f, 0x180b, 0x180e, 0x200b, 0x200f, 0x2028,
  0x202e, 0x206a, 0x206f, 0xd800, 0xdfff, 0xfeff, 0xfeff, 0xfff9, 0xfffb, 0xfffe, 0xffff,
]

function inRanges(cp: number, ranges: readonly number[]): boolean {
  const pairs = ranges.length / 2
  if (cp < ranges[0]! || cp > ranges[ranges.length - 1]!) return false
  let lo = 0
  let hi = pairs - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (ranges[mid * 2 + 1]! < cp) lo = mid + 1
    else if (ranges[mid * 2]! > cp) hi = mid - 1
    else return true
  }
  return false
}

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' })
