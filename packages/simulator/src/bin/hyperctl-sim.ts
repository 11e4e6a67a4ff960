#!/usr/bin/env node
import { runHyperctlSim } from '../hyperctl/index.js'

// why: exitCode instead of process.exit() so piped stdout/stderr are fully written first
process.exitCode = await runHyperctlSim(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  ...(process.stdout.isTTY ? { stdoutColumns: process.stdout.columns } : {}),
})
