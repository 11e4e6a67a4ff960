import { fc, it } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { classifyHyperctlFailure } from './failure.js'

// why: properties with thousands of runs can outlast vitest's 5 s default on a loaded machine
const PROPERTY_TIME = { timeout: 60_000 }

// The spinner's bytes on stderr (docs/hyperctl.md#spinner): frames, then `\r` + W spaces + `\r` + the final line.
const STRIP = /\x1b\[[0-9;?]*[A-Za-z]/g
const frame = (text: string, seq = '▀ ', elapsed = '0s') =>
  `\r\x1b[96m\x1b[96m${seq}\x1b[0m\x1b[0m \x1b[97m\x1b[97m${text}\x1b[0m\x1b[0m\x1b[90m\x1b[90m (${elapsed})\x1b[0m\x1b[0m`
const clear = (width = 80) => `\r${' '.repeat(width)}\r`
const errorBody = (message: string) =>
  message
    .replace(/\n+$/, '')
    .split('\n')
    .map((line, index) =>
      index === 0
        ? `\x1b[30;101m\x1b[30;101m  ERROR  \x1b[0m\x1b[0m \x1b[91m\x1b[91m${line}\x1b[0m\x1b[0m`
        : `\x1b[30;101m\x1b[30;101m         \x1b[0m\x1b[0m \x1b[91m\x1b[91m${line}\x1b[0m\x1b[0m`,
    )
    .join('\n')
/** What hyperctl writes to stderr when its spinner fails with `message` (a trailing `\n` adds a blank line). */
const failed = (message: string, frames = [frame('Submitting job(s)...')], width = 80) =>
  `${frames.join('')}${clear(width)}${errorBody(message)}\n${message.endsWith('\n') ? '\n' : ''}`
const succeeded = (message: string) =>
  `${frame('Querying jobs...')}${clear()}\x1b[30;42m\x1b[30;42m SUCCESS \x1b[0m\x1b[0m \x1b[32m\x1b[32m${message}\x1b[0m\x1b[0m\n`
const stdoutError = (message: string) =>
  `\x1b[30;101m\x1b[30;101m  ERROR  \x1b[0m\x1b[0m \x1b[91m\x1b[91m${message}\x1b[0m\x1b[0m\n`

const classify = (stderr: string, exitCode = 1, stdout = '') =>
  classifyHyperctlFailure({ stdout, stderr, exitCode })

describe('classifyHyperctlFailure', PROPERTY_TIME, () => {
  it('returns null for a successful run', () => {
    expect(classify(succeeded('Found 1 job(s)'), 0, 'table')).toBeNull()
    expect(
      classifyHyperctlFailure({ stdout: 'hyperctl version 0.0.1\n', stderr: '', exitCode: 0 }),
    ).toBeNull()
  })

  it('returns null for exit 0 with rejected jobs listed as Error lines on stdout', () => {
    const stdout = `\x1b[30;43m\x1b[30;43m WARNING \x1b[0m\x1b[0m \x1b[33m\x1b[33mRejected Jobs: 1\x1b[0m\x1b[0m\n${stdoutError('  - job with ID a already exists')}`
    expect(classify(succeeded('Submitted 0 job(s)'), 0, stdout)).toBeNull()
  })

  it.each([
    [
      'Failed to submit job: Post "http://localhost:8080/jobs/submit": dial tcp [::1]:8080: connect: connection refused',
    ],
    [
      'Failed to query: Post "http://localhost:8080/jobs/query": dial tcp 127.0.0.1:8080: connect: connection refused',
    ],
    [
      'Failed to get status: Get "http://localhost:8080/status": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
    ],
    ['Failed to cancel: Post "http://localhost:8080/jobs/cancel": EOF'],
  ])('reads %j as daemon-unreachable', (message) => {
    expect(classify(failed(message))).toEqual({ error: 'daemon-unreachable', exitCode: 1, message })
  })

  it('reads a server error without the blank line the body newline adds', () => {
    const stderr = failed('Server error: unauthorized\n')
    expect(stderr.endsWith('\x1b[0m\x1b[0m\n\n')).toBe(true)
    expect(classify(stderr)).toEqual({
      error: 'server-error',
      exitCode: 1,
      message: 'Server error: unauthorized',
    })
  })

  it('keeps the inner lines of a multi-line server error body without the blank styled prefix', () => {
    const body = '<html>\n<head><title>502 Bad Gateway</title></head>\n\n<body>  indented</body>\n</html>\n'
    const stderr = failed(`Server error: ${body}`)
    expect(stderr).toContain('\x1b[30;101m\x1b[30;101m         \x1b[0m\x1b[0m \x1b[91m\x1b[91m<head>')
    const expected =
      'Server error: <html>\n<head><title>502 Bad Gateway</title></head>\n\n<body>  indented</body>\n</html>'
    expect(classify(stderr)).toEqual({ error: 'server-error', exitCode: 1, message: expected })
    expect(classify(stderr.replace(STRIP, ''))).toEqual({
      error: 'server-error',
      exitCode: 1,
      message: expected,
    })
  })

  it('keeps the \\r of a CRLF body inside the message, as hyperctl prints it', () => {
    const stderr = failed('Server error: <html>\r\n</html>\r\n')
    expect(classify(stderr)?.message).toBe('Server error: <html>\r\n</html>\r')
    expect(classify(stderr.replace(STRIP, ''))?.message).toBe('Server error: <html>\r\n</html>\r')
  })

  it('reads a stream whose every line feed became CRLF (a pty) like a plain one', () => {
    const message = 'Failed to parse response: unexpected EOF'
    expect(classify(failed(message).replace(/\n/g, '\r\n'))).toEqual({
      error: 'parse-failure',
      exitCode: 1,
      message,
    })
    const body = failed('Server error: a\nb\n').replace(/\n/g, '\r\n')
    expect(classify(body)?.message).toBe('Server error: a\nb')
  })

  it('reads the final line whatever the frames: none, many, a wider clear, or a late frame after it', () => {
    const message = 'Either -file or -vm must be specified'
    const usage = { error: 'usage', exitCode: 1, message }
    expect(classify(failed(message, []))).toEqual(usage)
    const many = Array.from({ length: 151 }, (_, i) =>
      frame('Submitting job(s)...', ['▀ ', ' ▀', ' ▄', '▄ '][i % 4], `${Math.round(i / 5)}s`),
    )
    expect(classify(failed(message, many))).toEqual(usage)
    expect(classify(failed(message, [frame('Submitting job(s)...')], 211))).toEqual(usage)
    expect(classify(`${failed(message)}${frame('Submitting job(s)...')}`)).toEqual(usage)
    expect(classify(failed(message).replace(STRIP, ''))).toEqual(usage)
  })

  it('reads a frame text that mentions an error as nothing but a frame', () => {
    const message = 'Failed to parse response: EOF'
    const stderr = failed(message, [frame('  ERROR   Server error: fake'), frame('Submitting job(s)...')])
    expect(classify(stderr)).toEqual({ error: 'parse-failure', exitCode: 1, message })
  })

  it.each([
    ['Failed to read file: open jobs.yaml: no such file or directory', 'not-found'],
    ['Failed to read file: open /etc/jobs.yaml: permission denied', 'usage'],
    ['Failed to read file: read /tmp: is a directory', 'usage'],
    ['Either -file or -vm must be specified', 'usage'],
    ["Failed to parse response: invalid character '<' looking for beginning of value", 'parse-failure'],
    ['Failed to submit job: something new', 'unknown'],
  ])('reads %j as %s', (message, error) => {
    expect(classify(failed(message))).toEqual({ error, exitCode: 1, message })
  })

  it('reads Go flag errors from the first stderr line with exit 2 as usage', () => {
    const stderr =
      'invalid boolean value "yes" for -all: parse error\nUsage of query:\n  -all\n    \tQuery all jobs\n'
    expect(classify(stderr, 2)).toEqual({
      error: 'usage',
      exitCode: 2,
      message: 'invalid boolean value "yes" for -all: parse error',
    })
  })

  it('reads a Go panic with exit 2 as unknown, with the panic line', () => {
    const stderr = `${succeeded('Found 1 job(s)')}panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation]\n\ngoroutine 1 [running]:\n`
    expect(classify(stderr, 2)).toEqual({
      error: 'unknown',
      exitCode: 2,
      message: 'panic: runtime error: invalid memory address or nil pointer dereference',
    })
  })

  it('reads the stdout Error lines of hyperctl as usage', () => {
    expect(classify('', 1, stdoutError('Job ID required (-id)'))).toEqual({
      error: 'usage',
      exitCode: 1,
      message: 'Job ID required (-id)',
    })
    const help = `${stdoutError('Unknown command: -daemon')}\n██╗  ██╗\n┌──────┐\n| help |\n└──────┘\n`
    expect(classify('', 1, help)).toEqual({
      error: 'usage',
      exitCode: 1,
      message: 'Unknown command: -daemon',
    })
    expect(classify('', 1, help.replace(STRIP, ''))).toEqual({
      error: 'usage',
      exitCode: 1,
      message: 'Unknown command: -daemon',
    })
  })

  it('reads a logs decode failure on stdout as parse-failure', () => {
    const message =
      'Failed to parse logs: json: cannot unmarshal object into Go struct field .logs of type string'
    expect(classify('', 1, stdoutError(message))).toEqual({ error: 'parse-failure', exitCode: 1, message })
  })

  it('classifies a spinner failure even when the exit code says 0', () => {
    const message = 'Failed to parse response: EOF'
    expect(classify(failed(message), 0)).toEqual({ error: 'parse-failure', exitCode: 0, message })
  })

  it('returns unknown with the best raw text for anything else with a non-zero exit', () => {
    expect(classify('', 1, '')).toEqual({
      error: 'unknown',
      exitCode: 1,
      message: 'hyperctl exited with code 1',
    })
    expect(classify('something broke\n', 137)).toEqual({
      error: 'unknown',
      exitCode: 137,
      message: 'something broke',
    })
    expect(classify(succeeded('Found 1 job(s)'), 1)).toEqual({
      error: 'unknown',
      exitCode: 1,
      message: 'Found 1 job(s)',
    })
    expect(classify('', 1, '\n  Usage: hyperctl <command>\n')).toEqual({
      error: 'unknown',
      exitCode: 1,
      message: 'Usage: hyperctl <command>',
    })
  })

  it.prop(
    [
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.integer({ min: -1, max: 255 }),
    ],
    {
      numRuns: 10_000,
    },
  )('never throws, and returns null only for exit 0', (stdout, stderr, exitCode) => {
    const result = classifyHyperctlFailure({ stdout, stderr, exitCode })
    if (result === null) expect(exitCode).toBe(0)
    else expect(result.exitCode).toBe(exitCode)
  })
})
