import type { CommandContext } from '../command-context.js'
import { bashScript, fishScript, zshScript } from '../completion-scripts.js'

const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript }

/** `completion bash|zsh|fish`: the script on stdout (the shell name was checked with the arguments). */
export async function runCompletion(ctx: CommandContext): Promise<number> {
  const shell = ctx.args[0] as keyof typeof SCRIPTS
  ctx.io.stdout.write(SCRIPTS[shell]())
  return 0
}
