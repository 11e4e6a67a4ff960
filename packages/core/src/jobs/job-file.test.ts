import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fc, it as prop } from '@fast-check/vitest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UsageError } from '../errors.js'
import { parseJobFile, readJobFile } from './job-file.js'
import { vcenterHost } from './vcenter-host.js'

const yamlBatch = `jobs:
  - id: nightly-db-2026-02-10        # client ID, URL-safe characters only
    name: nightly db
    vm_path: /Datacenter/vm/db-01
    output_path: /exports/db-01
    export_method: web
    vcenter:
      server: vcenter.example.com
      username: exporter@vsphere.local
      password: "s3cret-pw"
      insecure: true
    options:
      parallel_downloads: 8
      remove_cdrom: yes
`

describe('parseJobFile', () => {
  it('maps the daemon example batch file (docs/hyperctl.md#job-files) to JobSpec fields', () => {
    const file = parseJobFile(yamlBatch, { format: 'yaml' })
    expect(file.jobs).toEqual([
      {
        id: 'nightly-db-2026-02-10',
        name: 'nightly db',
        vmPath: '/Datacenter/vm/db-01',
        outputPath: '/exports/db-01',
        exportMethod: 'web',
        vcenter: {
          server: 'vcenter.example.com',
          username: 'exporter@vsphere.local',
          password: 's3cret-pw',
          insecure: true,
        },
        options: { parallelDownloads: 8, removeCdrom: true },
      },
    ])
    expect(file.warnings).toEqual([])
  })

  it('reads one JSON job object with keys in any case, output_dir winning and method as an alias', () => {
    const text = JSON.stringify({
      VM_Path: '/DC/vm/a',
      output_path: '/ignored',
      Output_Dir: '/exports/a',
      method: 'govc',
      vcenter: { Server: 'vc', username: 'u', password: 'p-json' },
      compress: true,
    })
    expect(parseJobFile(text).jobs).toEqual([
      {
        vmPath: '/DC/vm/a',
        outputPath: '/exports/a',
        exportMethod: 'govc',
        compress: true,
        vcenter: { server: 'vc', username: 'u', password: 'p-json' },
      },
    ])
  })

  it('reads a top-level list, and YAML when the text is not JSON and no format is given', () => {
    expect(parseJobFile('[{"vm_path":"/a"},{"vm_path":"/b","thin":false}]').jobs).toEqual([
      { vmPath: '/a' },
      { vmPath: '/b', thin: false },
    ])
    expect(parseJobFile('- vm_path: /a\n- vm_path: /b\n').jobs.map((j) => j.vmPath)).toEqual(['/a', '/b'])
  })

  it('keeps scalar text in YAML string fields as written', () => {
    const file = parseJobFile('vm_path: /DC/vm/x\nid: 0123\nname: 1e3\nformat: yes\n', { format: 'yaml' })
    expect(file.jobs[0]).toEqual({ vmPath: '/DC/vm/x', id: '0123', name: '1e3', format: 'yes' })
  })

  it('builds the vCenter connection from legacy fields, taking the top-level password from YAML only', () => {
    const yaml = parseJobFile(
      'vm_path: /a\nvcenter_url: https://vc.example.com/sdk\nusername: u\npassword: pw-yaml\ninsecure: on\n',
      { format: 'yaml' },
    )
    expect(yaml.jobs[0]!.vcenter).toEqual({
      server: 'vc.example.com',
      username: 'u',
      password: 'pw-yaml',
      insecure: true,
    })
    expect(yaml.warnings.join('\n')).toContain('using its host vc.example.com')

    const json = parseJobFile('{"vm_path":"/a","vcenter_url":"vc","username":"u","password":"pw-json"}')
    expect(json.jobs[0]!.vcenter).toEqual({ server: 'vc', username: 'u' })
    expect(json.warnings.join('\n')).toContain('top-level password is read only from YAML')
    expect(JSON.stringify(json)).not.toContain('pw-json')
  })

  it('leaves out what the file does not give, so the caller can fill it in', () => {
    const file = parseJobFile('vm_path: /a\nvcenter:\n  server: vc\n  username: u\n', { format: 'yaml' })
    expect(file.jobs[0]).toEqual({ vmPath: '/a', vcenter: { server: 'vc', username: 'u' } })
  })

  it('warns about unknown fields, metadata and options that are not passed on', () => {
    const file = parseJobFile('vm_path: /a\nvm_pth: /typo\nmetadata: {a: b}\noptions:\n  libvirt_pool: p\n', {
      format: 'yaml',
    })
    expect(file.warnings).toEqual([
      'the job: the field "vm_pth" is unknown and ignored',
      'the job: options.libvirt_pool is not passed on (hypervisord stores options but no exporter reads them)',
      'the job: metadata is not passed on to hypervisord',
    ])
  })

  it('truncates a fraction into an int option in YAML, as the daemon does', () => {
    const file = parseJobFile('vm_path: /a\noptions: {parallel_downloads: 4.9}\n', { format: 'yaml' })
    expect(file.jobs[0]!.options).toEqual({ parallelDownloads: 4 })
  })

  it.each([
    ['{"jobs": []}', undefined, 'holds no job'],
    ['[]', undefined, 'holds no job'],
    ['"text"', undefined, 'holds a string'],
    ['name: x\n', 'yaml', 'holds neither a job with a vm_path nor a "jobs" list'],
    ['{"vm_path": "/a", "compress": "yes"}', undefined, 'compress is a string, not true or false'],
    ['{"vm_path": "/a", "options": {"parallel_downloads": "4"}}', undefined, 'not a whole number'],
    ['{"vm_path": "/a", "options": {"parallel_downloads": 4.5}}', undefined, 'not a whole number'],
    ['jobs:\n  - vm_path: /a\n  - null\n', 'yaml', 'job 2 is a string, not an object'],
    ['jobs:\n  - vm_path: /a\n  - name: b\n', 'yaml', 'job 2 has no vm_path'],
    [
      'vm_path: /a\nexport_method: scp\n',
      'yaml',
      'export_method "scp" is not one of web, govc, ovftool, ctl',
    ],
    ['vm_path: [/a\n', 'yaml', 'is not valid YAML'],
    ['{"vm_path": "/a",', 'json', 'is not valid JSON'],
    ['vm_path: /a\nvm_path: /b\n', 'yaml', 'is not valid YAML (DUPLICATE_KEY'],
  ] as const)('throws UsageError for %j', (text, format, message) => {
    const read = () => parseJobFile(text, { ...(format ? { format } : {}), source: 'f' })
    expect(read).toThrow(UsageError)
    expect(read).toThrow(message)
  })

  it('never quotes a password in an error when the file is broken next to it', () => {
    const cases: Array<[string, 'json' | 'yaml' | undefined]> = [
      ['{"vm_path": "/a", "vcenter": {"password": "leak-me-123" x}}', 'json'],
      ['{"vm_path": "/a", "vcenter": {"password": "leak-me-123" x}}', undefined],
      ['vm_path: /a\nvcenter:\n  password: "leak-me-123\n', 'yaml'],
      ['{"vm_path": "/a", "vcenter": {"password": 12345678}}', 'json'],
      ['{"vm_path": "/a", "vcenter": "leak-me-123"}', 'json'],
    ]
    for (const [text, format] of cases) {
      let message = ''
      try {
        parseJobFile(text, format ? { format } : {})
      } catch (error) {
        message = `${(error as UsageError).message} ${(error as UsageError).hint}`
      }
      expect(message).not.toBe('')
      expect(message).not.toContain('leak-me')
      expect(message).not.toContain('12345678')
    }
  })

  prop.prop([fc.string()])('returns jobs with a VM path or throws UsageError for any text', (text) => {
    for (const format of ['json', 'yaml', undefined] as const) {
      let file: ReturnType<typeof parseJobFile>
      try {
        file = parseJobFile(text, format ? { format } : {})
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError)
        continue
      }
      expect(file.jobs.every((j) => typeof j.vmPath === 'string' && j.vmPath !== '')).toBe(true)
    }
  })
})

