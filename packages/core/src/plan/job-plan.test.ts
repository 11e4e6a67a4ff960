import { describe, expect, it } from 'vitest'
import { UsageError } from '../errors.js'
import { planJobs } from './job-plan.js'
import type { OptionNames, PlanRequest } from './request.js'

const names = Object.fromEntries(
  [
    'vmPaths',
    'jobFile',
    'outputPath',
    'vcenterServer',
    'vcenterUsername',
    'vcenterPassword',
    'exportMethod',
    'format',
    'datacenter',
  ].map((key) => [key, `input ${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`]),
) as OptionNames
const vcenter = { server: 'vc.example.com', username: 'u', password: 'pw-secret' }

function request(over: Partial<PlanRequest>): PlanRequest {
  return { names, cwd: '/work', defaults: { outputPath: '/exports', vcenter }, ...over }
}

async function refusal(over: Partial<PlanRequest>): Promise<UsageError> {
  const error = await planJobs(request(over)).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(UsageError)
  return error as UsageError
}

describe('planJobs', () => {
  it('makes web jobs with absolute output paths and the vCenter connection', async () => {
    const plan = await planJobs(request({ vmPaths: ['/DC/vm/a'], defaults: { outputPath: 'out', vcenter } }))
    expect(plan.jobs).toEqual([{ vmPath: '/DC/vm/a', outputPath: '/work/out', exportMethod: 'web', vcenter }])
  })

  it('refuses two VMs of the same name in one output directory, naming both paths and the fix', async () => {
    const error = await refusal({ vmPaths: ['/DC/vm/a/web', '/DC/vm/b/web'] })
    expect(error.message).toContain(
      '/DC/vm/a/web and /DC/vm/b/web would both be exported to /exports/web.ovf',
    )
    expect(error.message).toContain('{name} in input output-path')
  })

  it('gives each VM its own directory with {name}, so the same names no longer clash', async () => {
    const plan = await planJobs(
      request({
        vmPaths: ['/DC/vm/a/web', '/DC/vm/b/db'],
        defaults: { outputPath: '/exports/{name}', vcenter },
      }),
    )
    expect(plan.jobs.map((j) => j.outputPath)).toEqual(['/exports/web', '/exports/db'])
    const clash = await refusal({
      vmPaths: ['/DC/vm/a/web', '/DC/vm/b/web'],
      defaults: { outputPath: '/e/{name}', vcenter },
    })
    expect(clash.message).toContain('/e/web/web.ovf')
  })

  it('keeps {name} inside the output path for a VM named ..', async () => {
    const plan = await planJobs(
      request({ vmPaths: ['/DC/vm/..'], defaults: { outputPath: '/e/{name}', vcenter } }),
    )
    expect(plan.jobs[0]!.outputPath).toBe('/e/_..')
  })

  it('refuses two jobs of a job file with the same id, naming both VM paths', async () => {
    const error = await refusal({
      jobFile: {
        jobs: [
          { vmPath: '/DC/vm/a', id: 'x' },
          { vmPath: '/DC/vm/b', id: 'x' },
        ],
        warnings: [],
      },
    })
    expect(error.message).toContain('/DC/vm/a and /DC/vm/b have the same job ID x')
  })

  it('names every problem at once', async () => {
    const error = await refusal({
      jobFile: {
        jobs: [
          { vmPath: '/DC/vm/a', exportMethod: 'scp' as never },
          { vmPath: '/DC/vm/b', vcenter: { server: 's' } },
        ],
        warnings: [],
      },
      defaults: { outputPath: '/o' },
    })
    expect(error.message.split('\n')).toEqual([
      'job 1 (/DC/vm/a): export method "scp" is not one of web, govc, ovftool, ctl',
      'job 2 (/DC/vm/b): the vCenter connection is incomplete: give input vcenter-username',
    ])
  })

  it('lets a job file value win over an option, naming both values but never a password', async () => {
    const plan = await planJobs(
      request({
        jobFile: {
          jobs: [
            { vmPath: '/DC/vm/a', exportMethod: 'govc', outputPath: '/f', vcenter: { password: 'file-pw' } },
          ],
          warnings: ['w'],
        },
        defaults: { outputPath: '/o', exportMethod: 'web', vcenter },
      }),
    )
    expect(plan.jobs[0]).toMatchObject({
      exportMethod: 'govc',
      outputPath: '/f',
      vcenter: { password: 'file-pw' },
    })
    expect(plan.notices).toEqual([
      '/DC/vm/a: the job file\'s output_path "/f" wins over input output-path "/o"',
      '/DC/vm/a: the job file\'s export_method "govc" wins over input export-method "web"',
      "/DC/vm/a: the job file's vcenter.password wins over input vcenter-password",
    ])
    expect(plan.warnings).toEqual(['input job-file: w'])
  })

  it('asks for a missing password once for every job of one vCenter user', async () => {
    const asked: string[] = []
    const plan = await planJobs(
      request({
        vmPaths: ['/DC/vm/a', '/DC/vm/b'],
        defaults: { outputPath: '/o', vcenter: { server: 'vc', username: 'u' } },
        askPassword: async (label) => {
          asked.push(label)
          return 'typed'
        },
      }),
    )
    expect(asked).toEqual(['u@vc'])
    expect(plan.jobs.map((j) => j.vcenter?.password)).toEqual(['typed', 'typed'])
  })

  it('warns instead of refusing when no vCenter connection is given', async () => {
    const plan = await planJobs(request({ vmPaths: ['/DC/vm/a'], defaults: { outputPath: '/o' } }))
    expect(plan.warnings.join('\n')).toContain('no vCenter connection was given')
  })
})
