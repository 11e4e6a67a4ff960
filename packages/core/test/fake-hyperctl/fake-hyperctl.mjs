#!/usr/bin/env node
// A stand-in for the hyperctl binary in the runner's tests: a real child process that answers with
// recorded bytes. Controlled only by environment variables:
//   FAKE_HYPERCTL_FIXTURE_DIR + FAKE_HYPERCTL_CASE  replay NAME.stderr, NAME.stdout exactly, exit NAME.case.json exitCode
//   FAKE_HYPERCTL_SCRIPT=<file.json>                 answer per command: the key is the whole argv joined by
//                                                    spaces, else argv[0]; the value is a Response (below)
//   FAKE_HYPERCTL_RECORD=<file>                      append one JSON line per invocation: argv, pid, the locale
//                                                    and colour variables, and the `-file` job file as read now
// Response: { stdout?, stderr?, exitCode? (0), fixture? (a case in FAKE_HYPERCTL_FIXTURE_DIR),
//   submitEcho? { reject?: [ids] } (accept the jobs of the -file, print as hyperctl does),
//   hangMs? (wait before exiting, at most 60 s), ignoreSigterm?, grandchild? (start a child holding stdout) }
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { appendFileSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'

const MAX_HANG_MS = 60_000
const argv = process.argv.slice(2)
const env = process.env

function flagValue(name) {
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === `-${name}` || arg === `--${name}`) return argv[i + 1]
    if (arg.startsWith(`-${name}=`) || arg.startsWith(`--${name}=`)) return arg.slice(arg.indexOf('=') + 1)
    if (!arg.startsWith('-')) return undefined
  }
  return undefined
}

function modeOf(path) {
  return (statSync(path).mode & 0o777).toString(8)
}

function record(extra) {
  if (!env.FAKE_HYPERCTL_RECORD) return
  appendFileSync(env.FAKE_HYPERCTL_RECORD, `${JSON.stringify(extra)}\n`)
}

function invocation() {
  const entry = {
    argv,
    pid: process.pid,
    cwd: process.cwd(),
    env: {
      NO_COLOR: env.NO_COLOR ?? null,
      LANG: env.LANG ?? null,
      LC_ALL: env.LC_ALL ?? null,
      RUNEWIDTH_EASTASIAN: env.RUNEWIDTH_EASTASIAN ?? null,
    },
  }
  const file = argv[0] === 'submit' ? flagValue('file') : undefined
  if (file !== undefined) {
    try {
      entry.file = {
        path: file,
        content: readFileSync(file, 'utf8'),
        mode: modeOf(file),
        dirMode: modeOf(dirname(file)),
      }
    } catch (error) {
      entry.file = { path: file, error: error.code ?? String(error) }
    }
  }
  return entry
}

function chooseResponse() {
  if (env.FAKE_HYPERCTL_SCRIPT) {
    const script = JSON.parse(readFileSync(env.FAKE_HYPERCTL_SCRIPT, 'utf8'))
    const response = script[argv.join(' ')] ?? script[argv[0] ?? '']
    if (response !== undefined) return response
    return { stderr: `fake-hyperctl: no scripted response for ${JSON.stringify(argv)}\n`, exitCode: 99 }
  }
  if (env.FAKE_HYPERCTL_CASE) return { fixture: env.FAKE_HYPERCTL_CASE }
  return { stderr: 'fake-hyperctl: set FAKE_HYPERCTL_SCRIPT or FAKE_HYPERCTL_CASE\n', exitCode: 99 }
}

function readFixture(name) {
  const dir = env.FAKE_HYPERCTL_FIXTURE_DIR
  if (!dir) throw new Error('fake-hyperctl: a fixture response needs FAKE_HYPERCTL_FIXTURE_DIR')
  const read = (ext) => readFileSync(join(dir, `${name}.${ext}`))
  return {
    stdout: read('stdout'),
    stderr: read('stderr'),
    exitCode: JSON.parse(read('case.json').toString('utf8')).exitCode,
  }
}

// hyperctl's prefix lines (docs/hyperctl.md#prefix-lines), with or without colour as NO_COLOR says
const colour = !env.NO_COLOR
function style(code, text) {
  return colour ? `\x1b[${code}m\x1b[${code}m${text}\x1b[0m\x1b[0m` : text
}
function prefixLine(prefix, prefixCode, textCode, message) {
  return `${style(prefixCode, prefix)} ${style(textCode, message)}\n`
}

function submitEcho(options) {
  const file = flagValue('file')
  const parsed = JSON.parse(readFileSync(file, 'utf8'))
  const jobs = Array.isArray(parsed) ? parsed : Array.isArray(parsed.jobs) ? parsed.jobs : [parsed]
  const reject = new Set(options.reject ?? [])
  const accepted = []
  const errors = []
  for (const job of jobs) {
    if (job.id && reject.has(job.id)) errors.push(`job with ID ${job.id} already exists`)
    else accepted.push(job.id || randomUUID())
  }
  let stdout = ''
  if (accepted.length > 0) {
    stdout += prefixLine(' SUCCESS ', '30;42', '32', `Accepted Jobs: ${accepted.length}`)
    for (const id of accepted) stdout += prefixLine(' INFO ', '30;46', '96', `  - Job ID: ${id}`)
  }
  if (errors.length > 0) {
    stdout += prefixLine(' WARNING ', '30;43', '33', `Rejected Jobs: ${errors.length}`)
    for (const message of errors) stdout += prefixLine('  ERROR  ', '30;101', '91', `  - ${message}`)
  }
  const frame = `\r${style('96', '▀ ')} ${style('97', 'Submitting job(s)...')}${style('90', ' (0s)')}`
  const done = `\r${' '.repeat(80)}\r${prefixLine(' SUCCESS ', '30;42', '32', `Submitted ${accepted.length} job(s)`)}`
  return { stdout, stderr: frame + done, exitCode: 0 }
}

const entry = invocation()
const response = chooseResponse()
let output = response
if (response.fixture !== undefined) output = { ...response, ...readFixture(response.fixture) }
else if (response.submitEcho !== undefined) output = { ...response, ...submitEcho(response.submitEcho) }

if (response.ignoreSigterm) process.on('SIGTERM', () => {})
if (response.grandchild) {
  const child = spawn(process.execPath, ['-e', `setTimeout(() => {}, ${MAX_HANG_MS})`], {
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  entry.grandchildPid = child.pid
}
record(entry)

// hyperctl writes everything on stderr (spinner) before anything on stdout (docs/hyperctl.md#streams)
if (output.stderr) process.stderr.write(output.stderr)
if (output.stdout) process.stdout.write(output.stdout)
process.exitCode = output.exitCode ?? 0
if (response.hangMs) setTimeout(() => process.exit(), Math.min(response.hangMs, MAX_HANG_MS))
