import { isAbsolute, join, resolve } from 'node:path'
import { text as readText } from 'node:stream/consumers'
import {
  type JobFileContents,
  type JobFileJob,
  type JobSpec,
  parseJobFile,
  readJobFile,
  UsageError,
  type VCenterConnection,
  vcenterHost,
} from '@hyperctl-export/core'
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
}

export interface JobInput {
  jobs: JobSpec[]
  /** Things changed on the way in (a URL cut to its host). */
  notices: string[]
  /** Things that will not do what the options suggest. */
  warnings: string[]
}

const NO_PASSWORD_HINT = `Set ${PASSWORD_ENV} (there is no flag for it: it would stay in shell history), or run on a terminal to be asked.`

/**
 * The jobs of `export`/`submit`: from VM paths and the flags, or from a job file whose gaps the flags fill
 * (the file wins where it says something). Asks for the vCenter password at most once.
 */
export async function buildJobs(
  vmPaths: readonly string[],
  settings: JobSettings,
  ctx: JobInputContext,
): Promise<JobInput> {
  const notices: string[] = []
  const warnings: string[] = []
  if (vmPaths.length > 0 && settings.jobFile !== undefined) {
    throw new UsageError(
      'give VM paths or --job-file, not both',
      'Put every VM in the job file, or drop --job-file.',
    )
  }
  if (vmPaths.length === 0 && settings.jobFile === undefined) {
    throw new UsageError(
      'nothing to export: give one or more VM paths, or --job-file',
      'e.g. hyperctl-export export /DC/vm/web-01 --output /exports/web-01',
    )
  }

  let server: string | undefined
  if (settings.vcenterServer !== undefined) {
    const host = vcenterHost(settings.vcenterServer)
    server = host.server
    if (host.notice) notices.push(host.notice)
  }

  let entries: JobFileJob[]
  if (settings.jobFile !== undefined) {
    const file = await loadJobFile(settings.jobFile, ctx)
    warnings.push(...file.warnings)
    entries = file.jobs
  } else {
    if (settings.output === undefined) {
      throw new UsageError(
        '--output is required with VM paths',
        'Give the output directory on the daemon machine, e.g. --output /exports.',
      )
    }
    entries = vmPaths.map((vmPath) => {
      if (vmPath.trim() === '') throw new UsageError('a VM path is empty')
      return { vmPath }
    })
  }

  const lacking = entries.filter((e) => e.outputPath === undefined)
  const names = new Map<string, string>()
  let password: string | undefined
  const jobs: JobSpec[] = []
  for (const [index, entry] of entries.entries()) {
    const where = entries.length > 1 ? `job ${index + 1} (${entry.vmPath})` : entry.vmPath
    let outputPath = entry.outputPath
    if (outputPath === undefined) {
      if (settings.output === undefined) {
        throw new UsageError(`${where} has no output_path`, 'Give output_path in the job file, or --output.')
      }
      // why: several VMs in one directory could overwrite each other's files; each gets its own
      if (lacking.length > 1) {
        const dir = safeDirName(entry.name ?? lastSegment(entry.vmPath))
        const other = names.get(dir)
        if (other !== undefined) {
          throw new UsageError(
            `${other} and ${entry.vmPath} would both be exported to ${join(settings.output, dir)}`,
            'Export them separately, or give each its own output_path in a job file.',
          )
        }
        names.set(dir, entry.vmPath)
        outputPath = join(settings.output, dir)
      } else {
        outputPath = settings.output
      }
    }

    const { vcenter: _partial, outputPath: _given, ...rest } = entry
    const job: JobSpec = {
      ...rest,
      outputPath: isAbsolute(outputPath) ? outputPath : resolve(ctx.cwd, outputPath),
    }
    const vcenter = {
      server: entry.vcenter?.server ?? server,
      username: entry.vcenter?.username ?? settings.vcenterUsername,
      password: entry.vcenter?.password,
      insecure: entry.vcenter?.insecure ?? (settings.vcenterInsecure ? true : undefined),
    }
    if (vcenter.password) ctx.addSecret(vcenter.password)
    if (vcenter.server !== undefined || vcenter.username !== undefined || vcenter.password !== undefined) {
      if (vcenter.server === undefined) {
        throw new UsageError(
          `${where}: the vCenter server is missing`,
          'Give --vcenter-server (or vcenter.server in the job file).',
        )
      }
      if (vcenter.username === undefined) {
        throw new UsageError(
          `${where}: the vCenter username is missing`,
          'Give --vcenter-username (or vcenter.username in the job file).',
        )
      }
      if (vcenter.password === undefined) {
        password ??= await findPassword(`${vcenter.username}@${vcenter.server}`, ctx)
        vcenter.password = password
      }
      job.vcenter = {
        server: vcenter.server,
        username: vcenter.username,
        password: vcenter.password,
        ...(vcenter.insecure === undefined ? {} : { insecure: vcenter.insecure }),
      } satisfies VCenterConnection
    }
    fillGaps(job, settings)
    jobs.push(job)
  }

  if (jobs.some((j) => j.vcenter === undefined)) {
    warnings.push(
      'no vCenter connection was given: a stock hypervisord fails such a job at once ("vcenter server is required"); give --vcenter-server and --vcenter-username',
    )
  }
  const methods = new Set(jobs.map((j) => j.exportMethod ?? 'web'))
  if (methods.has('ctl')) {
    warnings.push(
      'export method ctl runs `hyperctl export`, which hyperctl does not have: every ctl export fails; use web',
    )
  }
  if (methods.has('ctl') || methods.has('ovftool')) {
    warnings.push(
      'export methods ctl and ovftool put the vCenter password on a command line on the daemon machine',
    )
  }
  return { jobs, notices, warnings }
}

