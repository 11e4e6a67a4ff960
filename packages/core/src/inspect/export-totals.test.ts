import { describe, expect, it } from 'vitest'
import { formatThroughput } from './export-totals.js'

describe('formatThroughput', () => {
  it.each([
    [25.77, '25.8 MB/s'],
    [1, '1.0 MB/s'],
    // the demo's export: 134,254 bytes in 4 s
    [0.134254 / 4, '34 kB/s'],
    [0.9996, '1000 kB/s'],
    [0.0000001, '1 kB/s'],
    [0, '0.0 MB/s'],
  ])('%d MB/s reads %s', (rate, text) => {
    expect(formatThroughput(rate)).toBe(text)
  })
})
