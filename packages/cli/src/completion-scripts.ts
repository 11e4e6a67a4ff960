import { COMMANDS, type CommandSpec, SHELLS } from './command-table.js'
import { OPTIONS, type OptionSpec } from './option-table.js'

const BIN = 'hyperctl-export'
/**
 * What a script runs for job IDs: a short timeout (1s, or HYPERCTL_EXPORT_COMPLETION_TIMEOUT), so a daemon
 * that does not answer never stalls a TAB.
 */
export const COMPLETION_TIMEOUT_ENV = 'HYPERCTL_EXPORT_COMPLETION_TIMEOUT'
const JOB_IDS = `${BIN} jobs --quiet --timeout "\${${COMPLETION_TIMEOUT_ENV}:-1s}" 2>/dev/null`
const FISH_JOB_IDS = `${BIN} jobs --quiet --timeout (set -q ${COMPLETION_TIMEOUT_ENV}; and echo $${COMPLETION_TIMEOUT_ENV}; or echo 1s) 2>/dev/null`
const TAKES_IDS = ['job', 'wait', 'cancel']
const FILE_VALUES = ['output', 'job-file', 'hyperctl-path']

const optionsOf = (spec: CommandSpec): OptionSpec[] =>
  spec.options.map((name) => OPTIONS.find((o) => o.name === name)!)
const words = (list: readonly string[]) => list.join(' ')
const flagsOf = (o: OptionSpec) => [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])]

/** A bash completion function: commands, each command's options, option values, job IDs. */
export function bashScript(): string {
  const valueCases = OPTIONS.filter((o) => o.value).map((o) => {
    const pattern = flagsOf(o).join('|')
    if (o.choices) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: bash text, expanded by bash
      const list = '${cur%,*}'
      return o.list
        ? `    ${pattern})\n      local prefix=""; [[ "$cur" == *,* ]] && prefix="${list},"\n      COMPREPLY=($(compgen -P "$prefix" -W "${words(o.choices)}" -- "\${cur##*,}")); return ;;`
        : `    ${pattern}) COMPREPLY=($(compgen -W "${words(o.choices)}" -- "$cur")); return ;;`
    }
    if (FILE_VALUES.includes(o.name)) return `    ${pattern}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`
    return `    ${pattern}) return ;;`
  })
  const optionCases = COMMANDS.filter((c) => c.options.length > 0).map(
    (c) => `    ${c.name}) opts="${words(optionsOf(c).flatMap((o) => `--${o.name}`))} --help" ;;`,
  )
  return `# ${BIN} completion for bash: source <(${BIN} completion bash)
_hyperctl_export() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local commands="${words(COMMANDS.map((c) => c.name))}"
  local cmd="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case " $commands " in *" \${COMP_WORDS[i]} "*) cmd="\${COMP_WORDS[i]}"; break ;; esac
  done
  COMPREPLY=()
  case "$prev" in
${valueCases.join('\n')}
  esac
  if [[ -z "$cmd" ]]; then
    if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--help --version" -- "$cur"))
    else COMPREPLY=($(compgen -W "$commands" -- "$cur")); fi
    return
  fi
  if [[ "$cur" == -* ]]; then
    local opts="--help"
    case "$cmd" in
${optionCases.join('\n')}
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  case "$cmd" in
    help) COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
    completion) COMPREPLY=($(compgen -W "${words(SHELLS)}" -- "$cur")) ;;
    ${TAKES_IDS.join('|')}) COMPREPLY=($(compgen -W "$(${JOB_IDS})" -- "$cur")) ;;
  esac
}
complete -o default -F _hyperctl_export ${BIN}
`
}

/** zsh runs the bash function through bashcompinit, so both shells complete the same words. */
export function zshScript(): string {
  return `#compdef ${BIN}
# ${BIN} completion for zsh: source <(${BIN} completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashScript().split('\n').slice(1).join('\n')}`
}

export function fishScript(): string {
  const lines = [
    `# ${BIN} completion for fish: ${BIN} completion fish > ~/.config/fish/completions/${BIN}.fish`,
    `complete -c ${BIN} -f`,
    `complete -c ${BIN} -n __fish_use_subcommand -l help -s h -d 'show the help'`,
    `complete -c ${BIN} -n __fish_use_subcommand -l version -d 'print the version'`,
  ]
  for (const c of COMMANDS) {
    lines.push(`complete -c ${BIN} -n __fish_use_subcommand -a ${c.name} -d ${fishQuote(c.description)}`)
    const when = `-n '__fish_seen_subcommand_from ${c.name}'`
    for (const o of optionsOf(c)) {
      const short = o.short ? ` -s ${o.short}` : ''
      const value = !o.value
        ? ''
        : o.choices
          ? ` -x -a ${fishQuote(words(o.choices))}`
          : FILE_VALUES.includes(o.name)
            ? ' -r -F'
            : ' -x'
      lines.push(`complete -c ${BIN} ${when} -l ${o.name}${short}${value} -d ${fishQuote(o.description)}`)
    }
  }
  lines.push(
    `complete -c ${BIN} -n '__fish_seen_subcommand_from help' -a ${fishQuote(words(COMMANDS.map((c) => c.name)))}`,
  )
  lines.push(`complete -c ${BIN} -n '__fish_seen_subcommand_from completion' -a ${fishQuote(words(SHELLS))}`)
  lines.push(`complete -c ${BIN} -n '__fish_seen_subcommand_from ${words(TAKES_IDS)}' -a '(${FISH_JOB_IDS})'`)
  return `${lines.join('\n')}\n`
}

function fishQuote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}
