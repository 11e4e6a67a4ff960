import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { UsageError } from '@hyperctl-export/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildJobs, type JobInputContext } from './job-input.js'
import type { JobSettings } from './settings.js'

const none: JobSettings = { vcenterInsecure: false }

function context(overrides: Partial<JobInputContext> = {}) {
  const secrets: string[] = []
  const asked: string[] = []
  const ctx: JobInputContext = {
    env: {},
    cwd: '/home/me',
    stdin: Readable.from([]),
    askPassword: async (label) => {
      asked.push(label)
      return undefined
    },
    addSecret: (s) => secrets.push(s),
    ...overrides,
  }
  return { ctx, secrets, asked }
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-job-input-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('buildJobs', () => {
  it('puts one VM into --output itself, with the vCenter from flags and the password from the environment', async () => {
    const { ctx, secrets } = context({ env: { HYPERCTL_EXPORT_VCENTER_PASSWORD: 'pw-env-1' } })
    const input = await buildJobs(
      ['/DC/vm/web-01'],
      { ...none, output: '/exports', vcenterServer: 'https://vc.example.com/sdk', vcenterUsername: 'u' },
      ctx,
    )
    expect(input.jobs).toEqual([
      {
        vmPath: '/DC/vm/web-01',
        outputPath: '/exports',
        exportMethod: 'web',
        vcenter: { server: 'vc.example.com', username: 'u', password: 'pw-env-1' },
      },
    ])
    expect(input.notices[0]).toContain('using its host vc.example.com')
    expect(secrets).toEqual(['pw-env-1'])
    expect(input.warnings).toEqual([])
  })

  it('gives each of several VMs its own subdirectory with {name} and makes relative paths absolute', async () => {
    const { ctx } = context()
    const input = await buildJobs(['/DC/vm/a', '/DC/vm/b'], { ...none, output: 'out/{name}' }, ctx)
    expect(input.jobs.map((j) => j.outputPath)).toEqual(['/home/me/out/a', '/home/me/out/b'])
    expect(input.warnings[0]).toContain('no vCenter connection was given')
  })

  it('refuses two VMs that would share a directory', async () => {
    const { ctx } = context()
    await expect(buildJobs(['/DC1/vm/a', '/DC2/vm/a'], { ...none, output: '/o' }, ctx)).rejects.toThrow(
      '/DC1/vm/a and /DC2/vm/a would both be exported to /o/a.ovf',
    )
  })

  it('asks once for the password when the environment has none', async () => {
    const { ctx, asked, secrets } = context({
      askPassword: async (label) => {
        asked.push(label)
        return 'typed-pw'
      },
    })
    const input = await buildJobs(
      ['/DC/vm/a', '/DC/vm/b'],
      { ...none, output: '/o', vcenterServer: 'vc', vcenterUsername: 'u' },
      ctx,
    )
    expect(asked).toEqual(['u@vc'])
    expect(secrets).toEqual(['typed-pw'])
    expect(input.jobs.every((j) => j.vcenter?.password === 'typed-pw')).toBe(true)
  })

  it('fails with the environment variable named when there is no password and no terminal', async () => {
    const { ctx } = context()
    const run = buildJobs(
      ['/DC/vm/a'],
      { ...none, output: '/o', vcenterServer: 'vc', vcenterUsername: 'u' },
      ctx,
    )
    await expect(run).rejects.toThrow(UsageError)
    await expect(run).rejects.toThrow('no vCenter password for u@vc: give HYPERCTL_EXPORT_VCENTER_PASSWORD')
  })

  it('lets a job file win and fills its gaps from the flags', async () => {
    const file = join(dir, 'jobs.yaml')
    await writeFile(
      file,
      [
        'jobs:',
        '  - vm_path: /DC/vm/a',
        '    output_path: /exports/a',
        '    export_method: govc',
        '    vcenter: {server: vc-file, username: file-user, password: file-pw}',
        '  - vm_path: /DC/vm/b',
        '    options: {parallel_downloads: 2}',
      ].join('\n'),
    )
    const { ctx, secrets } = context({ env: { HYPERCTL_EXPORT_VCENTER_PASSWORD: 'env-pw' } })
    const input = await buildJobs(
      [],
      {
        ...none,
        jobFile: file,
        output: '/fallback',
        vcenterServer: 'vc-flag',
        vcenterUsername: 'flag-user',
        exportMethod: 'ovftool',
        parallelDownloads: 8,
        removeCdrom: true,
      },
      ctx,
    )
    expect(input.jobs).toEqual([
      {
        vmPath: '/DC/vm/a',
        outputPath: '/exports/a',
        exportMethod: 'govc',
        vcenter: { server: 'vc-file', username: 'file-user', password: 'file-pw' },
        options: { parallelDownloads: 8, removeCdrom: true },
      },
      {
        vmPath: '/DC/vm/b',
        outputPath: '/fallback',
        exportMethod: 'ovftool',
        vcenter: { server: 'vc-flag', username: 'flag-user', password: 'env-pw' },
        options: { parallelDownloads: 2, removeCdrom: true },
      },
    ])
    expect(secrets).toEqual(['file-pw', 'env-pw'])
    expect(input.warnings.join('\n')).toContain('ctl and ovftool put the vCenter password on a command line')
  })

  it('reads a job file from stdin with "-"', async () => {
    const { ctx } = context({ stdin: Readable.from(['{"vm_path": "/DC/vm/s", "output_path": "/o/s"}']) })
    const input = await buildJobs([], { ...none, jobFile: '-' }, ctx)
    expect(input.jobs).toEqual([{ vmPath: '/DC/vm/s', outputPath: '/o/s', exportMethod: 'web' }])
  })

  it('warns that ctl is broken', async () => {
    const { ctx } = context()
    const input = await buildJobs(['/a'], { ...none, output: '/o', exportMethod: 'ctl' }, ctx)
    expect(input.jobs[0]!.exportMethod).toBe('ctl')
    expect(input.warnings.join('\n')).toContain('every ctl export fails')
  })

  it.each([
    [['/a'], { jobFile: '/x.json' }, 'not both'],
    [[], {}, 'nothing to export'],
    [['/a'], {}, '/a has no output path: give --output'],
    [
      ['/a'],
      { output: '/o', vcenterServer: 'vc' },
      'the vCenter connection is incomplete: give --vcenter-username',
    ],
    [
      ['/a'],
      { output: '/o', vcenterUsername: 'u' },
      'the vCenter connection is incomplete: give --vcenter-server',
    ],
  ] as const)('throws UsageError for %j %j', async (paths, settings, message) => {
    const { ctx } = context()
    const run = buildJobs(paths, { ...none, ...settings }, ctx)
    await expect(run).rejects.toThrow(UsageError)
    await expect(run).rejects.toThrow(message)
  })
})
