import { describe, expect, it } from 'vitest'
import { cellOfRow, planIdQueries, shownJobIdCell } from './shown-job-id.js'

describe('shownJobIdCell', () => {
  it('keeps the first 8 bytes and appends ... when the ID is longer than 8 bytes', () => {
    expect(shownJobIdCell('2545e058-b89e-4692-8e5d-47214a8ea293')).toBe('2545e058...')
    expect(shownJobIdCell('nightly-db')).toBe('nightly-...')
  })

  it('shows an ID of 8 bytes or fewer whole', () => {
    expect(shownJobIdCell('abcdefgh')).toBe('abcdefgh')
    expect(shownJobIdCell('job-42')).toBe('job-42')
  })
})

describe('cellOfRow', () => {
  it('rebuilds the cell a parsed row came from', () => {
    expect(cellOfRow({ id: '2545e058', idTruncated: true })).toBe('2545e058...')
    expect(cellOfRow({ id: 'job-42', idTruncated: false })).toBe('job-42')
  })
})

describe('planIdQueries', () => {
  it('asks for IDs with different cells in one round, in the given order', () => {
    expect(planIdQueries(['a1234567-x', 'b1234567-x', 'job-42'])).toEqual([
      ['a1234567-x', 'b1234567-x', 'job-42'],
    ])
  })

  it('puts IDs that share their first 8 bytes into separate rounds', () => {
    const rounds = planIdQueries(['406ade18-aaaa', 'job-42', '406ade18-bbbb', '406ade18-cccc', 'other-id-1'])
    expect(rounds).toEqual([['406ade18-aaaa', 'job-42', 'other-id-1'], ['406ade18-bbbb'], ['406ade18-cccc']])
    for (const round of rounds) {
      expect(new Set(round.map(shownJobIdCell)).size).toBe(round.length)
    }
  })

  it('keeps an 8-byte ID and a longer ID with the same start in one round, since their cells differ', () => {
    expect(planIdQueries(['abcdefgh', 'abcdefgh-1'])).toEqual([['abcdefgh', 'abcdefgh-1']])
  })
})
