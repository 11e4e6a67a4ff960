import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fixturesRoot } from '@hyperctl-export/fixtures'

/** The stand-in executable (committed with mode 0755). */
export const FAKE_HYPERCTL = join(dirname(fileURLToPath(import.meta.url)), 'fake-hyperctl.mjs')
export const FIXTURE_DIR = join(fixturesRoot(), 'hyperctl')

export interface FakeResponse {
  stdout?: string
  stderr?: string
  exitCode?: number
  fixture?: string
  submitEcho?: { reject?: string[] }
  hangMs?: number
  ignoreSigterm?: boolean
  grandchild?: boolean
}

export interface FakeInvocation {
  argv: string[]
  pid: number
  cwd: string
  env: {
    NO_COLOR: string | null
    LANG: string | null
    LC_ALL: string | null
    RUNEWIDTH_EASTASIAN: string | null
  }
  file?: { path: string; content?: string; mode?: string; dirMode?: string; error?: string }
  grandchildPid?: number
}

/** A scratch directory with a record file; `env()` wires the fake to a script. Call `dispose()` after. */
export async function fakeSetup() {
  const dir = await mkdtemp(join(tmpdir(), 'fake-hyperctl-test-'))
  const recordFile = join(dir, 'record.jsonl')
  const scriptFile = join(dir, 'script.json')
  return {
    dir,
    /** The child environment for a script (command → response) or a fixture case. */
    async env(
      script: Record<string, FakeResponse> | { case: string; dir?: string },
    ): Promise<NodeJS.ProcessEnv> {
      const base = {
        ...process.env,
        FAKE_HYPERCTL_RECORD: recordFile,
        FAKE_HYPERCTL_FIXTURE_DIR: FIXTURE_DIR,
      }
      if ('case' in script && typeof script.case === 'string') {
        return {
          ...base,
          FAKE_HYPERCTL_CASE: script.case,
          FAKE_HYPERCTL_FIXTURE_DIR: typeof script.dir === 'string' ? script.dir : FIXTURE_DIR,
        }
      }
      await writeFile(scriptFile, JSON.stringify(script))
      return { ...base, FAKE_HYPERCTL_SCRIPT: scriptFile }
    },
    records(): FakeInvocation[] {
      if (!existsSync(recordFile)) return []
      return readFileSync(recordFile, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as FakeInvocation)
    },
    /** Resolves once the fake has started `count` times; bounded by `limitMs`. */
    async started(count = 1, limitMs = 10_000): Promise<FakeInvocation[]> {
      const until = Date.now() + limitMs
      for (;;) {
        const records = this.records()
        if (records.length >= count) return records
        if (Date.now() > until)
          throw new Error(`the fake hyperctl did not start ${count} time(s) within ${limitMs} ms`)
        await new Promise((r) => setTimeout(r, 10))
      }
    },
    async dispose() {
      for (const record of this.records()) {
        for (const pid of [record.pid, record.grandchildPid]) if (pid !== undefined) killQuietly(pid)
      }
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** true while the process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    // why: an orphan is re-parented to PID 1, which may not reap it; a zombie runs nothing
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true
  }
}

/**
 * true once the process is gone, polling for at most `limitMs`. For a grandchild only: its pipes close
 * while the kernel is still tearing it down, so it can look alive for a moment after our 'close' event.
 */
export async function goneWithin(pid: number, limitMs = 5_000): Promise<boolean> {
  const until = Date.now() + limitMs
  while (isAlive(pid)) {
    if (Date.now() > until) return false
    await new Promise((r) => setTimeout(r, 10))
  }
  return true
}

/** Kills a leftover of ours: only a process whose command line shows it is the fake or its grandchild. */
function killQuietly(pid: number): void {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    if (!cmdline.includes('fake-hyperctl.mjs') && !cmdline.includes('setTimeout(() => {}, 60000)')) return
    process.kill(pid, 'SIGKILL')
  } catch {
    // already gone
  }
}
