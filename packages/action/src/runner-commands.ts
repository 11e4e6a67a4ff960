import { randomUUID } from 'node:crypto'
import { EOL } from 'node:os'

// The runner's two channels, written as @actions/core writes them (toolkit packages/core: command.ts,
// file-command.ts), without it: its index pulls in @actions/http-client and undici for OIDC tokens this
// action never asks for, half a megabyte in each bundle and most of the start-up time.

/** A workflow command's message: `%`, CR and LF escaped, so the command stays on its line. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** A workflow command's property value: as data, and also `:` and `,`, which end a property. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** `::name key=value,key=value::message` (empty properties left out), without the line end. */
export function workflowCommand(
  name: string,
  properties: Readonly<Record<string, string | undefined>>,
  message: string,
): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
  return `::${name}${props.length > 0 ? ` ${props.join(',')}` : ''}::${escapeData(message)}`
}

/**
 * One entry of a file command (GITHUB_OUTPUT, GITHUB_STATE): `name<<delimiter`, the value, the delimiter,
 * each on its own line. The delimiter is random, and a name or value that holds it is refused: it would
 * end the value early and let the rest set other names.
 */
export function fileCommandEntry(
  name: string,
  value: string,
  delimiter = `ghadelimiter_${randomUUID()}`,
): string {
  if (name.includes(delimiter))
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`)
  if (value.includes(delimiter))
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`)
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`
}

/** The runner's name for an input's variable: `INPUT_` + the name upper-cased, spaces as `_`. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}
