import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { onTermination } from './termination.js'

describe('onTermination', () => {
  it('reports each SIGINT and SIGTERM with a running count until it stops listening', () => {
    const target = new EventEmitter()
    const seen: string[] = []
    const stop = onTermination((signal, count) => seen.push(`${signal}#${count}`), target as never)
    target.emit('SIGINT', 'SIGINT')
    target.emit('SIGTERM', 'SIGTERM')
    stop()
    target.emit('SIGINT', 'SIGINT')
    expect(seen).toEqual(['SIGINT#1', 'SIGTERM#2'])
    expect(target.listenerCount('SIGINT') + target.listenerCount('SIGTERM')).toBe(0)
  })
})
