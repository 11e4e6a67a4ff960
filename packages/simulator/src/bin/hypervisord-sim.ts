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
  -p, --port N          TCP port (default 8080; 0 picks a free one)
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
  -v, --verbose         log each request to stderr
  -h, --help            show this help
`

/** The flags as the usage lists them: a flag followed by a value name takes a string. */
const FLAGS = Object.fromEntries(
  [...USAGE.matchAll(/^ {2}(?:-(\w), )?--([\w-]+)( [A-Z])?/gm)].map(([, short, name, value]) => [
    name as string,
    { type: value ? ('string' as const) : ('boolean' as const), ...(short && { short }) },
  ]),
)

function fail(message: string): never {
  process.stderr.write(`hypervisord-sim: ${message}\n\n${USAGE}`)
  process.exit(2)
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>
  try {
    ;({ values } = parseArgs({ options: FLAGS, strict: true }))
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error))
  }
  if (values.help) {
    process.stdout.write(USAGE)
    return
  }
  const text = (name: string) => values[name] as string | undefined
  const count = (name: string) => {
    const v = text(name)
    if (v !== undefined && !/^\d+$/.test(v)) fail(`invalid --${name} ${JSON.stringify(v)}`)
    return v === undefined ? undefined : Number(v)
  }
  const method = text('default-method')
  if (method !== undefined && !EXPORT_METHODS.includes(method as ExportMethod)) {
    fail(`invalid --default-method ${JSON.stringify(method)}`)
  }
  if (values.root === '') fail('--root needs a directory')
  if ((count('disks') ?? 1) < 1) fail('--disks must be at least 1')
  const apiKey = text('api-key') ?? process.env.HYPERVISORD_SIM_API_KEY
  const options: HypervisordSimOptions = {
    port: count('port') ?? 8080,
    host: text('host') ?? '127.0.0.1',
    apiKey: apiKey || undefined,
    jobDurationMs: durationMs(text('job-duration') ?? '3s'),
    defaultMethod: method as ExportMethod | undefined,
    hyperctlOnPath: values['hyperctl-on-path'] === true,
    stableOrder: values['stable-order'] === true,
    cancelStopsExport: values['cancel-stops-export'] === true,
    diskSizeBytes: count('disk-size'),
    writeFiles: values['no-files'] !== true,
    disks: count('disks'),
    writeManifest: values['write-manifest'] === true,
    root: values.root === undefined ? undefined : resolve(text('root') as string),
    allowAnyPath: values['allow-any-path'] === true,
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
  const exit = (code: number) => () => process.exit(code)
  let stopping = false
  const stop = () => {
    if (!stopping) sim.close().then(exit(0), exit(1))
    stopping = true
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

function durationMs(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text)
  try {
    return Number(parseGoDuration(text)) / 1e6
  } catch {
    return fail(`invalid --job-duration ${JSON.stringify(text)}`)
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`hypervisord-sim: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
