// why: a hint tells the user what to change, and the names of what they can change are the face's (an
// action input, a CLI flag or variable). Core states the fact; each face words it with its own names.

/** A setting every face offers, by a neutral id; each face names it its own way. */
export const SETTING_IDS = [
  'daemon-url',
  'api-key',
  'hyperctl-path',
  'transport',
  'timeout',
  'verify',
  'export-method',
  'vcenter',
  'idempotency-key',
] as const
export type SettingId = (typeof SETTING_IDS)[number]

/** Things a face may offer to do next; a face without one gets a hint that does without it. */
export type HintCommand = 'wait' | 'jobs' | 'doctor'

/**
 * Whether running the same request again is safe: `attaches` when its job IDs are deterministic (an
 * idempotency key), so jobs already on the daemon are attached to; `exports-again` when they are not, so a
 * VM already submitted would be exported a second time. Set by the export run on the errors it settles.
 */
export type Rerun = 'attaches' | 'exports-again'

/** What is true about a failure, and what would help, in no face's words. */
export type HintFact =
  | { fact: 'text'; text: string }
  | { fact: 'set'; setting: SettingId; to: string }
  | { fact: 'install-hyperctl' }
  | { fact: 'cli-transport-limit'; why: 'no-key' | 'fixed-url' }
  | { fact: 'daemon-unreachable'; jobIds: readonly string[] }
  | { fact: 'key-refused' }
  | { fact: 'url-credentials' }
  | { fact: 'hyperctl-version' }
  | { fact: 'unreadable-output'; source: 'hyperctl' | 'hypervisord' }
  | { fact: 'unreadable-table' }
  | { fact: 'daemon-said' }
  | { fact: 'job-rejected' }
  | { fact: 'job-skipped' }
  | { fact: 'job-failed'; cause: 'no-vcenter' | 'no-error-text' | 'ctl-method' | 'daemon-said' }
  | { fact: 'job-cancelled' }
  | { fact: 'wait-ended'; jobIds: readonly string[]; cancelled: boolean }
  | { fact: 'job-forgotten' }
  | { fact: 'no-such-job' }
  | { fact: 'export-unverifiable' }
  | { fact: 'interrupted'; jobIds: readonly string[] }

/** A face's names for what a hint may mention. */
export interface HintWords {
  /** A setting as the face names it: `input timeout`, `--timeout (HYPERCTL_EXPORT_TIMEOUT)`. */
  setting(id: SettingId): string
  /** A command the face offers, shown so it can be typed; undefined when the face has none. */
  command(id: HintCommand, jobIds: readonly string[]): string | undefined
  /** Running the face again: `run the step again`, `run the command again`. */
  again: string
}

