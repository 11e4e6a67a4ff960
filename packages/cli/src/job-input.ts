import { isAbsolute, resolve } from 'node:path'
import { text as readText } from 'node:stream/consumers'
import {
  type JobFileContents,
  type JobSpec,
  type OptionNames,
  parseJobFile,
  planJobs,
  readJobFile,
} from '@hyperctl-export/core'
import { sourceLabel, type ValueSource } from './option-sources.js'
import { PASSWORD_ENV } from './option-table.js'
import type { JobSettings } from './settings.js'

export interface JobInputContext {
  env: NodeJS.ProcessEnv
  cwd: string
  /** Read for `--job-file -`. */
  stdin: NodeJS.ReadableStream
  /** Asks for the vCenter password (a hidden prompt on a terminal); undefined when it cannot ask. */
  askPassword: (label: string) => Promise<string | undefined>
  /** Told every secret as soon as it is known, before anything else happens. */
  addSecret: (secret: string) => void
  /** Where each option came from, so a notice names the variable that set one rather than its flag. */
  sources?: Record<string, ValueSource>
}

export interface JobInput {
  jobs: JobSpec[]
  /** Things changed on the way in (a URL cut to its host). */
  notices: string[]
  /** Things that will not do what the options suggest. */
  warnings: string[]
}

/** Each option of core's plan as the command line spells it. */
const OPTION_NAMES: OptionNames = {
  vmPaths: 'VM paths',
  jobFile: '--job-file',
  outputPath: '--output',
  vcenterServer: '--vcenter-server',
  vcenterUsername: '--vcenter-username',
  // why: there is no flag for the password (it would stay in shell history); a terminal is asked
  vcenterPassword: PASSWORD_ENV,
  exportMethod: '--export-method',
  format: '--format',
  datacenter: '--datacenter',
}

/**
 * The jobs of `export`/`submit`: from VM paths or a job file, through core's plan (the file wins where it
 * says something). The vCenter password comes from the environment or a prompt, asked at most once.
 */
export async function buildJobs(
  vmPaths: readonly string[],
  settings: JobSettings,
  ctx: JobInputContext,
): Promise<JobInput> {
  const path = settings.jobFile
  return planJobs({
    vmPaths,
    ...(path !== undefined ? { jobFile: () => loadJobFile(path, ctx) } : {}),
    defaults: {
      outputPath: settings.output,
      vcenter: {
        server: settings.vcenterServer,
        username: settings.vcenterUsername,
        ...(settings.vcenterInsecure ? { insecure: true } : {}),
      },
      exportMethod: settings.exportMethod,
      format: settings.format,
      datacenter: settings.datacenter,
      compress: settings.compress,
      thin: settings.thin,
      options: { parallelDownloads: settings.parallelDownloads, removeCdrom: settings.removeCdrom },
    },
    cwd: ctx.cwd,
    names: namesBySource(ctx.sources),
    askPassword: (label) => findPassword(label, ctx),
    addSecret: ctx.addSecret,
  })
}

/** `--output`, or `HYPERCTL_EXPORT_OUTPUT` when that variable gave the value. */
function namesBySource(sources: Record<string, ValueSource> | undefined): OptionNames {
  if (!sources) return OPTION_NAMES
  const names = { ...OPTION_NAMES }
  for (const [key, name] of Object.entries(names) as [keyof OptionNames, string][]) {
    if (name.startsWith('--')) names[key] = sourceLabel(name.slice(2), sources[name.slice(2)])
  }
  return names
}

async function loadJobFile(path: string, ctx: JobInputContext): Promise<JobFileContents> {
  if (path === '-') return parseJobFile(await readText(ctx.stdin), { source: 'the job file on stdin' })
  return readJobFile(isAbsolute(path) ? path : resolve(ctx.cwd, path))
}

/** The password from the environment, else typed at a prompt; undefined when neither gives one. */
async function findPassword(label: string, ctx: JobInputContext): Promise<string | undefined> {
  const fromEnv = ctx.env[PASSWORD_ENV]
  if (fromEnv) return fromEnv
  const typed = await ctx.askPassword(label)
  return typed === '' ? undefined : typed
}
