import type { HintWords } from '@hyperctl-export/core'
import { envNames, optionNamed, PASSWORD_ENV } from './option-table.js'

/** A flag and the variable that also sets it (the short one a user already knows, when there is one). */
function flag(name: string): string {
  const variables = envNames(optionNamed(name))
  return `--${name} (${variables.at(-1)})`
}

/** Core's hints in the CLI's words: its flags and variables, and its commands to type next. */
export const CLI_WORDS: HintWords = {
  setting: (id) => (id === 'vcenter' ? `--vcenter-server, --vcenter-username and ${PASSWORD_ENV}` : flag(id)),
  command(id, jobIds) {
    if (id === 'wait') return `\`hyperctl-export wait ${jobIds.length > 0 ? jobIds.join(' ') : '<job-id>'}\``
    return `\`hyperctl-export ${id}\``
  },
  again: 'run the command again',
}
