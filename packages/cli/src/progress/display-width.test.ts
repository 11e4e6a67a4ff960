import { fc, it as prop } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { displayWidth, padToWidth, truncateToWidth } from './display-width.js'

describe('displayWidth', () => {
  it.each([
    ['abc', 3],
    ['中文', 4],
    ['😀', 2],
    ['e\u0301', 1],
    ['👩‍👩‍👧', 2],
    ['', 0],
  ])('counts %j as %i cells', (text, width) => {
    expect(displayWidth(text)).toBe(width)
  })
})

describe('truncateToWidth', () => {
  it('cuts with an ellipsis only when the text is too wide', () => {
    expect(truncateToWidth('abcdef', 6)).toBe('abcdef')
    expect(truncateToWidth('abcdef', 4)).toBe('abc…')
    expect(truncateToWidth('中文中文', 5)).toBe('中文…')
  })

  prop.prop([fc.string({ unit: 'grapheme' }), fc.integer({ min: 0, max: 40 })])(
    'never returns more cells than asked',
    (text, width) => {
      expect(displayWidth(truncateToWidth(text, width))).toBeLessThanOrEqual(width)
      expect(displayWidth(padToWidth(text, width))).toBe(width)
    },
  )
})
