import { describe, expect, it } from 'vitest'
import {
  cellOfRow,
  ID_ARGUMENT_MAX_BYTES,
  planIdQueries,
  shownJobIdCell,
  splitByJoinedBytes,
} from './shown-job-id.js'

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

describe('planIdQueries with a byte budget', () => {
  const uuids = (n: number) =>
    Array.from({ length: n }, (_, i) => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`)

  it('keeps 500 UUIDs in one round, within the budget of every platform', () => {
    const rounds = planIdQueries(uuids(500))
    expect(rounds).toHaveLength(1)
    expect(rounds[0]!.join(',').length).toBe(18_499)
    expect(18_499).toBeLessThan(Math.min(ID_ARGUMENT_MAX_BYTES, 30_000))
  })

  it('splits a round whose joined IDs pass the budget, in order and without cutting an ID', () => {
    const ids = uuids(2000)
    const rounds = planIdQueries(ids, 30_000)
    expect(rounds.map((r) => r.length)).toEqual([810, 810, 380])
    expect(rounds.flat()).toEqual(ids)
    for (const round of rounds) expect(Buffer.byteLength(round.join(','))).toBeLessThanOrEqual(30_000)
  })
})

describe('splitByJoinedBytes', () => {
  it('fills each group up to exactly the budget, commas counted', () => {
    expect(splitByJoinedBytes(['aaa', 'bbb', 'ccc', 'dd'], 7)).toEqual([
      ['aaa', 'bbb'],
      ['ccc', 'dd'],
    ])
    expect(splitByJoinedBytes(['aaa', 'bbb', 'ccc'], 6)).toEqual([['aaa'], ['bbb'], ['ccc']])
  })

  it('gives an ID longer than the budget a group of its own', () => {
    expect(splitByJoinedBytes(['a', 'bbbbbbbb', 'c'], 4)).toEqual([['a'], ['bbbbbbbb'], ['c']])
  })

  it('counts bytes, not characters', () => {
    expect(splitByJoinedBytes(['é', 'é'], 4)).toEqual([['é'], ['é']])
    expect(splitByJoinedBytes(['é', 'é'], 5)).toEqual([['é', 'é']])
  })
})
