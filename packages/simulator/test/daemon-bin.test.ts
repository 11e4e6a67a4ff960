import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

const pkg = fileURLToPath(new URL('..', import.meta.url))
const bin = join(pkg, 'dist', 'bin', 'hypervisord-sim.js')

function newestSource(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path))
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

beforeAll(() => {
  // build first when dist is missing or older than the sources
  if (!existsSync(bin) || statSync(bin).mtimeMs < newestSource(join(pkg, 'src'))) {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: pkg, stdio: 'pipe' })
  }
}, 180_000)

const children: ChildProcess[] = []
let cwd: string

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'hvsim-bin-'))
})
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true })
})
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: 'pipe',
  })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d
  })
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const url = new Promise<string>((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`no URL printed; stderr: ${stderr}`)), 15_000)
    child.stdout.on('data', () => {
      const line = /^(http:\/\/\S+)\n/.exec(stdout)
      if (line?.[1]) {
        clearTimeout(guard)
        resolve(line[1])
      }
    })
    child.on('exit', () => {
      clearTimeout(guard)
      reject(new Error(`exited before printing a URL; stderr: ${stderr}`))
    })
  })
  return { child, url, exited, output: () => ({ stdout, stderr }) }
}

describe('hypervisord-sim bin', () => {
  it('prints its URL, answers /health and exits 0 on SIGTERM', async () => {
    const sim = run(['--port', '0'])
    const url = await sim.url
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const health = await fetch(`${url}/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ status: 'healthy' })
    sim.child.kill('SIGTERM')
    expect(await sim.exited).toBe(0)
  })

  it('requires the API key from the environment and exits 0 on SIGINT', async () => {
    const sim = run(['--port', '0'], { HYPERVISORD_SIM_API_KEY: 's3cret' })
    const url = await sim.url
    expect((await fetch(`${url}/status`)).status).toBe(401)
    expect((await fetch(`${url}/status`, { headers: { 'X-API-Key': 's3cret' } })).status).toBe(200)
    sim.child.kill('SIGINT')
    expect(await sim.exited).toBe(0)
    expect(sim.output().stderr).not.toContain('s3cret')
  })

  /** Submits one job and polls (bounded) until the daemon reports it completed. */
  async function exportOne(url: string, body: string, contentType: string, id: string) {
    const submit = await fetch(`${url}/jobs/submit`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    })
    expect((await submit.json()) as object).toMatchObject({ job_ids: [id], accepted: 1 })
    let job: { status: string; result?: { output_files?: string[] } } = { status: '' }
    for (let poll = 0; poll < 500 && job.status !== 'completed'; poll++) {
      job = (await (await fetch(`${url}/jobs/${id}`)).json()) as typeof job
    }
    expect(job.status).toBe('completed')
    return job
  }

  it('runs a job to completion and writes it under its own working directory', async () => {
    const sim = run(['--port', '0', '--job-duration', '0s', '--disk-size', '4096'])
    const yaml =
      'id: demo\nvm_path: /DC/vm/demo\noutput_path: exports/demo\nvcenter:\n  server: vc\n  username: u\n  password: p\n'
    await exportOne(await sim.url, yaml, 'application/x-yaml', 'demo')
    expect(existsSync(join(cwd, 'exports', 'demo', 'demo.ovf'))).toBe(true)
    expect(existsSync(join(cwd, 'exports', 'demo', 'demo-disk-0.vmdk'))).toBe(true)
    sim.child.kill('SIGTERM')
    expect(await sim.exited).toBe(0)
  })

  it('writes an absolute output path under --root', async () => {
    const sim = run(['--port', '0', '--job-duration', '0s', '--root', 'sandbox'])
    const body = JSON.stringify({
      id: 'rooted',
      vm_path: '/DC/vm/app',
      output_path: '/srv/exports/app',
      vcenter: { server: 'vc', username: 'u', password: 'p' },
    })
    const job = await exportOne(await sim.url, body, 'application/json', 'rooted')
    const disk = join(cwd, 'sandbox', 'srv', 'exports', 'app', 'app-disk-0.vmdk')
    expect(job.result?.output_files).toEqual([disk])
    expect(existsSync(disk)).toBe(true)
    sim.child.kill('SIGTERM')
    expect(await sim.exited).toBe(0)
  })

  it('exits 2 with its usage for an unknown option', async () => {
    const sim = run(['--frobnicate'])
    await expect(sim.url).rejects.toThrow()
    expect(await sim.exited).toBe(2)
    expect(sim.output().stderr).toContain('Usage: hypervisord-sim')
  })
})
