import { JOB_SHAPE_OPTIONS } from '@hyperctl-export/core'
import { OPTIONS } from './option-table.js'

export const COMMAND_NAMES = [
  'export',
  'submit',
  'status',
  'jobs',
  'job',
  'wait',
  'cancel',
  'doctor',
  'config',
  'completion',
  'help',
] as const
export type CommandName = (typeof COMMAND_NAMES)[number]

export interface CommandSpec {
  name: CommandName
  /** The arguments after the name, as help shows them. */
  args: string
  description: string
  /** The long names of the options it reads, in help order within their groups. */
  options: readonly string[]
  examples: readonly string[]
  /** Positional arguments: at least `min`, at most `max`. */
  min: number
  max: number
  /** Values the first argument accepts (a typo gets a suggestion). */
  argChoices?: readonly string[]
}

const CONNECTION = ['daemon-url', 'api-key', 'hyperctl-path', 'transport', 'timeout']
const OUTPUT = ['json', 'quiet', 'verbose']
const JOB_SHAPE = [
  'output',
  'job-file',
  'vcenter-server',
  'vcenter-username',
  ...JOB_SHAPE_OPTIONS,
  'idempotency-key',
]

export const SHELLS = ['bash', 'zsh', 'fish'] as const

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'export',
    args: '[vm-path...]',
    description: 'Submit exports and wait for them, with live progress',
    options: [
      ...CONNECTION,
      ...JOB_SHAPE,
      'poll-interval',
      'cancel-on-interrupt',
      'max-concurrent',
      'fail-fast',
      'verify',
      'checksums-file',
      ...OUTPUT,
    ],
    min: 0,
    max: Number.POSITIVE_INFINITY,
    examples: [
      'HYPERCTL_EXPORT_VCENTER_PASSWORD=… hyperctl-export export /DC/vm/web-01 --output /exports/web-01 \\\n    --vcenter-server vcenter.example.com --vcenter-username exporter@vsphere.local',
      'hyperctl-export export --job-file nightly.yaml --idempotency-key nightly-2026-11-28 --timeout 2h',
      'hyperctl-export export /DC/vm/a /DC/vm/b -o /exports --json > result.json',
    ],
  },
  {
    name: 'submit',
    args: '[vm-path...]',
    description: 'Submit exports without waiting; prints one job ID per line',
    options: [...CONNECTION, ...JOB_SHAPE, ...OUTPUT],
    min: 0,
    max: Number.POSITIVE_INFINITY,
    examples: [
      'id=$(hyperctl-export submit /DC/vm/web-01 -o /exports/web-01 --vcenter-server vc --vcenter-username u)',
      'hyperctl-export submit --job-file jobs.json --json',
    ],
  },
  {
    name: 'status',
    args: '',
    description: "Show the daemon's version, uptime and job counts",
    options: [...CONNECTION, ...OUTPUT],
    min: 0,
    max: 0,
    examples: ['hyperctl-export status', 'hyperctl-export status --daemon-url http://exporter:8080 --json'],
  },
  {
    name: 'jobs',
    args: '',
    description: 'List the jobs on the daemon',
    options: [...CONNECTION, 'status', ...OUTPUT],
    min: 0,
    max: 0,
    examples: ['hyperctl-export jobs', 'hyperctl-export jobs --status running,failed --json'],
  },
  {
    name: 'job',
    args: '<id>',
    description: 'Show one job in full: definition (secrets redacted), progress, result, error',
    options: [...CONNECTION, ...OUTPUT],
    min: 1,
    max: 1,
    examples: [
      'hyperctl-export job 2545e058-b89e-4692-8e5d-47214a8ea293',
      'hyperctl-export job nightly-db --json',
    ],
  },
  {
    name: 'wait',
    args: '<id...>',
    description: 'Wait for jobs already on the daemon, with live progress',
    options: [...CONNECTION, 'poll-interval', 'cancel-on-interrupt', 'verify', 'checksums-file', ...OUTPUT],
    min: 1,
    max: Number.POSITIVE_INFINITY,
    examples: [
      'hyperctl-export wait 2545e058-b89e-4692-8e5d-47214a8ea293 --timeout 90m',
      'hyperctl-export wait $(cat ids.txt) --json',
    ],
  },
  {
    name: 'cancel',
    args: '<id...>',
    description: 'Cancel jobs (hypervisord only labels them; a running export goes on)',
    options: [...CONNECTION, ...OUTPUT],
    min: 1,
    max: Number.POSITIVE_INFINITY,
    examples: ['hyperctl-export cancel 2545e058-b89e-4692-8e5d-47214a8ea293'],
  },
  {
    name: 'doctor',
    args: '',
    description:
      'Check hyperctl, the daemon, authentication and the transport, and say how to fix each problem',
    options: [...CONNECTION, ...OUTPUT],
    min: 0,
    max: 0,
    examples: ['hyperctl-export doctor', 'hyperctl-export doctor --daemon-url http://exporter:8080 --json'],
  },
  {
    name: 'config',
    args: '',
    description: 'Show every setting, its value and where it came from (flag, environment or default)',
    options: OPTIONS.map((o) => o.name),
    min: 0,
    max: 0,
    examples: ['HYPERCTL_EXPORT_TIMEOUT=2h hyperctl-export config', 'hyperctl-export config --json'],
  },
  {
    name: 'completion',
    args: '<bash|zsh|fish>',
    description: 'Print a shell completion script',
    options: [],
    min: 1,
    max: 1,
    argChoices: SHELLS,
    examples: [
      'source <(hyperctl-export completion bash)',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh text
      'hyperctl-export completion zsh > "${fpath[1]}/_hyperctl-export"',
      'hyperctl-export completion fish > ~/.config/fish/completions/hyperctl-export.fish',
    ],
  },
  {
    name: 'help',
    args: '[command]',
    description: 'Show the help of a command (the same as <command> --help)',
    options: [],
    min: 0,
    max: 1,
    examples: ['hyperctl-export help export'],
  },
]

export function commandNamed(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name)
}
