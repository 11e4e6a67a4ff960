import { execFile } from 'node:child_process'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify, stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, runCli } from './support/cli-process.js'
import { startDaemon, type TestDaemon, VC_PASSWORD, vcenterArgs } from './support/sim.js'
import { onPty, shellQuote } from './support/terminal.js'

let dir: string
let script: string
/** PATH with `hyperctl-export` on it (the built bin), as after an install. */
let path: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-completion-tty-'))
  const bin = join(dir, 'bin')
  await mkdir(bin)
  await writeFile(
    join(bin, 'hyperctl-export'),
    `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(BIN)} "$@"\n`,
  )
  await chmod(join(bin, 'hyperctl-export'), 0o755)
  path = `${bin}:${process.env.PATH}`
  const printed = await runCli(['completion', 'bash'])
  expect(printed.code).toBe(0)
  script = join(dir, 'completion.bash')
  await writeFile(script, printed.stdout)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/**
 * What the completion function offers for `line` (the cursor at its end), in an interactive bash. Not
 * spawnSync: the simulator answering `jobs` runs in this process.
 */
async function offers(line: string, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const words = line.split(' ')
  const driver = [
    `source ${shellQuote(script)}`,
    `COMP_WORDS=(${words.map(shellQuote).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    `COMP_LINE=${shellQuote(line)}`,
    // the function bash calls on TAB for this command, as `complete -p` names it
    `$(complete -p hyperctl-export | sed -E 's/.* -F ([^ ]+) .*/\\1/')`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash text
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n')
  const run = await promisify(execFile)('bash', ['-i', '-c', driver], {
    encoding: 'utf8',
    env: { PATH: path, HOME: dir, ...env },
    timeout: 15_000,
  })
  return run.stdout.split('\n').filter((w) => w !== '')
}

describe('hyperctl-export completion bash, typed on a terminal', () => {
  it('turns `hyperctl-export ex<TAB>` into `hyperctl-export export` in an interactive bash', async () => {
    const rc = join(dir, 'bashrc')
    await writeFile(rc, `PS1='$ '\nsource ${shellQuote(script)}\n`)
    const bash = onPty(['bash', '--noprofile', '--rcfile', rc, '-i'], { PATH: path, HOME: dir })
    await bash.until((text) => text.includes('$ '), 'the prompt')
    // TAB completes the word; Ctrl-A and `echo ` then print the completed line instead of running it
    bash.type('hyperctl-export ex\t')
    await bash.until((text) => text.includes('hyperctl-export export'), 'the completed word')
    bash.type('\x01echo completed: \r')
    const line = await bash.until(
      (text) => /^completed: (.*)$/m.exec(stripVTControlCharacters(text).replaceAll('\r', ''))?.[1],
      'the echoed line',
    )
    expect(line.trim()).toBe('hyperctl-export export')
    bash.type('exit\r')
    expect((await bash.done).code).toBe(0)
  })
})

describe('completion of job IDs', () => {
  let daemon: TestDaemon
  let ids: string[]
  beforeAll(async () => {
    daemon = await startDaemon()
    const submitted = await runCli(
      ['submit', '/DC/vm/a', '/DC/vm/b', '-o', daemon.out, '--daemon-url', daemon.url, ...vcenterArgs()],
      { HYPERCTL_EXPORT_VCENTER_PASSWORD: VC_PASSWORD },
    )
    ids = submitted.stdout.trim().split('\n')
    expect(ids).toHaveLength(2)
  })
  afterAll(async () => {
    await daemon.stop()
  })

  it('offers the IDs of the jobs on the daemon for wait, job and cancel, from `jobs` on the daemon the environment names', async () => {
    // why: a TAB waits 1s by default; a machine busy with other tests may take longer to start the CLI
    const env = { HYPERCTL_EXPORT_DAEMON_URL: daemon.url, HYPERCTL_EXPORT_COMPLETION_TIMEOUT: '15s' }
    expect((await offers('hyperctl-export wait ', env)).sort()).toEqual([...ids].sort())
    expect(await offers(`hyperctl-export job ${ids[1]!.slice(0, 8)}`, env)).toEqual([ids[1]])
    expect(await offers('hyperctl-export cancel x', env)).toEqual([])
  })

  it('offers none, and returns, when the daemon cannot be reached', async () => {
    const started = Date.now()
    expect(
      await offers('hyperctl-export wait ', { HYPERCTL_EXPORT_DAEMON_URL: 'http://127.0.0.1:9' }),
    ).toEqual([])
    expect(Date.now() - started).toBeLessThan(10_000)
  })
})
