import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, resolve } from 'node:path'
import { createBackend, createDeadline, sanitizeText, type Transport } from '@hyperctl-export/core'
import { type ActionEnv, realActionEnv } from './action-env.js'
import { STATE, TEMP_DIR_PREFIX } from './state.js'

// why: post has no grace period of its own after a cancel; a daemon that does not answer must not hold it
const CANCEL_TIMEOUT_MS = 20_000

/**
 * The action's post step (it runs after a cancelled or killed main too): cancels the jobs main could not
 * settle, as saved in its state, and removes main's private directory for hyperctl job files.
 */
export async function runPost(env: ActionEnv = realActionEnv()): Promise<void> {
  // why: post is a new process; the runner's masks hold, but our own redaction starts empty
  env.addSecret(env.getInput('api-key'))
  env.addSecret(env.getInput('vcenter-password'))
  env.addSecret(env.env.HYPERVISORD_API_KEY)
  try {
    await cancelUnfinished(env)
  } catch (error) {
    env.warning(`The post step could not cancel the unfinished jobs: ${(error as Error).message}`)
  } finally {
    await removeTempDir(env)
  }
}

async function cancelUnfinished(env: ActionEnv): Promise<void> {
  const ids = jobIds(env.getState(STATE.unfinished))
  if (ids.length === 0) return
  const transport = env.getState(STATE.transport)
  const choice = await createBackend({
    transport: transport === 'cli' || transport === 'api' ? (transport as Transport) : 'auto',
    daemonUrl: env.getState(STATE.daemonUrl) || env.getInput('daemon-url') || undefined,
    apiKey: env.getInput('api-key') || undefined,
    hyperctlPath: env.getInput('hyperctl-path') || undefined,
    env: env.env,
  })
  const deadline = createDeadline(CANCEL_TIMEOUT_MS)
  // why: a job that ended meanwhile (completed, failed, cancelled) is never cancelled again
  const jobs = await choice.backend.queryJobs({ ids }, deadline.call())
  const open = new Set(jobs.filter((j) => j.status === 'pending' || j.status === 'running').map((j) => j.id))
  for (const job of jobs) {
    if (!open.has(job.id)) env.info(`Not cancelling ${sanitizeText(job.id)}: it is already ${job.status}`)
  }
  const gone = ids.filter((id) => !jobs.some((j) => j.id === id))
  if (gone.length > 0)
    env.info(`Not cancelling ${gone.map((id) => sanitizeText(id)).join(', ')}: the daemon no longer has them`)
  const unfinished = ids.filter((id) => open.has(id))
  if (unfinished.length === 0) {
    env.info('Nothing to cancel: every job the main step left is already settled')
    return
  }
  env.info(`Cancelling ${unfinished.length} job(s) the main step could not, through ${choice.backend.target}`)
  const result = await choice.backend.cancelJobs(unfinished, deadline.call())
  if (result.cancelled.length > 0) {
    env.info(
      `Cancelled on the daemon: ${result.cancelled.join(', ')} (hypervisord only labels them cancelled; an export already running goes on writing files)`,
    )
  }
  for (const { id, error } of result.failed)
    env.info(`Not cancelled: ${sanitizeText(id)}: ${sanitizeText(error)}`)
}

async function removeTempDir(env: ActionEnv): Promise<void> {
  const dir = env.getState(STATE.tempDir)
  if (!dir) return
  // why: remove only what main made: a directory named by our prefix right under the temp root
  const roots = [env.env.RUNNER_TEMP, tmpdir()].filter((r): r is string => !!r).map((r) => resolve(r))
  const path = resolve(dir)
  if (!basename(path).startsWith(TEMP_DIR_PREFIX) || !roots.includes(dirname(path))) {
    env.warning(`Not removing ${path}: it is not a directory this action made`)
    return
  }
  try {
    await rm(path, { recursive: true, force: true })
  } catch (error) {
    env.warning(`The temporary directory ${path} could not be removed: ${(error as Error).message}`)
  }
}

function jobIds(state: string): string[] {
  if (!state) return []
  try {
    const parsed: unknown = JSON.parse(state)
    return Array.isArray(parsed)
      ? parsed.filter((id): id is string => typeof id === 'string' && id !== '')
      : []
  } catch {
    return []
  }
}
