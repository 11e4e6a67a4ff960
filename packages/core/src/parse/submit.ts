import { HyperctlParseError } from '../errors.js'
import { type PrefixedMessage, readPrefixedMessages } from './prefix-lines.js'

export interface SubmitOutput {
  accepted: number
  rejected: number
  jobIds: string[]
  errors: string[]
}

const ACCEPTED = /^Accepted Jobs: (\d+)$/
const REJECTED = /^Rejected Jobs: (\d+)$/
const JOB_ID = '  - Job ID: '
const ITEM = '  - '

/**
 * Reads `hyperctl submit` stdout (docs/hyperctl.md#submit): ` SUCCESS  Accepted Jobs: N` and N Info lines
 * `  - Job ID: <id>`, then ` WARNING  Rejected Jobs: M` and M Error lines `  - <message>`; either block is
 * absent when its count is 0. Counts that do not match the listed lines are not a result.
 */
export function parseSubmitOutput(stdout: string): SubmitOutput {
  const fail = (why: string) => new HyperctlParseError(`a submit result (${why})`, stdout)
  const messages = readPrefixedMessages(stdout)
  if (!messages) throw fail('a line that is not a pterm message')
  // why: the daemon answers 200 only after parsing at least one job, and every job is either accepted or
  // rejected (docs/hyperctl.md#post-jobs-submit), so hyperctl always prints one of the two blocks. Empty stdout with exit 0
  // means the 200 reply was not a submit result (e.g. `{}` from something that is not hypervisord): nothing
  // says whether a job exists, so it is refused instead of read as "0 submitted".
  if (messages.length === 0) throw fail('stdout is empty: hyperctl listed neither accepted nor rejected jobs')

  let index = 0
  const block = (
    kind: PrefixedMessage['kind'],
    title: RegExp,
    itemKind: PrefixedMessage['kind'],
    prefix: string,
  ) => {
    const head = messages[index]
    const declared = head?.kind === kind ? title.exec(head.text) : null
    if (!declared) return { count: 0, items: [] as string[] }
    index++
    const items: string[] = []
    for (
      let next = messages[index];
      next?.kind === itemKind && next.text.startsWith(prefix);
      next = messages[index]
    ) {
      items.push(next.text.slice(prefix.length))
      index++
    }
    const count = Number(declared[1])
    if (count !== items.length) throw fail(`${head?.text} but ${items.length} listed`)
    return { count, items }
  }

  const accepted = block('success', ACCEPTED, 'info', JOB_ID)
  const rejected = block('warning', REJECTED, 'error', ITEM)
  if (index !== messages.length) throw fail(`unexpected line ${JSON.stringify(messages[index]?.text)}`)
  if (accepted.items.some((id) => id === '')) throw fail('an empty job ID')
  // why: the daemon's rejections always say why (docs/hyperctl.md#post-jobs-submit); `  - ` alone is a line cut after its prefix
  if (rejected.items.some((message) => message === '')) throw fail('an empty rejection message')
  return {
    accepted: accepted.count,
    rejected: rejected.count,
    jobIds: accepted.items,
    errors: rejected.items,
  }
}
