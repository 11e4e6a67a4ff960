import { join } from 'node:path'
import { type CliResult, startCli } from './cli-process.js'
import { type TestDaemon, vcenterArgs } from './sim.js'

/**
 * Runs `export <vmPath>` (with `connection` flags and `extra`), fails its job on the daemon with `error` as
 * soon as it was submitted, and returns the job ID and how the CLI ended.
 */
export async function exportThenFail(
  daemon: TestDaemon,
  options: { vmPath: string; out: string; error: string; connection: string[]; extra?: string[] },
  env: NodeJS.ProcessEnv,
): Promise<{ id: string; result: CliResult }> {
  const run = startCli(
    ['export', options.vmPath, '-o', join(daemon.out, options.out), ...options.connection, ...vcenterArgs()]
      .concat(['--poll-interval', '20ms'])
      .concat(options.extra ?? []),
    env,
  )
  const [, id] = await run.waitForStderr(/submitted as job (\S+)/)
  daemon.sim.control.failJob(id!, options.error)
  return { id: id!, result: await run.done }
}
