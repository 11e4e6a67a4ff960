import { appendFileSync, constants, existsSync } from 'node:fs'
import { access, appendFile } from 'node:fs/promises'
import { EOL } from 'node:os'
import { redactText } from '@hyperctl-export/core'
import { neutraliseCommands } from './command-safe.js'
import { fileCommandEntry, inputVariable, workflowCommand } from './runner-commands.js'

/**
 * What the action needs from the runner. Every text that leaves through it is redacted of the secrets
 * registered with `addSecret`, and log lines cannot act as workflow commands.
 */
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
  warning(text: string, title?: string): void
  error(text: string, title?: string): void
  startGroup(name: string): void
  endGroup(): void
  /** Marks the step failed with an error annotation. */
  setFailed(text: string): void
  writeSummary(html: string): Promise<void>
}

/**
 * The ActionEnv over the runner's channels: workflow commands on stdout and the files it names
 * (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY), written as @actions/core writes them.
 */
export function realActionEnv(
  env: NodeJS.ProcessEnv = process.env,
  write: (text: string) => void = (text) => process.stdout.write(text),
): ActionEnv {
  const secrets: string[] = []
  const redact = (text: string): string => redactText(text, secrets)
  const line = (text: string) => write(`${text}${EOL}`)
  const command = (name: string, message: string, properties: Record<string, string | undefined> = {}) =>
    line(workflowCommand(name, properties, message))
  /** A file command, or (outside a runner that names the file) the legacy stdout command. */
  const fileCommand = (variable: string, legacy: string, name: string, value: string) => {
    const path = env[variable]
    if (!path) {
      // why: as @actions/core, a line end first so set-output starts its own line
      if (legacy === 'set-output') write(EOL)
      command(legacy, value, { name })
      return
    }
    if (!existsSync(path)) throw new Error(`Missing file at path: ${path}`)
    appendFileSync(path, fileCommandEntry(name, value), { encoding: 'utf8' })
  }
  const error = (text: string, title?: string) =>
    command('error', redact(text), { title: title && redact(title) })
  return {
    env,
    getInput: (name) => (env[inputVariable(name)] ?? '').trim(),
    addSecret(value) {
      if (!value || secrets.includes(value)) return
      secrets.push(value)
      // why: the runner matches a mask line by line, so a secret with line breaks is masked per line too
      for (const part of new Set([value, ...value.split(/\r\n|\r|\n/)])) {
        if (part.trim() !== '') command('add-mask', part)
      }
      secrets.sort((a, b) => b.length - a.length)
    },
    redact,
    setOutput: (name, value) => fileCommand('GITHUB_OUTPUT', 'set-output', name, redact(value)),
    saveState: (name, value) => fileCommand('GITHUB_STATE', 'save-state', name, redact(value)),
    getState: (name) => env[`STATE_${name}`] ?? '',
    info: (text) => line(neutraliseCommands(redact(text))),
    notice: (text) => command('notice', redact(text)),
    warning: (text, title) => command('warning', redact(text), { title: title && redact(title) }),
    error,
    startGroup: (name) => command('group', redact(name)),
    endGroup: () => command('endgroup', ''),
    setFailed(text) {
      process.exitCode = 1
      error(text)
    },
    async writeSummary(html) {
      const path = env.GITHUB_STEP_SUMMARY
      if (!path) return
      await access(path, constants.R_OK | constants.W_OK).catch(() => {
        throw new Error(
          `Unable to access summary file: '${path}'. Check if the file has correct read/write permissions.`,
        )
      })
      await appendFile(path, `${redact(html)}${EOL}`, { encoding: 'utf8' })
    },
  }
}