describe('readJobFile', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'job-file-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('reads .yml as YAML and .json as JSON only', async () => {
    await writeFile(join(dir, 'a.yml'), 'vm_path: /a\nthin: yes\n')
    await writeFile(join(dir, 'b.json'), 'vm_path: /b\n')
    expect((await readJobFile(join(dir, 'a.yml'))).jobs).toEqual([{ vmPath: '/a', thin: true }])
    await expect(readJobFile(join(dir, 'b.json'))).rejects.toThrow('is not valid JSON')
  })

  it('throws UsageError naming the path when the file cannot be read', async () => {
    await expect(readJobFile(join(dir, 'missing.json'))).rejects.toThrow(
      /missing\.json cannot be read \(ENOENT\)/,
    )
  })
})

describe('vcenterHost', () => {
  it.each([
    ['vc.example.com', 'vc.example.com'],
    [' vc ', 'vc'],
    ['https://vc.example.com/sdk', 'vc.example.com'],
    ['https://user:pw@vc.example.com:8443/', 'vc.example.com:8443'],
  ])('reduces %j to %j', (input, server) => {
    expect(vcenterHost(input).server).toBe(server)
  })

  it('gives a notice only when a URL was cut, and never repeats the URL', () => {
    expect(vcenterHost('vc').notice).toBeUndefined()
    const { notice } = vcenterHost('https://user:pw-9@vc:8443/sdk')
    expect(notice).toContain('vc:8443')
    expect(notice).not.toContain('pw-9')
  })
})
