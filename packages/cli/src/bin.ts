#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { parseCommandLine } from './command-line.js'

// why: a reader that stops early (`jobs -q | head -1`) closes the pipe; what is left to print has nowhere
// to go, which is no error of ours (and no stack trace)
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    process.exit()
  })
}

// why: help and --version are answered from the command tables alone, before core or any command loads
const argv = process.argv.slice(2)
let shown: string | undefined
try {
  const parsed = parseCommandLine(argv, readVersion())
  if (parsed.kind === 'shown') shown = parsed.text
} catch {
  // a usage error: runCli reports it, with --json and the secrets handled
}
if (shown !== undefined) {
  process.stdout.write(shown)
} else {
  const [{ processIo }, { runCli }] = await Promise.all([import('./cli-io.js'), import('./run-cli.js')])
  process.exitCode = await runCli(argv, processIo())
  // why: a socket kept alive or a stdin left open must not hold the process once the command is done
  setTimeout(() => process.exit(), 2_000).unref()
}

function readVersion(): string {
  return (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version
}
