import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createBackend } from '../src/backend/create-backend.js'
import { HypervisordClient } from '../src/client/hypervisord-client.js'
import { JobFailedError, UsageError } from '../src/errors.js'
import { readJobFile } from '../src/jobs/job-file.js'
import { exportVms } from '../src/run/run-export.js'
import type { JobSpec, Transport } from '../src/types.js'
import {
  backendFor,
  type FaultSim,
  filesUnder,
  startFaultSim,
  VC_PASSWORD,
  vcenter,
} from './support/fault-sim.js'

const polling = { minPollIntervalMs: 1_000, pollIntervalMs: 10_000, timeoutMs: 3_600_000 }

let f: FaultSim

beforeEach(async () => {
  f = await startFaultSim()
})
afterEach(async () => {
  await f.close()
})

/** VM paths and names that a shell, a flag parser or a naive table reader would act on. */
function hostileJobs(): { jobs: JobSpec[]; markers: string[] } {
  const markers = ['backtick', 'dollar', 'semicolon', 'name', 'newline'].map((m) => join(f.out, `pwned-${m}`))
  const jobs: JobSpec[] = [
    {
      vmPath: `/DC/vm/web 01 "double" 'single' \`touch ${markers[0]}\``,
      name: `$(touch ${markers[3]}) and spaces`,
      outputPath: join(f.out, 'one'),
    },
    {
      // why: an ID may start with '-'; hyperctl gets it as the value of -id, never as a flag of its own
      id: '-id-with-leading-dash',
      vmPath: `/DC/vm/$(touch ${markers[1]}); touch ${markers[2]}`,
      name: '-n --help',
      outputPath: join(f.out, 'two'),
    },
    {
      vmPath: '-vm /DC/vm/ünïcødé 日本語 😀 \\ |& > <',
      name: '--output=/etc',
      outputPath: join(f.out, 'three'),
    },
    {
      vmPath: `/DC/vm/line\nbreak\ntouch ${markers[4]}`,
      name: 'tab\there',
      outputPath: join(f.out, '-four'),
    },
  ]
  return { jobs: jobs.map((j) => ({ ...j, vcenter })), markers }
}

describe.each<Transport>(['api', 'cli'])('hostile input (%s transport)', (transport) => {
  it('passes VM paths and names with spaces, quotes, backticks, $(), ;, newlines, unicode and leading dashes to the daemon unchanged and runs nothing', async () => {
    const { jobs, markers } = hostileJobs()
    const outcomes = await exportVms(backendFor(f, transport), jobs, {
      ...polling,
      clock: f.clock,
      onSubmitted: async () => {
        await f.sim.control.advance(20_000)
      },
    })

    const onDaemon = f.sim.control
      .jobs()
      .map((j) => ({ vm_path: j.definition.vm_path, name: j.definition.name }))
    expect(onDaemon).toEqual(jobs.map((j) => ({ vm_path: j.vmPath, name: j.name })))
    expect(outcomes[1]!.jobId).toBe('-id-with-leading-dash')
    for (const marker of markers) expect(existsSync(marker), marker).toBe(false)
    expect(outcomes.map((o) => [o.vmPath, o.status])).toEqual(jobs.map((j) => [j.vmPath, 'completed']))
    expect(await filesUnder(f.jobTemp)).toEqual([])
  })

  it('reports a VM path holding " | " completed on both transports, its hyperctl row read by its ID', async () => {
    const jobs = [
      { vmPath: '/DC/vm/db | primary', outputPath: join(f.out, 'db'), vcenter },
      { vmPath: '/DC/vm/web-01', outputPath: join(f.out, 'web'), vcenter },
    ]
    const outcomes = await exportVms(backendFor(f, transport), jobs, { ...polling, clock: f.clock })

    expect(f.sim.control.jobs().map((j) => j.definition.vm_path)).toEqual(jobs.map((j) => j.vmPath))
    // why: without colours a " | " inside a cell cannot be told from a column boundary, but the ID and the
    // status at the row's two ends can (docs/reliability.md#hostile-input)
    expect(outcomes.map((o) => o.status)).toEqual(['completed', 'completed'])
  })

  it('refuses job IDs outside [A-Za-z0-9._-] before anything reaches the daemon', async () => {
    const backend = backendFor(f, transport)
    for (const id of [
      'a b',
      'a/b',
      'a,b',
      'a;b',
      '$(id)',
      '`id`',
      'ü',
      'a\nb',
      '',
      'submit',
      '..',
      'x'.repeat(129),
    ]) {
      const error = await exportVms(backend, [{ id, vmPath: '/DC/vm/a', outputPath: '/e/a', vcenter }], {
        ...polling,
        clock: f.clock,
      }).catch((e: unknown) => e)
      expect(error, JSON.stringify(id)).toBeInstanceOf(UsageError)
      expect((error as Error).message).toContain('job ID')
    }
    expect(f.sim.control.requests).toEqual([])
  })

  it("reports an output path the daemon cannot create as failed, with the daemon's reason where the transport shows it", async () => {
    const blocker = join(f.out, 'a-file')
    await writeFile(blocker, 'not a directory')
    const outcomes = await exportVms(
      backendFor(f, transport),
      [{ vmPath: '/DC/vm/a', outputPath: join(blocker, 'export'), vcenter }],
      { ...polling, clock: f.clock },
    )

    expect(outcomes[0]!.status).toBe('failed')
    expect(outcomes[0]!.error).toBeInstanceOf(JobFailedError)
    if (transport === 'api') expect(outcomes[0]!.error?.message).toContain('not a directory')
  })
})

describe('hostile configuration', () => {
  it('refuses a daemon URL that is not http(s), in the client and in createBackend, before any request', async () => {
    for (const url of [
      'ftp://127.0.0.1:8080',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'localhost:8080',
      'ws://x',
    ]) {
      expect(() => new HypervisordClient({ daemonUrl: url, env: {} }), url).toThrow(UsageError)
      await expect(createBackend({ daemonUrl: url, transport: 'api', env: {} }), url).rejects.toBeInstanceOf(
        UsageError,
      )
    }
  })

  it('refuses a daemon URL with credentials without echoing them, even when it does not parse', async () => {
    for (const url of [`http://admin:${VC_PASSWORD}@127.0.0.1:8080`, `http://admin:${VC_PASSWORD}@[::1`]) {
      for (const attempt of [
        async () => new HypervisordClient({ daemonUrl: url, env: {} }),
        () => createBackend({ daemonUrl: url, transport: 'api', env: {} }),
      ]) {
        const error = await attempt().catch((e: unknown) => e)
        expect(error, url).toBeInstanceOf(UsageError)
        expect(
          JSON.stringify({ message: (error as Error).message, hint: (error as UsageError).hint }),
        ).not.toContain(VC_PASSWORD)
      }
    }
  })

  it('fails with a message naming the job file when it is missing or a directory', async () => {
    for (const [path, code] of [
      [join(f.out, 'missing.yaml'), 'ENOENT'],
      [f.out, 'EISDIR'],
    ] as const) {
      const error = await readJobFile(path).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(UsageError)
      expect((error as Error).message).toBe(`the job file ${path} cannot be read (${code})`)
    }
  })
})
