import { HyperctlError, hintIn, jsonDocument, redactText, sanitizeText } from '@hyperctl-export/core'
import type { CliIo, OutStream } from './cli-io.js'
import { CLI_WORDS } from './hint-words.js'
import { createStyle, isLiveTerminal, type Style } from './style.js'

export interface OutputOptions {
  json: boolean
  quiet: boolean
}

/**
 * Where everything printed goes. stdout: the result (or the one JSON document with --json); stderr:
 * progress, notices, warnings, errors. Every write is passed through the secret redaction, so a secret
 * known to us (API key, vCenter password) cannot be printed by any path.
 */
export class Output {
  json: boolean
  quiet: boolean
  /** Colour on stdout (only a terminal, never with NO_COLOR). */
  readonly out: Style
  /** Colour on stderr. */
  readonly err: Style
  /** stderr is a terminal that may be redrawn (live progress). */
  readonly liveErr: boolean
  readonly #io: CliIo
  readonly #secrets: string[] = []
  #jsonWritten = false

  constructor(io: CliIo, options: OutputOptions) {
    this.#io = io
    this.json = options.json
    this.quiet = options.quiet
    this.out = createStyle(isLiveTerminal(io.stdout, io.env))
    this.liveErr = isLiveTerminal(io.stderr, io.env)
    this.err = createStyle(this.liveErr)
  }

  /** Set once the options are read (errors before that are printed with what argv suggests). */
  configure(options: OutputOptions): void {
    this.json = options.json
    this.quiet = options.quiet
  }

  get stderr(): OutStream {
    return this.#io.stderr
  }

  /** Remembers a secret: from now on it is masked in everything printed. */
  addSecret(secret: string | undefined): void {
    if (secret && !this.#secrets.includes(secret)) this.#secrets.push(secret)
  }

  redact(text: string): string {
    return redactText(text, this.#secrets)
  }

  /** The human result on stdout; nothing with --json. */
  result(text: string): void {
    if (this.json) return
    this.#io.stdout.write(this.redact(`${text}\n`))
  }

  /** The one JSON document on stdout (--json). */
  document(value: unknown): void {
    if (this.#jsonWritten) throw new Error('a second JSON document was about to be printed')
    this.#jsonWritten = true
    this.#io.stdout.write(this.redact(`${jsonDocument(value)}\n`))
  }

  get documentWritten(): boolean {
    return this.#jsonWritten
  }

  /** A raw write to stderr (the progress display); still redacted. */
  writeErr(text: string): void {
    this.#io.stderr.write(this.redact(text))
  }

  /** Information for a person; silenced by --quiet. */
  info(text: string): void {
    if (this.quiet) return
    this.writeErr(`${text}\n`)
  }

  warn(text: string): void {
    this.writeErr(`${this.err.yellow('warning:')} ${sanitizeText(text)}\n`)
  }

  /** A failure that ends the command: message and hint on stderr, and `{"error": ...}` on stdout with --json. */
  fail(error: unknown): void {
    const { kind, message, hint } = describeError(error)
    this.writeErr(`${this.err.red('error:')} ${sanitizeText(message, { keepNewlines: true })}\n`)
    if (hint) this.writeErr(`${this.err.dim('hint:')} ${sanitizeText(hint)}\n`)
    if (this.json && !this.#jsonWritten)
      this.document({ error: { kind, message, ...(hint ? { hint } : {}) } })
  }
}

export function describeError(error: unknown): { kind: string; message: string; hint?: string } {
  if (error instanceof HyperctlError)
    return { kind: error.kind, message: error.message, hint: hintIn(error, CLI_WORDS) }
  if (error instanceof Error) return { kind: 'internal', message: error.message }
  return { kind: 'internal', message: String(error) }
}
