import { Readable } from 'node:stream'
import { UsageError } from '@hyperctl-export/core'
import { describe, expect, it } from 'vitest'
import type { CliIo } from './cli-io.js'
import { Output } from './output.js'

function fakeIo(env: NodeJS.ProcessEnv = {}, tty = false) {
  const out = {
    text: '',
    isTTY: tty,
    write(s: string) {
      out.text += s
    },
  }
  const err = {
    text: '',
    isTTY: tty,
    write(s: string) {
      err.text += s
    },
  }
  const io: CliIo = {
    stdout: out,
    stderr: err,
    stdin: Readable.from([]),
    env,
    cwd: '/',
    onInterrupt: () => () => {},
    exit: () => {},
  }
  return { io, out, err }
}

describe('Output', () => {
  it('masks every known secret on both streams, whatever path prints it', () => {
    const { io, out, err } = fakeIo()
    const output = new Output(io, { json: false, quiet: false })
    output.addSecret('key-123456')
    output.result('result key-123456')
    output.warn('warn key-123456')
    output.info('info key-123456')
    output.fail(new UsageError('bad key-123456', 'hint key-123456'))
    expect(out.text + err.text).not.toContain('key-123456')
    expect(out.text).toBe('result ***\n')
  })

  it('prints only the JSON document on stdout with --json, and the error as JSON when a command fails', () => {
    const { io, out, err } = fakeIo()
    const output = new Output(io, { json: true, quiet: false })
    output.result('not shown')
    output.fail(new UsageError('bad flag', 'fix it'))
    expect(JSON.parse(out.text)).toEqual({ error: { kind: 'usage', message: 'bad flag', hint: 'fix it' } })
    expect(err.text).toBe('error: bad flag\nhint: fix it\n')
  })

  it('colours only on a terminal without NO_COLOR', () => {
    expect(new Output(fakeIo({}, true).io, { json: false, quiet: false }).err.enabled).toBe(true)
    expect(new Output(fakeIo({ NO_COLOR: '1' }, true).io, { json: false, quiet: false }).err.enabled).toBe(
      false,
    )
    expect(new Output(fakeIo({ NO_COLOR: '' }, true).io, { json: false, quiet: false }).err.enabled).toBe(
      true,
    )
    expect(new Output(fakeIo({ TERM: 'dumb' }, true).io, { json: false, quiet: false }).liveErr).toBe(false)
    expect(new Output(fakeIo({}, false).io, { json: false, quiet: false }).out.enabled).toBe(false)
  })

  it('silences notices with --quiet but keeps warnings', () => {
    const { io, err } = fakeIo()
    const output = new Output(io, { json: false, quiet: true })
    output.info('notice')
    output.warn('careful')
    expect(err.text).toBe('warning: careful\n')
  })
})
