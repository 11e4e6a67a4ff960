import type { HintWords } from '@hyperctl-export/core'
import { envNames, optionNamed, PASSWORD_ENV } from './option-table.js'

/** A flag and the variable help shows first for it. */
function flag(name: string): string {
  return `--${name} (${envNames(optionNamed(name))[0]})`
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
