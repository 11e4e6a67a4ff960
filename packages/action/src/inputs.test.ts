import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UsageError } from '@hyperctl-export/core'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { defaultIdempotencyKey, INPUT_DEFAULTS, INPUT_NAMES, type InputSource, readInputs } from './inputs.js'

const vcenter = {
  'vcenter-server': 'vc.example.test',
  'vcenter-username': 'exporter',
  'vcenter-password': 'pw-secret-1',
}

function source(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}, cwd = '/work/ws') {
  const secrets: string[] = []
  const src: InputSource = {
    getInput: (name) => inputs[name] ?? '',
    env,
    addSecret: (value) => {
      if (value) secrets.push(value)
    },
    cwd,
  }
  return { src, secrets }
}

async function usageError(inputs: Record<string, string>): Promise<UsageError> {
  const error = await readInputs(source(inputs).src).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(UsageError)
  return error as UsageError
}

describe('INPUT_DEFAULTS', () => {
  it('matches the defaults action.yml declares, and INPUT_NAMES matches its inputs', async () => {
    const action = parse(await readFile(new URL('../../../action.yml', import.meta.url), 'utf8')) as {
      inputs: Record<string, { default?: string }>
    }
    const declared = Object.fromEntries(
      Object.entries(action.inputs)
        .filter(([, spec]) => spec.default !== undefined)
        .map(([name, spec]) => [name, String(spec.default)]),
    )
    expect(declared).toEqual(INPUT_DEFAULTS)
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort())
  })
})

