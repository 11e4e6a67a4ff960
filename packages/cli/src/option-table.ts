import { EXPORT_METHODS, JOB_STATUSES } from '@hyperctl-export/core/vocabulary'

/** The help groups, in the order help prints them. */
export const OPTION_GROUPS = ['connection', 'export', 'waiting', 'output'] as const
export type OptionGroup = (typeof OPTION_GROUPS)[number]

export interface OptionSpec {
  /** The long name without dashes; also the key of the parsed values. */
  name: string
  short?: string
  /** The value placeholder (`url`); absent for a switch. */
  value?: string
  group: OptionGroup
  description: string
  /** What applies when neither the flag nor the environment says; shown in help and by `config`. */
  defaultText?: string
  /** Values the option accepts (a typo gets a suggestion); `list` when a comma-separated list of them. */
  choices?: readonly string[]
  list?: boolean
  /** Never printed (masked by `config`). */
  secret?: boolean
  /** Older variables read after HYPERCTL_EXPORT_<NAME>, in this order. */
  alsoEnv?: readonly string[]
}

export const TRANSPORTS = ['auto', 'cli', 'api'] as const

export const OPTIONS: readonly OptionSpec[] = [
  {
    name: 'daemon-url',
    value: 'url',
    group: 'connection',
    description: 'hypervisord URL',
    defaultText: 'http://localhost:8080',
    alsoEnv: ['HYPERVISORD_URL'],
  },
  {
    name: 'api-key',
    value: 'key',
    group: 'connection',
    description: 'hypervisord API key; prefer the environment (a flag stays in shell history)',
    secret: true,
    alsoEnv: ['HYPERVISORD_API_KEY'],
  },
  {
    name: 'hyperctl-path',
    value: 'path',
    group: 'connection',
    description: 'the hyperctl executable',
    defaultText: 'hyperctl on PATH',
    alsoEnv: ['HYPERCTL_PATH'],
  },
  {
    name: 'transport',
    value: 'mode',
    group: 'connection',
    description: 'hyperctl (cli) or the REST API (api); auto picks what can work',
    defaultText: 'auto',
    choices: TRANSPORTS,
  },
  {
    name: 'timeout',
    value: 'duration',
    group: 'connection',
    description:
      'give up after this long (90m, 1h30m): the whole wait, or each call for a command that does not wait',
  },
  {
    name: 'output',
    short: 'o',
    value: 'dir',
    group: 'export',
    description: 'output directory on the daemon machine (one subdirectory per VM when there are several)',
  },
  {
    name: 'job-file',
    value: 'file',
    group: 'export',
    description: 'jobs from a JSON/YAML job file (daemon field names; "-" reads stdin)',
  },
  {
    name: 'vcenter-server',
    value: 'host',
    group: 'export',
    description: 'vCenter host name (a URL is reduced to its host)',
  },
  {
    name: 'vcenter-username',
    value: 'user',
    group: 'export',
    description: 'vCenter user; the password comes from HYPERCTL_EXPORT_VCENTER_PASSWORD or a hidden prompt',
  },
  { name: 'vcenter-insecure', group: 'export', description: 'do not verify the vCenter TLS certificate' },
  {
    name: 'export-method',
    value: 'method',
    group: 'export',
    description: 'how the daemon exports; ctl is broken on a stock daemon',
    defaultText: 'web',
    choices: EXPORT_METHODS,
  },
  { name: 'format', value: 'format', group: 'export', description: 'export format', defaultText: 'ovf' },
  {
    name: 'datacenter',
    value: 'name',
    group: 'export',
    description: 'datacenter (stored by hypervisord, not used by its exporters)',
  },
  { name: 'compress', group: 'export', description: 'compress (the ctl and ovftool methods only)' },
  { name: 'thin', group: 'export', description: 'thin disks (the ctl method only)' },
  {
    name: 'parallel-downloads',
    value: 'n',
    group: 'export',
    description: 'parallel downloads (stored by hypervisord, not used)',
  },
  {
    name: 'remove-cdrom',
    group: 'export',
    description: 'remove CD-ROM devices (stored by hypervisord, not used)',
  },
  {
    name: 'idempotency-key',
    value: 'key',
    group: 'export',
    description: 'derive job IDs from this key: a rerun attaches to its jobs instead of exporting twice',
  },
  {
    name: 'poll-interval',
    value: 'duration',
    group: 'waiting',
    description: 'longest pause between status polls',
    defaultText: '5s',
  },
  {
    name: 'cancel-on-interrupt',
    group: 'waiting',
    description: 'on Ctrl-C (SIGINT) or SIGTERM, cancel the unfinished jobs before exiting 130',
  },
  {
    name: 'max-concurrent',
    value: 'n',
    group: 'waiting',
    description: 'at most this many of the jobs running on the daemon at once',
  },
  {
    name: 'fail-fast',
    group: 'waiting',
    description: 'after the first job that does not complete, submit no more',
  },
  {
    name: 'verify',
    value: 'mode',
    group: 'waiting',
    description:
      'check the files of each completed export where its directory is readable here (descriptor, sizes, manifest, SHA-256); required: fail where it is not',
    defaultText: 'auto',
    // why: core's VERIFY_MODES lives in inspect/, which help must not load; settings checks against it
    choices: ['auto', 'required', 'off'],
  },
  {
    name: 'checksums-file',
    group: 'waiting',
    description: 'write SHA256SUMS (sha256sum -c format) into each verified output directory',
  },
  {
    name: 'status',
    value: 'list',
    group: 'output',
    description: 'only jobs with these statuses (comma-separated)',
    choices: JOB_STATUSES,
    list: true,
  },
  { name: 'json', group: 'output', description: 'print one JSON document on stdout and nothing else there' },
  {
    name: 'quiet',
    short: 'q',
    group: 'output',
    description: 'no progress display and no notices (warnings and errors still go to stderr)',
  },
  {
    name: 'verbose',
    short: 'v',
    group: 'output',
    description: 'log each daemon request and each hyperctl command line to stderr',
  },
]

/** The variable that sets an option: HYPERCTL_EXPORT_ and the name in capitals, dashes as underscores. */
export function envName(option: Pick<OptionSpec, 'name'>): string {
  return `HYPERCTL_EXPORT_${option.name.toUpperCase().replaceAll('-', '_')}`
}

/** Every variable that sets the option, the first winning. */
export function envNames(option: OptionSpec): string[] {
  return [envName(option), ...(option.alsoEnv ?? [])]
}

export const PASSWORD_ENV = 'HYPERCTL_EXPORT_VCENTER_PASSWORD'

export function optionNamed(name: string): OptionSpec {
  const option = OPTIONS.find((o) => o.name === name)
  if (!option) throw new Error(`no option --${name}`)
  return option
}
