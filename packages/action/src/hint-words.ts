import type { HintWords } from '@hyperctl-export/core'

/** Core's hints in the action's words: its inputs; a step has no command to run next. */
export const ACTION_WORDS: HintWords = {
  setting: (id) =>
    id === 'vcenter' ? 'inputs vcenter-server, vcenter-username and vcenter-password' : `input ${id}`,
  command: () => undefined,
  again: 'run the step again',
}