async function loadJobFile(path: string, ctx: JobInputContext): Promise<JobFileContents> {
  if (path === '-') return parseJobFile(await readText(ctx.stdin), { source: 'the job file on stdin' })
  return readJobFile(isAbsolute(path) ? path : resolve(ctx.cwd, path))
}

async function findPassword(label: string, ctx: JobInputContext): Promise<string> {
  const fromEnv = ctx.env[PASSWORD_ENV]
  if (fromEnv) {
    ctx.addSecret(fromEnv)
    return fromEnv
  }
  const typed = await ctx.askPassword(label)
  if (typed === undefined) {
    throw new UsageError(`no vCenter password for ${label}`, NO_PASSWORD_HINT)
  }
  if (typed === '') throw new UsageError(`the vCenter password for ${label} is empty`, NO_PASSWORD_HINT)
  ctx.addSecret(typed)
  return typed
}

/** The flags fill what the job (from a file) leaves unsaid; a file's own value wins. */
function fillGaps(job: JobSpec, settings: JobSettings): void {
  if (job.exportMethod === undefined && settings.exportMethod !== undefined)
    job.exportMethod = settings.exportMethod
  if (job.format === undefined && settings.format !== undefined) job.format = settings.format
  if (job.datacenter === undefined && settings.datacenter !== undefined) job.datacenter = settings.datacenter
  if (job.compress === undefined && settings.compress) job.compress = true
  if (job.thin === undefined && settings.thin) job.thin = true
  const options = { ...job.options }
  if (options.parallelDownloads === undefined && settings.parallelDownloads !== undefined) {
    options.parallelDownloads = settings.parallelDownloads
  }
  if (options.removeCdrom === undefined && settings.removeCdrom) options.removeCdrom = true
  if (Object.keys(options).length > 0) job.options = options
}

function lastSegment(vmPath: string): string {
  return (
    vmPath
      .split('/')
      .filter((p) => p !== '')
      .at(-1) ?? vmPath
  )
}

function safeDirName(name: string): string {
  // why: a VM name may hold '/' or be '..'; the directory must stay inside --output
  const cleaned = name.replace(/[/\\\u0000]/g, '_')
  return cleaned === '.' || cleaned === '..' || cleaned === '' ? `_${cleaned}` : cleaned
}
