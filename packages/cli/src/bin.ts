#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { parseCommandLine } from './command-line.js'

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
