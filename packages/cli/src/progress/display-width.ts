const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' })
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]+$/u
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u
// why: East Asian Wide and Fullwidth blocks take two terminal cells (a close match to go-runewidth's table)
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u

function graphemeWidth(grapheme: string): number {
  if (ZERO_WIDTH.test(grapheme)) return 0
  if (EMOJI.test(grapheme) || WIDE.test(grapheme)) return 2
  return 1
}

/** Terminal cells the text takes (no escape sequences in it). */
export function displayWidth(text: string): number {
  let width = 0
  for (const { segment } of segmenter.segment(text)) width += graphemeWidth(segment)
  return width
}

/** The text cut to at most `width` cells, with `…` where it was cut. */
export function truncateToWidth(text: string, width: number): string {
  if (width <= 0) return ''
  if (displayWidth(text) <= width) return text
  let out = ''
  let used = 0
  for (const { segment } of segmenter.segment(text)) {
    const w = graphemeWidth(segment)
    if (used + w > width - 1) break
    out += segment
    used += w
  }
  return `${out}…`
}

/** Pads with spaces to `width` cells (cutting first when longer). */
export function padToWidth(text: string, width: number): string {
  const cut = truncateToWidth(text, width)
  return cut + ' '.repeat(Math.max(0, width - displayWidth(cut)))
}
