import type { CommandContext } from './command-context.js'
import type { CommandName } from './command-table.js'

export type CommandRun = (ctx: CommandContext) => Promise<number>

/**
 * Loads a command's modules only when it runs, so `--version` and help do not load core. Kept apart
 * from the command table, which help and completion read, so that no command module imports its own loader.
 */
export const COMMAND_LOADERS: Record<CommandName, () => Promise<CommandRun>> = {
  export: async () => {
    const { runExport } = await import('./commands/export-command.js')
    return (ctx) => runExport(ctx, true)
  },
  submit: async () => {
    const { runExport } = await import('./commands/export-command.js')
    return (ctx) => runExport(ctx, false)
  },
  status: async () => (await import('./commands/status-command.js')).runStatus,
  jobs: async () => (await import('./commands/jobs-command.js')).runJobs,
  job: async () => (await import('./commands/job-command.js')).runJob,
  wait: async () => (await import('./commands/wait-command.js')).runWait,
  cancel: async () => (await import('./commands/cancel-command.js')).runCancel,
  doctor: async () => (await import('./commands/doctor-command.js')).runDoctor,
  config: async () => (await import('./commands/config-command.js')).runConfig,
  completion: async () => (await import('./commands/completion-command.js')).runCompletion,
  // why: help is answered by the command line reader before any command loads
  help: async () => async () => 0,
}
