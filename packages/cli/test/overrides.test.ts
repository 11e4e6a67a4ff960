import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './support/cli-process.js'
import { startDaemon, type TestDaemon, VC_PASSWORD, vcenterArgs } from './support/sim.js'

let daemon: TestDaemon
let jobFile: string
let fromFile: string
beforeAll(async () => {
  daemon = await startDaemon()
  fromFile = join(daemon.out, 'from-file')
  jobFile = join(daemon.out, 'nightly.yaml')
  await writeFile(
    jobFile,
    `jobs:\n  - vm_path: /DC/vm/a\n    output_path: ${JSON.stringify(fromFile)}\n    export_method: govc\n`,
  )
})
afterAll(async () => {
  await daemon.stop()
})

describe("a job file's value over an option", () => {
  it('is used, with a note naming the file value and the flag value it won over', async () => {
    const fromFlag = join(daemon.out, 'from-flag')
    const result = await runCli(
      [
        'submit',
        '--job-file',
        jobFile,
        '-o',
        fromFlag,
        '--export-method',
        'web',
        '--daemon-url',
        daemon.url,
        ...vcenterArgs(),
      ],
      { HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD },
    )
    expect(result.code, result.stderr).toBe(0)
    const notes = result.stderr.split('\n').filter((l) => l.startsWith('note: '))
    expect(notes).toEqual([
      `note: /DC/vm/a: the job file's output_path ${JSON.stringify(fromFile)} wins over --output ${JSON.stringify(fromFlag)}`,
      `note: /DC/vm/a: the job file's export_method "govc" wins over --export-method "web"`,
    ])
    const [job] = daemon.sim.control.jobs().slice(-1)
    expect(job!.definition).toMatchObject({ output_path: fromFile, export_method: 'govc' })
  })

  it('names the variable when the value it won over came from one', async () => {
    const fromEnv = join(daemon.out, 'from-env')
    const result = await runCli(
      ['submit', '--job-file', jobFile, '--daemon-url', daemon.url, ...vcenterArgs()],
      {
        HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD,
        HYPERCTL_EXPORT_OUTPUT: fromEnv,
      },
    )
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toContain(
      `note: /DC/vm/a: the job file's output_path ${JSON.stringify(fromFile)} wins over HYPERCTL_EXPORT_OUTPUT ${JSON.stringify(fromEnv)}`,
    )
    // the default method is no choice of the user's: the file's method needs no note
    expect(result.stderr).not.toContain('export_method')
  })

  it('says nothing when the two agree', async () => {
    const result = await runCli(
      ['submit', '--job-file', jobFile, '-o', fromFile, '--daemon-url', daemon.url, ...vcenterArgs()],
      { HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD },
    )
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).not.toContain('note:')
  })
})