/** Words for a reader of no particular face (a library caller, the run JSON): settings by their ids. */
export const NEUTRAL_WORDS: HintWords = {
  setting: (id) => `the ${id} setting`,
  command: () => undefined,
  again: 'run again',
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/** One or two sentences saying what to do, from what is true, in the face's words. */
export function wordHint(fact: HintFact, words: HintWords, rerun?: Rerun): string {
  const s = words.setting
  const key = s('idempotency-key')
  switch (fact.fact) {
    case 'text':
      return fact.text
    case 'set':
      return `Set ${s(fact.setting)} ${fact.to}.`
    case 'install-hyperctl':
      return `Install hyperctl, or point ${s('hyperctl-path')} at the executable, or set ${s('transport')} to api.`
    case 'cli-transport-limit':
      return fact.why === 'no-key'
        ? `Set ${s('transport')} to api (or auto) with an API key.`
        : `Set ${s('transport')} to api (or auto) for another daemon URL.`
    case 'daemon-unreachable':
      return fact.jobIds.length === 0
        ? `Check that hypervisord is running and that ${s('daemon-url')} points at it.`
        : `Check that hypervisord is running and reachable; the jobs were submitted and go on. ${follow(fact.jobIds, words, rerun)}`
    case 'key-refused':
      return `Set ${s('api-key')} to the key the daemon is configured with; hyperctl itself cannot send a key, so set ${s('transport')} to api.`
    case 'url-credentials':
      return `Give the API key with ${s('api-key')} and the bare address with ${s('daemon-url')}.`
    case 'hyperctl-version':
      return `This hyperctl does not take the arguments hyperctl-export passes; ${versionCheck('hyperctl', words)}.`
    case 'unreadable-output':
      return `${cap(versionCheck(fact.source, words))} and report the raw output.`
    case 'unreadable-table':
      return `A VM name or path with line breaks, escape codes or " | " in it can make its row in hyperctl's table unreadable; set ${s('transport')} to api, whose JSON replies carry names whole.`
    case 'daemon-said':
      return 'Read the daemon message above; if it is a server fault, retry later or check the hypervisord log.'
    case 'job-rejected':
      return 'Fix what the daemon names; a duplicate ID means an export with that ID already exists on the daemon.'
    case 'job-skipped':
      return rerun === 'attaches'
        ? `${cap(words.again)} with ${key} unchanged: jobs already exported are attached to, not repeated.`
        : `Export the skipped VMs on their own: ${words.again} would export the others a second time, as without ${key} their jobs get new IDs.`
    case 'job-failed':
      return failedHint(fact.cause, words, rerun)
    case 'job-cancelled':
      return `Check the output directory on the daemon machine before reusing it; ${exportAgain(words, rerun)}.`
    case 'wait-ended':
      return fact.cancelled
        ? `Raise ${s('timeout')} if the export needs longer.`
        : `Raise ${s('timeout')}; the export goes on on the daemon. ${follow(fact.jobIds, words, rerun)}`
    case 'job-forgotten':
      return rerun === 'attaches'
        ? `${cap(words.again)} with ${key} unchanged: the job is submitted again under the same ID, which is safe now that the daemon no longer has it.`
        : 'Export the VM again: the daemon no longer has the job, so nothing is exported twice.'
    case 'no-such-job': {
      const jobs = words.command('jobs', [])
      return `Check the job ID (a unique start of 4 or more characters also works)${jobs ? `; ${jobs} lists the jobs the daemon has` : ''}.`
    }
    case 'export-unverifiable':
      return `Run the export where the output directory is readable (the daemon on this machine), or set ${s('verify')} to auto.`
    case 'interrupted':
      if (rerun === 'attaches')
        return `${cap(words.again)} with ${key} unchanged to resume: submitted jobs keep their IDs and are attached to.`
      return fact.jobIds.length === 0
        ? `${cap(words.again)} to export again.`
        : `The submitted jobs go on on the daemon. ${follow(fact.jobIds, words, rerun)}`
  }
}

/** How to learn how a job left behind ends: the face's wait command, else a rerun that attaches. */
function follow(jobIds: readonly string[], words: HintWords, rerun: Rerun | undefined): string {
  const wait = words.command('wait', jobIds)
  if (wait) return `Follow them with ${wait}.`
  if (rerun === 'attaches')
    return `${cap(words.again)} with ${words.setting('idempotency-key')} unchanged to wait for them again.`
  return `${cap(words.again)} only with ${words.setting('idempotency-key')} set, or they are exported a second time.`
}

function versionCheck(source: 'hyperctl' | 'hypervisord', words: HintWords): string {
  const doctor = words.command('doctor', [])
  return doctor
    ? `check the ${source} version with ${doctor}`
    : `check that this ${source} version is supported`
}

function exportAgain(words: HintWords, rerun: Rerun | undefined): string {
  // why: an unchanged idempotency key gives the same ID, which attaches to the ended job instead of exporting
  return rerun === 'attaches'
    ? `to export once more, ${words.again} with ${words.setting('idempotency-key')} changed`
    : `${words.again} to export once more`
}

function failedHint(cause: string, words: HintWords, rerun: Rerun | undefined): string {
  if (cause === 'no-vcenter')
    return `Give the vCenter connection (${words.setting('vcenter')}): a stock hypervisord fails every job without it.`
  if (cause === 'ctl-method')
    return `The daemon used the broken ctl export method; set ${words.setting('export-method')} to web.`
  const read =
    cause === 'no-error-text'
      ? `Set ${words.setting('transport')} to api to see the daemon's error text (hyperctl does not show it)`
      : 'Read the daemon error above'
  return `${read}; fix the cause, then ${exportAgain(words, rerun)}.`
}
