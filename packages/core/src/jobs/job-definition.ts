import { randomUUID } from 'node:crypto'
import { isAbsolute, resolve } from 'node:path'
import { UsageError } from '../errors.js'
import { EXPORT_METHODS, type ExportMethod, type ExportOptions, type JobSpec } from '../types.js'

/** A JobSpec checked and completed: ID assigned, output path absolute, method chosen. */
export interface PreparedJob extends JobSpec {
  id: string
  name: string
  outputPath: string
  exportMethod: ExportMethod
}

// why: the daemon routes /jobs/{id} by path element and cuts IDs at '/', see docs/hyperctl.md#get-job
const JOB_ID = /^[A-Za-z0-9._-]{1,128}$/
const RESERVED_IDS = new Set(['submit', 'query', 'cancel', '.', '..'])

export function assertValidJobId(id: string): void {
  if (!JOB_ID.test(id) || RESERVED_IDS.has(id)) {
    throw new UsageError(
      `job ID ${JSON.stringify(id)} is not usable: IDs may hold only letters, digits, '.', '_' and '-' (1 to 128) and may not be submit, query or cancel`,
      'Choose another job ID.',
    )
  }
}

/** Validates and completes the jobs; throws UsageError naming the first problem. */
export function prepareJobs(jobs: readonly JobSpec[], cwd = process.cwd()): PreparedJob[] {
  if (jobs.length === 0) throw new UsageError('no job to submit', 'Give at least one VM path.')
  const seen = new Set<string>()
  return jobs.map((job, index) => {
    const where = jobs.length > 1 ? ` (job ${index + 1})` : ''
    if (typeof job.vmPath !== 'string' || job.vmPath.trim() === '') {
      throw new UsageError(
        `the VM path is empty${where}`,
        'Give the VM inventory path, e.g. /Datacenter/vm/web-01.',
      )
    }
    if (typeof job.outputPath !== 'string' || job.outputPath.trim() === '') {
      throw new UsageError(
        `the output path is empty${where}`,
        'Give the output directory on the daemon machine.',
      )
    }
    if (job.exportMethod !== undefined && !EXPORT_METHODS.includes(job.exportMethod)) {
      throw new UsageError(
        `export method ${JSON.stringify(job.exportMethod)} is not one of ${EXPORT_METHODS.join(', ')}${where}`,
      )
    }
    if (job.vcenter) {
      for (const field of ['server', 'username', 'password'] as const) {
        if (typeof job.vcenter[field] !== 'string' || job.vcenter[field] === '') {
          throw new UsageError(`the vCenter ${field} is empty${where}`, 'Give the full vCenter connection.')
        }
      }
    }
    const id = job.id ?? randomUUID()
    assertValidJobId(id)
    if (seen.has(id)) throw new UsageError(`job ID ${id} is used twice in one submission`)
    seen.add(id)
    return {
      ...job,
      id,
      name: job.name ?? baseName(job.vmPath),
      // why: the daemon resolves a relative path against its own working directory, not ours
      outputPath: isAbsolute(job.outputPath) ? job.outputPath : resolve(cwd, job.outputPath),
      exportMethod: job.exportMethod ?? 'web',
    }
  })
}

/** The daemon's JobDefinition (docs/hyperctl.md#job-files) for a prepared job; holds the vCenter password. */
export function toJobDefinition(job: PreparedJob): Record<string, unknown> {
  const definition: Record<string, unknown> = {
    id: job.id,
    name: job.name,
    vm_path: job.vmPath,
    output_path: job.outputPath,
    export_method: job.exportMethod,
  }
  if (job.vcenter) {
    definition.vcenter = {
      server: job.vcenter.server,
      username: job.vcenter.username,
      password: job.vcenter.password,
      insecure: job.vcenter.insecure ?? false,
    }
  }
  if (job.format !== undefined) definition.format = job.format
  if (job.datacenter !== undefined) definition.datacenter = job.datacenter
  if (job.compress !== undefined) definition.compress = job.compress
  if (job.thin !== undefined) definition.thin = job.thin
  const options = toSnakeOptions(job.options)
  if (options) definition.options = options
  return definition
}

const IGNORED_OPTION_NAMES: Record<keyof ExportOptions, string> = {
  parallelDownloads: 'parallel-downloads',
  removeCdrom: 'remove-cdrom',
  showIndividualProgress: 'show-individual-progress',
  enablePipeline: 'enable-pipeline',
  compressLevel: 'compress-level',
}

/**
 * Warnings for what the daemon stores but does not act on (docs/hyperctl.md#job-files, #defect-ignored-options);
 * we pass the values on but never claim an effect.
 */
export function ignoredOptionWarnings(job: JobSpec): string[] {
  const warnings: string[] = []
  for (const [key, value] of Object.entries(job.options ?? {})) {
    if (value === undefined) continue
    const label = IGNORED_OPTION_NAMES[key as keyof ExportOptions] ?? key
    warnings.push(`${label} was passed to hypervisord, but this hypervisord stores it without using it`)
  }
  if (job.datacenter !== undefined) {
    warnings.push('datacenter was passed to hypervisord, but its exporters do not read it')
  }
  const method = job.exportMethod ?? 'web'
  if (job.thin !== undefined && method !== 'ctl') {
    warnings.push(`thin is used only by the ctl export method, not by ${method}`)
  }
  if (job.compress !== undefined && method !== 'ctl' && method !== 'ovftool') {
    warnings.push(`compress is used only by the ctl and ovftool export methods, not by ${method}`)
  }
  return warnings
}

/** ignoredOptionWarnings, plus a warning for a job a stock hypervisord is known to fail (docs/hyperctl.md#stock-daemon-fails). */
export function jobWarnings(job: JobSpec): string[] {
  const warnings = ignoredOptionWarnings(job)
  if (!job.vcenter) {
    warnings.push(
      'this job has no vCenter connection: a stock hypervisord fails it with "vcenter server is required"',
    )
  }
  return warnings
}

function toSnakeOptions(options: ExportOptions | undefined): Record<string, unknown> | undefined {
  if (!options) return undefined
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue
    out[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value
  }
  return Object.keys(out).length > 0 ? out : undefined
}

function baseName(vmPath: string): string {
  const parts = vmPath.split('/').filter((p) => p !== '')
  return parts.at(-1) ?? vmPath
}
