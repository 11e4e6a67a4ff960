#!/usr/bin/env node
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { type HypervisordSimOptions, startHypervisordSim } from '../daemon/hypervisord-sim.js'
import { EXPORT_METHODS, type ExportMethod } from '../daemon/job-model.js'
import { parseGoDuration } from '../go/go-time.js'

const USAGE = `Usage: hypervisord-sim [options]

A hypervisord simulator for tests and demos: the job REST API on 127.0.0.1, no vCenter.
Prints its URL on the first line of stdout; SIGINT or SIGTERM stop it.

Options:
  --port N              TCP port (default 8080; 0 picks a free one)
  --host ADDR           listen address (default 127.0.0.1)
  --api-key KEY         turn API-key auth on (better: HYPERVISORD_SIM_API_KEY, which stays out of ps)
  --job-duration D      export duration: milliseconds or a Go duration like 3s, 500ms (default 3s)
  --default-method M    ctl, govc, ovftool or web (default web)
  --hyperctl-on-path    behave like a daemon with hyperctl in PATH (default method ctl; ctl jobs fail)
  --stable-order        query results in submission order instead of random order
  --cancel-stops-export cancelled jobs stay cancelled (the real daemon lets the export finish)
  --disk-size BYTES     capacity of the written VMDK (default 65536)
  --root DIR            write every job's output under DIR (absolute and relative output paths alike);
                        a path that leaves DIR fails its job
  --allow-any-path      without --root: also write absolute output paths outside the system temp
                        directory (refused by default, the job fails)
  --no-files            write no OVF/VMDK on completion
  --disks N             disks per VM (default 1)
  --write-manifest      also write ovftool's manifest <vm>.mf (SHA256 of the .ovf and each disk)
  --verbose             log each request to stderr
  -h, --help            show this help
`

function fail(message: string): never {
  process.stderr.write(`hypervisord-sim: ${message}\n\n${USAGE}`)
  process.exit(2)
}

function parseDurationMs(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text)
  try {
    return Number(parseGoDuration(text)) / 1e6
  } catch {
    return fail(`invalid --job-duration ${JSON.stringify(text)}`)
  }
}

function parseCount(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) fail(`invalid ${flag} ${JSON.stringify(text)}`)
  return Number(text)
}

async function main(): Promise<void> {
  let values: ReturnType<typeof parse>['values']
  try {
    values = parse().values
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error))
  }
  if (values.help) {
    process.stdout.write(USAGE)
    return
  }
  const method = values['default-method']
  if (method !== undefined && !EXPORT_METHODS.includes(method as ExportMethod)) {
    fail(`invalid --default-method ${JSON.stringify(method)}`)
  }
  if (values.root === '') fail('--root needs a directory')
  if (values.disks !== undefined && parseCount(values.disks, '--disks') < 1)
    fail('--disks must be at least 1')
  const apiKey = values['api-key'] ?? process.env.HYPERVISORD_SIM_API_KEY
  const options: HypervisordSimOptions = {
    port: values.port === undefined ? 8080 : parseCount(values.port, '--port'),
    host: values.host ?? '127.0.0.1',
    apiKey: apiKey === undefined || apiKey === '' ? undefined : apiKey,
    jobDurationMs: values['job-duration'] === undefined ? 3000 : parseDurationMs(values['job-duration']),
    defaultMethod: method as ExportMethod | undefined,
    hyperctlOnPath: values['hyperctl-on-path'] ?? false,
    stableOrder: values['stable-order'] ?? false,
    cancelStopsExport: values['cancel-stops-export'] ?? false,
    diskSizeBytes:
      values['disk-size'] === undefined ? undefined : parseCount(values['disk-size'], '--disk-size'),
    writeFiles: !(values['no-files'] ?? false),
    disks: values.disks === undefined ? undefined : parseCount(values.disks, '--disks'),
    writeManifest: values['write-manifest'] ?? false,
    root: values.root === undefined ? undefined : resolve(values.root),
    allowAnyPath: values['allow-any-path'] ?? false,
    onRequest: values.verbose
      ? (r) =>
          process.stderr.write(
            `${r.method} ${r.path}${r.query ? `?${r.query}` : ''} -> ${r.status ?? 'no reply'}\n`,
          )
      : undefined,
  }
  const sim = await startHypervisordSim(options)
  process.stdout.write(`${sim.url}\n`)
  process.stderr.write(
    `hypervisord-sim: listening on ${sim.url}${options.apiKey ? ' (API key required)' : ''}\n`,
  )
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

function parse() {
  return parseArgs({
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'api-key': { type: 'string' },
      'job-duration': { type: 'string' },
      'default-method': { type: 'string' },
      'hyperctl-on-path': { type: 'boolean' },
      'stable-order': { type: 'boolean' },
      'cancel-stops-export': { type: 'boolean' },
      'disk-size': { type: 'string' },
      'no-files': { type: 'boolean' },
      disks: { type: 'string' },
      'write-manifest': { type: 'boolean' },
      root: { type: 'string' },
      'allow-any-path': { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
    strict: true,
  })
}

main().catch((error: unknown) => {
  process.stderr.write(`hypervisord-sim: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
