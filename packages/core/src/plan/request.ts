import type { JobFileContents } from '../jobs/job-file.js'
import type { JobSpec, VCenterConnection } from '../types.js'

/** The options a face collects for the jobs; each face names them its own way in messages. */
export type PlanOption =
  | 'vmPaths'
  | 'jobFile'
  | 'outputPath'
  | 'vcenterServer'
  | 'vcenterUsername'
  | 'vcenterPassword'
  | 'exportMethod'
  | 'format'
  | 'datacenter'

/** How a face calls each option in a message: `input output-path`, `--output`. */
export type OptionNames = Record<PlanOption, string>

/** What the options give every job; a job file's own value wins over these. */
export interface PlanDefaults
  extends Pick<JobSpec, 'exportMethod' | 'format' | 'datacenter' | 'compress' | 'thin' | 'options'> {
  /** May hold `{name}`, replaced by each VM's name. */
  outputPath?: string
  vcenter?: Partial<VCenterConnection>
}

/** What a face collected: bare VM paths or a job file (already read), and the options. */
export interface PlanRequest {
  vmPaths?: readonly string[]
  /** The job file's contents, or how to read them (read only once the request is known to be consistent). */
  jobFile?: JobFileContents | (() => Promise<JobFileContents>)
  defaults: PlanDefaults
  /** Relative output paths are made absolute against this: the daemon would use its own directory. */
  cwd: string
  names: OptionNames
  /** Asked once for a vCenter password no option or job gives; undefined when the face cannot ask. */
  askPassword?: (label: string) => Promise<string | undefined>
  /** Told every secret as soon as it is known (a password from a job file or the prompt). */
  addSecret?: (secret: string) => void
}

export interface JobPlan {
  jobs: JobSpec[]
  /** Things changed or decided on the way in, one sentence each (a URL cut to its host, a value that won). */
  notices: string[]
  /** Things that will not do what the options suggest, one sentence each. */
  warnings: string[]
}
