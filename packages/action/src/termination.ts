export type TerminationSignal = 'SIGINT' | 'SIGTERM'

/**
 * Calls `handler` on each SIGINT or SIGTERM with how many have arrived so far. A cancelled run (or a step
 * timeout) sends SIGINT to the node process, SIGTERM 7.5 s later, and kills the process tree 2.5 s after
 * that; listening keeps Node from exiting at once, so the step can cancel its jobs and write its outputs.
 * Returns the function that stops listening.
 */
export function onTermination(
  handler: (signal: TerminationSignal, count: number) => void,
  target: Pick<NodeJS.Process, 'on' | 'off'> = process,
): () => void {
  let count = 0
  const listener = (signal: TerminationSignal): void => {
    count++
    handler(signal, count)
  }
  target.on('SIGINT', listener)
  target.on('SIGTERM', listener)
  return () => {
    target.off('SIGINT', listener)
    target.off('SIGTERM', listener)
  }
}
