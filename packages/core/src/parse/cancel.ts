import { HyperctlParseError } from '../errors.js'
import { readPrefixedMessages } from './prefix-lines.js'

export interface CancelOutput {
  cancelled: string[]
  failed: Array<{ id: string; error: string }>
}

const ITEM = '  - '

/**
 * Reads `hyperctl cancel` stdout (docs/hyperctl.md#cancel): ` SUCCESS  Cancelled:` with Info lines `  - <id>`, then
 * ` WARNING  Failed to cancel:` with Error lines `  - <id>: <error>`; a block is absent when it has no entry.
 */
export function parseCancelOutput(stdout: string): CancelOutput {
  const fail = (why: string) => new HyperctlParseError(`a cancel result (${why})`, stdout)
  const messages = readPrefixedMessages(stdout)
  if (!messages) throw fail('a line that is not a pterm message')
  // why: the daemon lists every requested ID as cancelled or failed (docs/hyperctl.md#post-jobs-cancel); nothing at all means
  // the reply was a JSON error body decoded as an empty result (docs/hyperctl.md#exit-codes), which says nothing about the jobs
  if (messages.length === 0) throw fail('stdout is empty: hyperctl listed no job at all')

  let index = 0
  const items = (kind: 'info' | 'error'): string[] => {
    const found: string[] = []
    for (
      let next = messages[index];
      next?.kind === kind && next.text.startsWith(ITEM);
      next = messages[index]
    ) {
      found.push(next.text.slice(ITEM.length))
      index++
    }
    if (found.length === 0) throw fail('a section without entries')
    // why: a job ID is never empty; `  - ` alone is a line cut right after its prefix
    if (found.includes('')) throw fail('an entry without a job ID')
    return found
  }

  const cancelled: string[] = []
  const failed: CancelOutput['failed'] = []
  if (messages[index]?.kind === 'success' && messages[index]?.text === 'Cancelled:') {
    index++
    cancelled.push(...items('info'))
  }
  if (messages[index]?.kind === 'warning' && messages[index]?.text === 'Failed to cancel:') {
    index++
    for (const entry of items('error')) {
      // why: IDs may contain ':' but never ': ', so the first ': ' ends the ID. The error may be empty, and a
      // line `  - <id>: ` that lost its trailing space (trimmed by some capture) still means an empty error.
      const colon = entry.indexOf(': ')
      if (colon >= 0) failed.push({ id: entry.slice(0, colon), error: entry.slice(colon + 2) })
      else if (entry.endsWith(':')) failed.push({ id: entry.slice(0, -1), error: '' })
      else throw fail(`no ": " after the job ID in ${JSON.stringify(entry)}`)
    }
  }
  if (index !== messages.length) throw fail(`unexpected line ${JSON.stringify(messages[index]?.text)}`)
  if (failed.some((f) => f.id === '')) throw fail('a failure without a job ID')
  return { cancelled, failed }
}
