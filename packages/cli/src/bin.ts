#!/usr/bin/env node
import { processIo } from './cli-io.js'
import { runCli } from './run-cli.js'

process.exitCode = await runCli(process.argv.slice(2), processIo())
// why: a socket kept alive or a stdin left open must not hold the process once the command is done
setTimeout(() => process.exit(), 2_000).unref()
