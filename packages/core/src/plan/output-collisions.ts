import { join } from 'node:path'
import type { JobSpec } from '../types.js'

export const NAME_TEMPLATE = '{name}'

/** The VM's name as the exporters name its files (`<output>/<name>.ovf`): the last inventory path element. */
export function vmName(vmPath: string): string {
  return (
    vmPath
      .split('/')
      .filter((p) => p !== '')
      .at(-1) ?? vmPath
  )
}

/** `{name}` in an output path, replaced by a directory name made from the VM's name. */
export function expandOutputPath(outputPath: string, vmPath: string): string {
  if (!outputPath.includes(NAME_TEMPLATE)) return outputPath
  // why: a VM name may hold '/' or be '..'; the directory must stay inside the given path
  const cleaned = vmName(vmPath).replace(/[/\\\u0000]/g, '_')
  const dir = cleaned === '.' || cleaned === '..' || cleaned === '' ? `_${cleaned}` : cleaned
  return outputPath.replaceAll(NAME_TEMPLATE, dir)
}

/**
 * Two jobs whose files would land in the same place: the same output directory and the same VM name (one
 * export overwrites the other), or the same job ID. One sentence per clash, naming both VM paths.
 */
export function outputCollisions(jobs: readonly JobSpec[], outputOption: string): string[] {
  const problems: string[] = []
  const byFile = new Map<string, string>()
  const byId = new Map<string, string>()
  for (const job of jobs) {
    const file = join(job.outputPath, vmName(job.vmPath))
    const other = byFile.get(file)
    if (other !== undefined) {
      problems.push(
        `${other} and ${job.vmPath} would both be exported to ${file}.ovf, one overwriting the other: give each its own output path, or put ${NAME_TEMPLATE} in ${outputOption} (e.g. /exports/${NAME_TEMPLATE}) so each VM gets its own directory`,
      )
    } else {
      byFile.set(file, job.vmPath)
    }
    if (job.id === undefined) continue
    const sameId = byId.get(job.id)
    if (sameId !== undefined) {
      problems.push(`${sameId} and ${job.vmPath} have the same job ID ${job.id}: give each job its own id`)
    } else {
      byId.set(job.id, job.vmPath)
    }
  }
  return problems
}
