import { describe, expect, it } from 'vitest'
import { UsageError } from '../errors.js'
import {
  assertValidJobId,
  ignoredOptionWarnings,
  jobWarnings,
  prepareJobs,
  toJobDefinition,
} from './job-definition.js'

const vcenter = { server: 'vc.example.test', username: 'exporter', password: 'pw-1' }

describe('prepareJobs', () => {
  it('makes a relative output path absolute against the caller, not the daemon', () => {
    const [job] = prepareJobs([{ vmPath: '/DC/vm/web-01', outputPath: 'out/web' }], '/home/me')
    expect(job!.outputPath).toBe('/home/me/out/web')
  })

  it('defaults the export method to web and the name to the VM name, and assigns a UUID', () => {
    const [job] = prepareJobs([{ vmPath: '/DC/vm/web-01', outputPath: '/x' }])
    expect(job!.exportMethod).toBe('web')
    expect(job!.name).toBe('web-01')
    expect(job!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('keeps hostile VM paths unchanged', () => {
    const vmPath = '/DC/vm/a b \'c\' "d" `e` $(touch /tmp/x); rm -rf / \n -leading ünï 😀'
    expect(prepareJobs([{ vmPath, outputPath: '/x' }])[0]!.vmPath).toBe(vmPath)
  })

  it.each([
    [{ vmPath: '', outputPath: '/x' }, 'VM path is empty'],
    [{ vmPath: '/v', outputPath: ' ' }, 'output path is empty'],
    [{ vmPath: '/v', outputPath: '/x', exportMethod: 'scp' as never }, 'export method "scp"'],
    [{ vmPath: '/v', outputPath: '/x', vcenter: { ...vcenter, password: '' } }, 'vCenter password is empty'],
    [{ vmPath: '/v', outputPath: '/x', id: 'a/b' }, 'is not usable'],
  ])('refuses %o with a message naming the problem', (job, message) => {
    expect(() => prepareJobs([job])).toThrow(UsageError)
    expect(() => prepareJobs([job])).toThrow(message)
  })

  it('refuses the same ID twice in one submission', () => {
    const jobs = [
      { vmPath: '/a', outputPath: '/x', id: 'same' },
      { vmPath: '/b', outputPath: '/y', id: 'same' },
    ]
    expect(() => prepareJobs(jobs)).toThrow('used twice')
  })
})

describe('assertValidJobId', () => {
  it.each(['submit', 'query', 'cancel', '..', 'a,b', 'a b', '', 'x'.repeat(129), 'ü'])('refuses %j', (id) => {
    expect(() => assertValidJobId(id)).toThrow(UsageError)
  })
  it.each(['nightly-db', 'a.b_c-1', '2545e058-b89e-4692-8e5d-47214a8ea293'])('accepts %j', (id) => {
    expect(() => assertValidJobId(id)).not.toThrow()
  })
})

describe('toJobDefinition', () => {
  it('writes the daemon field names with the vCenter block and snake_case options', () => {
    const [job] = prepareJobs([
      {
        vmPath: '/DC/vm/db',
        outputPath: '/exports/db',
        id: 'db-1',
        vcenter,
        format: 'ova',
        options: { parallelDownloads: 8, removeCdrom: true },
      },
    ])
    expect(toJobDefinition(job!)).toEqual({
      id: 'db-1',
      name: 'db',
      vm_path: '/DC/vm/db',
      output_path: '/exports/db',
      export_method: 'web',
      vcenter: { server: 'vc.example.test', username: 'exporter', password: 'pw-1', insecure: false },
      format: 'ova',
      options: { parallel_downloads: 8, remove_cdrom: true },
    })
  })
})

describe('ignoredOptionWarnings', () => {
  it('names every option the daemon stores without using', () => {
    const warnings = ignoredOptionWarnings({
      vmPath: '/v',
      outputPath: '/x',
      thin: true,
      options: { parallelDownloads: 4, removeCdrom: true },
    })
    expect(warnings.join('\n')).toMatch(/parallel-downloads[^\n]*without using it/)
    expect(warnings.join('\n')).toMatch(/remove-cdrom/)
    expect(warnings.join('\n')).toMatch(/thin is used only by the ctl export method/)
  })
  it('says nothing when no ignored option is set', () => {
    expect(ignoredOptionWarnings({ vmPath: '/v', outputPath: '/x' })).toEqual([])
  })
})

describe('jobWarnings', () => {
  it('warns that a stock daemon fails a job without a vCenter connection', () => {
    expect(jobWarnings({ vmPath: '/v', outputPath: '/x' }).join('\n')).toContain('vcenter server is required')
    expect(jobWarnings({ vmPath: '/v', outputPath: '/x', vcenter })).toEqual([])
  })
})
