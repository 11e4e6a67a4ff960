import { isAbsolute, resolve } from 'node:path'
import { UsageError } from '../errors.js'
import { assertValidJobId } from '../jobs/job-definition.js'
import type { JobFileJob } from '../jobs/job-file.js'
import { vcenterHost } from '../jobs/vcenter-host.js'
import { EXPORT_METHODS, type JobSpec, type VCenterConnection } from '../types.js'
import { expandOutputPath, outputCollisions } from './output-collisions.js'
import type { JobPlan, OptionNames, PlanDefaults, PlanOption, PlanRequest } from './request.js'

/**
 * Turns what a face collected into the jobs to submit, or a UsageError naming every problem at once. A job
 * file and bare VM paths go through the same steps: the options fill what a job leaves out (a job's own
 * value wins, with a notice naming both), output paths are made absolute and `{name}` expanded, the vCenter
 * connection is completed (asking for the password once), and two jobs that would write the same files
 * are refused before anything is submitted.
 */
export async function planJobs(request: PlanRequest): Promise<JobPlan> {
  const { names } = request
  const notices: string[] = []
  const problems: string[] = []
  const vmPaths = request.vmPaths ?? []
  if (vmPaths.length > 0 && request.jobFile) {
    throw new UsageError(`give ${names.vmPaths} or ${names.jobFile}, not both`, HINT)
  }
  if (vmPaths.length === 0 && !request.jobFile) {
    throw new UsageError(`nothing to export: give ${names.vmPaths} or ${names.jobFile}`, HINT)
  }
  const defaults = { ...request.defaults }
  const known = new Set<string>()
  const tell = (secret: string) => {
    if (!known.has(secret)) request.addSecret?.(secret)
    known.add(secret)
  }
  if (defaults.vcenter?.server !== undefined) {
    const host = vcenterHost(defaults.vcenter.server)
    defaults.vcenter = { ...defaults.vcenter, server: host.server }
    if (host.notice) notices.push(`${names.vcenterServer}: ${host.notice}`)
  }
  const jobFile = typeof request.jobFile === 'function' ? await request.jobFile() : request.jobFile
  const warnings = (jobFile?.warnings ?? []).map((w) => `${names.jobFile}: ${w}`)
  const fromFile = jobFile !== undefined
  const entries: JobFileJob[] = jobFile?.jobs ?? vmPaths.map((vmPath) => ({ vmPath }))
  const passwords = new Map<string, string | undefined>()
  const jobs: JobSpec[] = []
  for (const [index, entry] of entries.entries()) {
    const where = entries.length > 1 ? `job ${index + 1} (${entry.vmPath})` : entry.vmPath || 'the job'
    if (entry.vmPath.trim() === '') {
      problems.push(`${where}: the VM path is empty`)
      continue
    }
    if (fromFile) notices.push(...valuesThatWin(entry, defaults, names, where))
    const outputPath = entry.outputPath ?? defaults.outputPath
    if (outputPath === undefined || outputPath.trim() === '') {
      problems.push(
        `${where} has no output path: give ${names.outputPath}${fromFile ? ' or output_path in the job file' : ''}`,
      )
      continue
    }
    const vcenter = await completeVcenter(entry, defaults, request, where, { passwords, tell, problems })
    const job: JobSpec = {
      vmPath: entry.vmPath,
      outputPath: absolute(expandOutputPath(outputPath, entry.vmPath), request.cwd),
      exportMethod: entry.exportMethod ?? defaults.exportMethod ?? 'web',
      ...(vcenter ? { vcenter } : {}),
    }
    if (!EXPORT_METHODS.includes(job.exportMethod!)) {
      problems.push(
        `${where}: export method ${JSON.stringify(job.exportMethod)} is not one of ${EXPORT_METHODS.join(', ')}`,
      )
    }
    if (entry.id !== undefined) {
      try {
        assertValidJobId(entry.id)
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`)
      }
    }
    assign(job, 'id', entry.id)
    assign(job, 'name', entry.name)
    assign(job, 'format', entry.format ?? defaults.format)
    assign(job, 'datacenter', entry.datacenter ?? defaults.datacenter)
    assign(job, 'compress', entry.compress ?? defaults.compress)
    assign(job, 'thin', entry.thin ?? defaults.thin)
    const keys = new Set([...Object.keys(defaults.options ?? {}), ...Object.keys(entry.options ?? {})])
    const options = Object.fromEntries(
      [...keys]
        .map((k) => [k, entry.options?.[k as OptionKey] ?? defaults.options?.[k as OptionKey]])
        .filter(([, v]) => v !== undefined),
    )
    if (Object.keys(options).length > 0) job.options = options
    jobs.push(job)
  }
  problems.push(...outputCollisions(jobs, names.outputPath))
  if (problems.length > 0) throw new UsageError(problems.join('\n'), HINT)
  warnings.push(...methodWarnings(jobs))
  if (jobs.some((j) => j.vcenter === undefined)) {
    warnings.push(
      `no vCenter connection was given: a stock hypervisord fails such a job at once ("vcenter server is required"); give ${names.vcenterServer}, ${names.vcenterUsername} and ${names.vcenterPassword}`,
    )
  }
  return { jobs, notices, warnings }
}

type OptionKey = keyof NonNullable<PlanDefaults['options']>

const HINT = 'Fix what is named above; nothing was submitted.'

/** The vCenter connection of a job: the job's fields, then the options', then one password asked for. */
async function completeVcenter(
  entry: JobFileJob,
  defaults: PlanDefaults,
  request: PlanRequest,
  where: string,
  run: { passwords: Map<string, string | undefined>; tell: (secret: string) => void; problems: string[] },
): Promise<VCenterConnection | undefined> {
  const { names } = request
  const server = entry.vcenter?.server ?? defaults.vcenter?.server
  const username = entry.vcenter?.username ?? defaults.vcenter?.username
  let password = entry.vcenter?.password ?? defaults.vcenter?.password
  const insecure = entry.vcenter?.insecure ?? defaults.vcenter?.insecure
  const { passwords, problems } = run
  if (password) run.tell(password)
  if (server === undefined && username === undefined && password === undefined) return undefined
  const missing = [...(server ? [] : [names.vcenterServer]), ...(username ? [] : [names.vcenterUsername])]
  if (missing.length > 0) {
    problems.push(`${where}: the vCenter connection is incomplete: give ${missing.join(' and ')}`)
    return undefined
  }
  if (!password) {
    const label = `${username}@${server}`
    if (!passwords.has(label)) passwords.set(label, await request.askPassword?.(label))
    password = passwords.get(label)
    if (!password) {
      problems.push(`${where}: no vCenter password for ${label}: give ${names.vcenterPassword}`)
      return undefined
    }
    run.tell(password)
  }
  return { server: server!, username: username!, password, ...(insecure === undefined ? {} : { insecure }) }
}

const WINNING: ReadonlyArray<[PlanOption, (j: JobFileJob) => unknown, (d: PlanDefaults) => unknown, string]> =
  [
    ['outputPath', (j) => j.outputPath, (d) => d.outputPath, 'output_path'],
    ['exportMethod', (j) => j.exportMethod, (d) => d.exportMethod, 'export_method'],
    ['format', (j) => j.format, (d) => d.format, 'format'],
    ['datacenter', (j) => j.datacenter, (d) => d.datacenter, 'datacenter'],
    ['vcenterServer', (j) => j.vcenter?.server, (d) => d.vcenter?.server, 'vcenter.server'],
    ['vcenterUsername', (j) => j.vcenter?.username, (d) => d.vcenter?.username, 'vcenter.username'],
  ]

/** A job file's value that differs from an option's: the file wins, and both values are named. */
function valuesThatWin(
  entry: JobFileJob,
  defaults: PlanDefaults,
  names: OptionNames,
  where: string,
): string[] {
  const notices: string[] = []
  for (const [option, fromJob, fromOption, field] of WINNING) {
    const mine = fromJob(entry)
    const theirs = fromOption(defaults)
    if (mine === undefined || theirs === undefined || mine === theirs) continue
    notices.push(
      `${where}: the job file's ${field} ${JSON.stringify(mine)} wins over ${names[option]} ${JSON.stringify(theirs)}`,
    )
  }
  // why: a password is never echoed, only the fact that the file's one is used
  if (
    entry.vcenter?.password &&
    defaults.vcenter?.password &&
    entry.vcenter.password !== defaults.vcenter.password
  ) {
    notices.push(`${where}: the job file's vcenter.password wins over ${names.vcenterPassword}`)
  }
  return notices
}

function methodWarnings(jobs: readonly JobSpec[]): string[] {
  const methods = new Set(jobs.map((j) => j.exportMethod))
  const warnings: string[] = []
  if (methods.has('ctl')) {
    warnings.push(
      'export method ctl runs `hyperctl export`, which hyperctl does not have: every ctl export fails; use web',
    )
  }
  if (methods.has('ctl') || methods.has('ovftool')) {
    warnings.push(
      'export methods ctl and ovftool put the vCenter password on a command line on the daemon machine; prefer web',
    )
  }
  return warnings
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path)
}

function assign<K extends keyof JobSpec>(job: JobSpec, key: K, value: JobSpec[K] | undefined): void {
  if (value !== undefined) job[key] = value
}