describe('readInputs', () => {
  it('makes one web job with the vCenter connection and an absolute output path when vm-path is given', async () => {
    const { src, secrets } = source({ 'vm-path': '/DC/vm/web-01', 'output-path': 'exports', ...vcenter })
    const inputs = await readInputs(src)
    expect(inputs.jobs).toEqual([
      {
        vmPath: '/DC/vm/web-01',
        outputPath: '/work/ws/exports',
        exportMethod: 'web',
        vcenter: {
          server: 'vc.example.test',
          username: 'exporter',
          password: 'pw-secret-1',
          insecure: false,
        },
      },
    ])
    expect(inputs.outputPath).toBe('/work/ws/exports')
    expect(inputs.run).toEqual({
      idempotencyKey: undefined,
      maxConcurrent: undefined,
      failFast: false,
      wait: true,
      timeoutMs: 6 * 3_600_000,
      pollIntervalMs: 5_000,
      cancelOnTimeout: false,
      cancelOnAbort: true,
      verify: 'auto',
      checksumsFile: false,
    })
    expect(inputs.backend).toMatchObject({ transport: 'auto', daemonUrl: undefined, apiKey: undefined })
    expect(secrets).toContain('pw-secret-1')
  })

  it('makes a job per line when vm-paths has blank and comment lines', async () => {
    const inputs = await readInputs(
      source({
        'vm-paths': '/DC/vm/a\n\n  # not this one\n/DC/vm/b  \r\n/DC/vm/c',
        'output-path': '/x',
        ...vcenter,
      }).src,
    )
    expect(inputs.jobs.map((j) => j.vmPath)).toEqual(['/DC/vm/a', '/DC/vm/b', '/DC/vm/c'])
  })

  it('reads durations with units, numbers and flags when they are given', async () => {
    const inputs = await readInputs(
      source({
        'vm-path': '/a',
        'output-path': '/x',
        ...vcenter,
        timeout: '1h30m',
        'poll-interval': '250ms',
        wait: 'False',
        'cancel-on-timeout': 'TRUE',
        'cancel-on-abort': 'false',
        'max-concurrent': '3',
        'fail-fast': 'true',
        'parallel-downloads': '8',
        'remove-cdrom': 'true',
        compress: 'false',
        'export-method': 'govc',
        format: 'ova',
        datacenter: 'DC',
        'idempotency-key': 'nightly-1',
        'daemon-url': 'http://exports.internal:8080/',
        transport: 'api',
        'api-key': 'key-123',
        verify: 'required',
        'checksums-file': 'true',
      }).src,
    )
    expect(inputs.run).toEqual({
      idempotencyKey: 'nightly-1',
      maxConcurrent: 3,
      failFast: true,
      wait: false,
      timeoutMs: 5_400_000,
      pollIntervalMs: 250,
      cancelOnTimeout: true,
      cancelOnAbort: false,
      verify: 'required',
      checksumsFile: true,
    })
    expect(inputs.jobs[0]).toMatchObject({
      exportMethod: 'govc',
      format: 'ova',
      datacenter: 'DC',
      compress: false,
      options: { parallelDownloads: 8, removeCdrom: true },
    })
    expect(inputs.backend).toMatchObject({
      transport: 'api',
      daemonUrl: 'http://exports.internal:8080',
      apiKey: 'key-123',
    })
  })

  it('reduces a vCenter URL to its host with a notice', async () => {
    const inputs = await readInputs(
      source({
        'vm-path': '/a',
        'output-path': '/x',
        ...vcenter,
        'vcenter-server': 'https://vc.example.test/sdk',
      }).src,
    )
    expect(inputs.jobs[0]!.vcenter!.server).toBe('vc.example.test')
    expect(inputs.notices.join('\n')).toContain('vcenter-server')
  })

  it('masks the password, the API key and HYPERVISORD_API_KEY before it validates anything', async () => {
    const { src, secrets } = source(
      { ...vcenter, 'api-key': 'key-abc', timeout: 'nonsense' },
      { HYPERVISORD_API_KEY: 'env-key-xyz' },
    )
    await expect(readInputs(src)).rejects.toThrow(UsageError)
    expect(secrets).toEqual(['pw-secret-1', 'key-abc', 'env-key-xyz'])
  })

  it('warns that ctl and ovftool put the password on a command line when they are chosen', async () => {
    const inputs = await readInputs(
      source({ 'vm-path': '/a', 'output-path': '/x', ...vcenter, 'export-method': 'ctl' }).src,
    )
    expect(inputs.warnings.join('\n')).toContain(
      'export methods ctl and ovftool put the vCenter password on a command line',
    )
  })

  it.each([
    [{}, 'input vm-path, vm-paths or job-file is required'],
    [
      { 'vm-path': '/a', 'vm-paths': '/b', 'output-path': '/x', ...vcenter },
      'inputs vm-path and vm-paths were both given',
    ],
    [{ 'vm-path': '/a', ...vcenter }, '/a has no output path: give input output-path'],
    [
      { 'vm-path': '/a', 'output-path': '/x', ...vcenter, 'vcenter-server': '' },
      'the vCenter connection is incomplete: give input vcenter-server',
    ],
    [
      { 'vm-path': '/a', 'output-path': '/x', ...vcenter, 'vcenter-password': '' },
      'no vCenter password for exporter@vc.example.test: give input vcenter-password',
    ],
    [
      { 'vm-path': '/a', 'output-path': '/x', ...vcenter, timeout: '90' },
      'input timeout: "90" is not a duration',
    ],
    [
      { 'vm-path': '/a', 'output-path': '/x', ...vcenter, timeout: '0s' },
      'input timeout: "0s" is out of range',
    ],
    [{ 'vm-path': '/a', 'output-path': '/x', ...vcenter, 'poll-interval': '5 s' }, 'input poll-interval'],
    [
      { 'vm-path': '/a', 'output-path': '/x', ...vcenter, wait: 'yes' },
      'input wait: must be true or false, not "yes"',
    ],
    [
      { 'vm-path': '/a', 'output-path': '/x', ...vcenter, transport: 'ssh' },
      'input transport: must be auto, cli or api',
    ],
    [
      { 'vm-path': '/a', 'output-path': '/x', ...vcenter, 'export-method': 'scp' },
      'input export-method: must be web, govc, ovftool or ctl, not "scp"',
    ],
    [
      { 'vm-path': '/a', 'output-path': '/x', ...vcenter, 'max-concurrent': '0' },
      'input max-concurrent: must be a whole number',
    ],
    [
      { 'vm-path': '/a', 'output-path': '/x', ...vcenter, 'parallel-downloads': '2.5' },
      'input parallel-downloads',
    ],
    [
      { 'vm-path': '/a', 'output-path': '/x', ...vcenter, 'daemon-url': 'ftp://x' },
      'input daemon-url: daemon URL must start with http:// or https://',
    ],
  ])('throws UsageError naming the input when the inputs are %j', async (inputs, message) => {
    expect((await usageError(inputs as Record<string, string>)).message).toContain(message)
  })

  it('names every bad input at once when several are wrong', async () => {
    const error = await usageError({ 'vm-path': '/a', timeout: 'x', wait: 'maybe' })
    expect(error.message).toContain('input timeout')
    expect(error.message).toContain('input wait')
  })

  it('never quotes the password or the API key in an error when the inputs are invalid', async () => {
    const error = await usageError({ ...vcenter, 'api-key': 'key-abc-123', transport: 'nope', timeout: 'x' })
    expect(`${error.message} ${error.hint}`).not.toMatch(/pw-secret-1|key-abc-123/)
  })

  it('fills what a job file leaves out from the inputs, masks its passwords and keeps what it gives', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'action-inputs-'))
    await writeFile(
      join(dir, 'jobs.yaml'),
      [
        'jobs:',
        '  - vm_path: /DC/vm/db-01',
        '    id: db-01-nightly',
        '    output_path: /exports/db',
        '    export_method: govc',
        '    vcenter: {server: other-vc, username: u2, password: file-pw-9}',
        '  - vm_path: /DC/vm/web-01',
        '    options: {parallel_downloads: 2}',
        '    vcenter: {server: vc.example.test, username: exporter}',
        '    unknown_field: 1',
      ].join('\n'),
    )
    const { src, secrets } = source(
      { 'job-file': 'jobs.yaml', 'output-path': 'out', ...vcenter, 'remove-cdrom': 'true' },
      {},
      dir,
    )
    const inputs = await readInputs(src)
    expect(inputs.jobs).toEqual([
      {
        vmPath: '/DC/vm/db-01',
        id: 'db-01-nightly',
        outputPath: '/exports/db',
        exportMethod: 'govc',
        vcenter: { server: 'other-vc', username: 'u2', password: 'file-pw-9', insecure: false },
        options: { removeCdrom: true },
      },
      {
        vmPath: '/DC/vm/web-01',
        outputPath: join(dir, 'out'),
        exportMethod: 'web',
        vcenter: {
          server: 'vc.example.test',
          username: 'exporter',
          password: 'pw-secret-1',
          insecure: false,
        },
        options: { parallelDownloads: 2, removeCdrom: true },
      },
    ])
    expect(secrets).toContain('file-pw-9')
    expect(inputs.outputPath).toBe('/exports/db')
    expect(inputs.warnings.join('\n')).toContain('unknown_field')
  })

  it('names the job and the input to set when a job file job lacks the vCenter password', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'action-inputs-'))
    await writeFile(
      join(dir, 'job.json'),
      JSON.stringify({ vm_path: '/DC/vm/x', output_path: '/o', vcenter: { server: 's', username: 'u' } }),
    )
    const error = await readInputs(source({ 'job-file': join(dir, 'job.json') }, {}, dir).src).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toContain(
      '/DC/vm/x: no vCenter password for u@s: give input vcenter-password',
    )
  })

  it('reads the example job file with the password from the input', async () => {
    const file = new URL('../../../examples/jobs/nightly.yaml', import.meta.url).pathname
    const inputs = await readInputs(source({ 'job-file': file, 'vcenter-password': 'pw-secret-1' }).src)
    expect(
      inputs.jobs.map((j) => [j.id, j.vmPath, j.outputPath, j.exportMethod, j.vcenter?.password]),
    ).toEqual([
      [undefined, '/Datacenter/vm/prod/db-01', '/srv/exports/db-01', 'web', 'pw-secret-1'],
      [undefined, '/Datacenter/vm/prod/web-01', '/srv/exports/web-01', 'web', 'pw-secret-1'],
    ])
    expect(inputs.jobs[1]!.options).toEqual({ removeCdrom: true })
  })

  it('fails with the path when the job file does not exist', async () => {
    const error = await usageError({ 'job-file': '/nonexistent/jobs.yaml', ...vcenter })
    expect(error.message).toContain('/nonexistent/jobs.yaml')
  })
})

describe('defaultIdempotencyKey', () => {
  it('derives the key from the run, attempt, job and step when GITHUB_RUN_ID is set', () => {
    const env = {
      GITHUB_RUN_ID: '42',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_JOB: 'export',
      GITHUB_ACTION: '__org_hyperctl-export',
    }
    expect(defaultIdempotencyKey(env)).toBe('github:42:2:export:__org_hyperctl-export')
    expect(defaultIdempotencyKey({ ...env, GITHUB_RUN_ATTEMPT: '3' })).not.toBe(defaultIdempotencyKey(env))
  })

  it('is absent outside a workflow run', () => {
    expect(defaultIdempotencyKey({})).toBeUndefined()
  })
})
