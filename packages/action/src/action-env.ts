import * as actions from '@actions/core'
import { escapeUnsafeForJson, redactText, sanitizeLogText, sanitizeText } from '@hyperctl-export/core'

/**
 * What the action needs from the runner. Every text that leaves through it is redacted of the secrets
 * registered with `addSecret` and shows control and format characters as escapes; log lines cannot act
 * as workflow commands, and outputs and state keep their JSON readable (escapes there are JSON escapes).
 */
const SECRET_INPUTS = new Set(['vcenter-password', 'api-key'])

export interface ActionEnv {
  readonly env: NodeJS.ProcessEnv
  getInput(name: string): string
  /** Masks the value in the runner's log and redacts it from everything written through this env. */
  addSecret(value: string | undefined): void
  redact(text: string): string
  setOutput(name: string, value: string): void
  saveState(name: string, value: string): void
  getState(name: string): string
  /** A plain log line (untrusted text allowed: it is redacted and neutralised). */
  info(text: string): void
  notice(text: string): void
  /** A debug line: shown only when the run has debug logging on (RUNNER_DEBUG=1). */
  debug(text: string): void
  warning(text: string, title?: string): void
  error(text: string, title?: string): void
  startGroup(name: string): void
  endGroup(): void
  /** Marks the step failed with an error annotation. */
  setFailed(text: string): void
  writeSummary(html: string): Promise<void>
}

/** The ActionEnv over @actions/core and the runner's files (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY). */
export function realActionEnv(env: NodeJS.ProcessEnv = process.env): ActionEnv {
  const secrets: string[] = []
  const redact = (text: string): string => redactText(text, secrets)
  const annotation = (text: string): string => sanitizeText(redact(text), { keepNewlines: true })
  return {
    env,
    // why: a password or key may begin or end with a space; trimming it would fail the login confusingly
    getInput: (name) => actions.getInput(name, { trimWhitespace: !SECRET_INPUTS.has(name) }),
    addSecret(value) {
      if (!value || secrets.includes(value)) return
      secrets.push(value)
      // why: the runner matches a mask line by line, so a secret with line breaks is masked per line too
      for (const part of new Set([value, ...value.split(/\r\n|\r|\n/)])) {
        if (part.trim() !== '') actions.setSecret(part)
      }
      secrets.sort((a, b) => b.length - a.length)
    },
    redact,
    setOutput: (name, value) => actions.setOutput(name, escapeUnsafeForJson(redact(value))),
    saveState: (name, value) => actions.saveState(name, escapeUnsafeForJson(redact(value))),
    getState: (name) => actions.getState(name),
    info: (text) => actions.info(sanitizeLogText(redact(text))),
    notice: (text) => actions.notice(annotation(text)),
    debug: (text) => actions.debug(sanitizeLogText(redact(text))),
    warning: (text, title) => actions.warning(annotation(text), title ? { title: annotation(title) } : {}),
    error: (text, title) => actions.error(annotation(text), title ? { title: annotation(title) } : {}),
    startGroup: (name) => actions.startGroup(sanitizeLogText(redact(name))),
    endGroup: () => actions.endGroup(),
    setFailed: (text) => actions.setFailed(annotation(text)),
    async writeSummary(html) {
      if (!env.GITHUB_STEP_SUMMARY) return
      await actions.summary.addRaw(redact(html), true).write()
      actions.summary.emptyBuffer()
    },
  }
}
