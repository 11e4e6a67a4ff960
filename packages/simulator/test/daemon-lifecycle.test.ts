import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type HypervisordSim,
  type HypervisordSimOptions,
  ManualClock,
  startHypervisordSim,
  type WireJob,
} from '../src/index.js'

const VC = { server: 'vcenter.example.com', username: 'exporter@vsphere.local', password: 'pw' }

// biome-ignore lint/suspicious/noExplicitAny: replies are inspected field by field
type Json = any

let dir: string
let sim: HypervisordSim | undefined

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hvsim-life-'))
})

afterEach(async () => {
  await sim?.close()
  sim = undefined
  rmSync(dir, { recursive: true, force: true })
})

async function start(options: HypervisordSimOptions = {}): Promise<HypervisordSim> {
  sim = await startHypervisordSim({ autoAdvance: false, cwd: dir, stableOrder: true, ...options })
  return sim
}

async function http(
  s: HypervisordSim,
  method: string,
  path: string,
  body?: string,
  contentType = 'application/json',
): Promise<{ status: number; text: string; json: Json }> {
  const res = await fetch(`${s.url}${path}`, {
    method,
    body,
    headers: body === undefined ? {} : { 'content-type': contentType },
    redirect: 'manual',
  })
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, text, json }
}

async function submit(s: HypervisordSim, jobs: unknown, contentType = 'application/json') {
  const r = await http(
    s,
    'POST',
    '/jobs/submit',
    typeof jobs === 'string' ? jobs : JSON.stringify(jobs),
    contentType,
  )
  expect(r.status).toBe(200)
  return r.json as { job_ids: string[]; accepted: number; rejected: number; errors?: string[] }
}

async function job(s: HypervisordSim, id: string): Promise<WireJob> {
  const r = await http(s, 'GET', `/jobs/${id}`)
  expect(r.status).toBe(200)
  return r.json as WireJob
}

describe('startHypervisordSim job lifecycle', () => {
  it('moves a web job from pending through running to completed and writes its OVF and VMDK', async () => {
    const s = await start({ diskSizeBytes: 128 * 1024, listResultFiles: true })
    await submit(s, {
      id: 'j1',
      name: 'web 01',
      vm_path: '/DC/vm/web-01',
      output_path: 'out/web-01',
      vcenter: VC,
    })

    const pending = await job(s, 'j1')
    expect(pending.status).toBe('pending')
    expect(Object.keys(pending)).toEqual(['definition', 'status', 'updated_at'])
    expect(Object.keys(pending.definition)).toEqual([
      'id',
      'name',
      'vm_path',
      'output_path',
      'vcenter',
      'created_at',
    ])

    await s.control.advance(0)
    const running = await job(s, 'j1')
    expect(running.status).toBe('running')
    expect(running.progress).toEqual({
      phase: 'connecting',
      files_downloaded: 0,
      total_files: 0,
      bytes_downloaded: 0,
      bytes_transferred: 0,
      total_bytes: 0,
      percent_complete: 0,
    })
    expect(running.definition.output_dir).toBe('out/web-01')
    expect(running.definition.format).toBe('ovf')

    await s.control.advance(300)
    expect((await job(s, 'j1')).progress?.export_method).toBe('web')

    await s.control.advance(2700)
    const done = await job(s, 'j1')
    expect(done.status).toBe('completed')
    expect(done.progress).toMatchObject({ phase: 'connecting', export_method: 'web', percent_complete: 0 })
    const outDir = join(dir, 'out', 'web-01')
    const ovf = join(outDir, 'web-01.ovf')
    const vmdk = join(outDir, 'web-01-disk-0.vmdk')
    expect(done.result).toEqual({
      vm_name: 'web-01',
      output_dir: outDir,
      ovf_path: ovf,
      files: [ovf, vmdk],
      output_files: [ovf, vmdk],
      total_size: statSync(ovf).size + statSync(vmdk).size,
      duration: 3_000_000_000,
      success: true,
      export_method: 'web',
    })
    const descriptor = readFileSync(ovf, 'utf8')
    expect(descriptor).toMatch(/<File ovf:href="web-01-disk-0\.vmdk" ovf:id="file1" ovf:size="\d+"\/>/)
    expect(descriptor).toContain('ovf:capacity="131072"')
    expect(readFileSync(vmdk).subarray(0, 4).toString('latin1')).toBe('KDMV')
    expect(done.completed_at).toBe(done.updated_at)
  })

  it('fails a job without a vCenter server with the real message right after it starts', async () => {
    const s = await start()
    const reply = await submit(s, {
      id: '',
      name: 'web-01',
      vm_path: '/Datacenter/vm/web-01',
      output_path: '/exports/web-01',
      created_at: '0001-01-01T00:00:00Z',
    })
    const [id] = reply.job_ids
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    await s.control.advance(0)
    const failed = await job(s, id as string)
    expect(failed.status).toBe('failed')
    expect(failed.error).toBe('validate job definition: vcenter server is required')
    expect(failed.progress).toEqual({
      phase: 'connecting',
      files_downloaded: 0,
      total_files: 0,
      bytes_downloaded: 0,
      bytes_transferred: 0,
      total_bytes: 0,
      percent_complete: 0,
    })
    expect(failed.result).toBeUndefined()
  })

  it('asks web and ovftool jobs for vCenter credentials but not govc jobs', async () => {
    const s = await start()
    const server = { server: 'vc' }
    await submit(s, [
      { id: 'w', vm_path: '/v/a', output_dir: 'o', vcenter: server, export_method: 'web' },
      {
        id: 'o',
        vm_path: '/v/b',
        output_dir: 'o',
        vcenter: { ...server, username: 'u' },
        export_method: 'ovftool',
      },
      { id: 'g', vm_path: '/v/c', output_dir: 'o', vcenter: server, export_method: 'govc' },
      { id: 'n', vm_path: '/v/d', vcenter: VC },
      { id: 'e', vm_path: '', output_dir: 'o', vcenter: VC },
    ])
    await s.control.advance(0)
    expect((await job(s, 'w')).error).toBe('validate job definition: vcenter username is required')
    expect((await job(s, 'o')).error).toBe('validate job definition: vcenter password is required')
    expect((await job(s, 'g')).status).toBe('running')
    expect((await job(s, 'n')).error).toBe('validate job definition: output_dir is required')
    expect((await job(s, 'e')).error).toBe('validate job definition: vm_path is required')
  })

  it('builds the vCenter block from the legacy fields when a job starts', async () => {
    const s = await start()
    await submit(
      s,
      'id: legacy\nvm_path: /v/a\noutput_path: o\nusername: u\npassword: p\ninsecure: true\n',
      'application/x-yaml',
    )
    expect((await job(s, 'legacy')).definition.vcenter).toBeUndefined()
    await s.control.advance(0)
    const started = await job(s, 'legacy')
    expect(started.definition.vcenter).toEqual({
      server: 'vcenter.example.com',
      username: 'u',
      password: 'p',
      insecure: true,
    })
    expect(started.status).toBe('running')
  })

  it('reports govc output lines as current_step with percent 0', async () => {
    const s = await start()
    await submit(s, { id: 'g', vm_path: '/DC/vm/db', output_dir: 'o', vcenter: VC, method: 'govc' })
    await s.control.advance(0)
    const connecting = await job(s, 'g')
    expect(connecting.definition.export_method).toBe('govc')
    expect(connecting.progress).toMatchObject({ phase: 'connecting', export_method: 'govc' })
    await s.control.advance(900)
    const exporting = await job(s, 'g')
    expect(exporting.progress).toMatchObject({
      phase: 'exporting',
      percent_complete: 0,
      export_method: 'govc',
    })
    expect(exporting.progress?.current_step).toMatch(/^Exporting db-disk1\.vmdk/)
  })

  it('reports ovftool Progress lines as percent_complete', async () => {
    const s = await start({ jobDurationMs: 1000, progressSteps: 4 })
    await submit(s, {
      id: 'o',
      vm_path: '/DC/vm/app',
      output_dir: 'o',
      vcenter: VC,
      export_method: 'ovftool',
    })
    await s.control.advance(0)
    expect((await job(s, 'o')).progress).toMatchObject({ phase: 'connecting', export_method: 'ovftool' })
    const seen: Array<[number, string | undefined]> = []
    for (let i = 0; i < 4; i++) {
      await s.control.advance(i === 0 ? 300 : 200)
      const p = (await job(s, 'o')).progress
      seen.push([p?.percent_complete ?? -1, p?.current_step])
    }
    expect(seen).toEqual([
      [25, 'Progress: 25%'],
      [50, 'Progress: 50%'],
      [75, 'Progress: 75%'],
      [100, 'Progress: 100%'],
    ])
    expect((await job(s, 'o')).status).toBe('running')
    await s.control.advance(100)
    expect((await job(s, 'o')).status).toBe('completed')
  })

  it('defaults to ctl and fails ctl jobs with exit status 1 when hyperctl is on PATH', async () => {
    const s = await start({ hyperctlOnPath: true })
    await submit(s, { id: 'c', vm_path: '/DC/vm/a', output_dir: 'o', vcenter: VC })
    await s.control.advance(0)
    const failed = await job(s, 'c')
    expect(failed.status).toBe('failed')
    expect(failed.error).toBe('export failed: hyperctl export failed: exit status 1')
    expect(failed.progress?.export_method).toBeUndefined()
    const caps = (await http(s, 'GET', '/capabilities')).json
    expect(caps.default_method).toBe('ctl')
    expect(caps.capabilities.ctl).toMatchObject({ available: true, version: 'unknown', priority: 1 })
  })

  it('uses the configured default method for jobs that name none and falls back for unavailable ones', async () => {
    const s = await start({ defaultMethod: 'ovftool', availableMethods: ['web'] })
    await submit(s, [
      { id: 'a', vm_path: '/v/a', output_dir: 'o', vcenter: VC },
      { id: 'b', vm_path: '/v/b', output_dir: 'o', vcenter: VC, export_method: 'govc' },
    ])
    await s.control.advance(0)
    expect((await job(s, 'a')).progress?.export_method).toBe('ovftool')
    expect((await job(s, 'b')).progress?.export_method).toBe('ovftool')
    s.control.setDefaultMethod('govc')
    await submit(s, { id: 'c', vm_path: '/v/c', output_dir: 'o', vcenter: VC })
    await s.control.advance(0)
    expect((await job(s, 'c')).progress?.export_method).toBe('govc')
  })

  it('lets the export overwrite a cancelled job when it finishes, as the real daemon does', async () => {
    const s = await start()
    await submit(s, { id: 'x', vm_path: '/DC/vm/x', output_dir: 'out', vcenter: VC })
    await s.control.advance(1000)
    const reply = (await http(s, 'POST', '/jobs/cancel', JSON.stringify({ job_ids: ['x'] }))).json
    expect(reply.cancelled).toEqual(['x'])
    expect(Object.keys(reply)).toEqual(['cancelled', 'failed', 'timestamp'])
    const cancelled = await job(s, 'x')
    expect(cancelled.status).toBe('cancelled')
    expect(cancelled.completed_at).toBeDefined()
    await s.control.advance(2000)
    const done = await job(s, 'x')
    expect(done.status).toBe('completed')
    expect(existsSync(join(dir, 'out', 'x.ovf'))).toBe(true)
  })

  it('sets a job cancelled while pending back to running when it starts', async () => {
    const s = await start()
    await submit(s, { id: 'p', vm_path: '/DC/vm/p', output_dir: 'out', vcenter: VC })
    await http(s, 'POST', '/jobs/cancel', JSON.stringify({ job_ids: ['p'] }))
    expect((await job(s, 'p')).status).toBe('cancelled')
    await s.control.advance(0)
    const running = await job(s, 'p')
    expect(running.status).toBe('running')
    expect(running.completed_at).toBeDefined()
  })

  it('keeps a cancelled job cancelled and writes nothing when cancelStopsExport is set', async () => {
    const s = await start({ cancelStopsExport: true })
    await submit(s, { id: 'x', vm_path: '/DC/vm/x', output_dir: 'out', vcenter: VC })
    await s.control.advance(1000)
    await http(s, 'POST', '/jobs/cancel', JSON.stringify({ job_ids: ['x'] }))
    await s.control.advance(60_000)
    expect((await job(s, 'x')).status).toBe('cancelled')
    expect(existsSync(join(dir, 'out'))).toBe(false)
  })

  it('rejects a duplicate ID, also within one batch, and accepts the rest', async () => {
    const s = await start()
    await submit(s, { id: 'nightly-db', vm_path: '/v/db' })
    const again = await submit(s, [
      { name: 'web-02', vm_path: '/v/web-02' },
      { id: 'nightly-db', vm_path: '/v/db' },
      { id: 'twice', vm_path: '/v/t' },
      { id: 'twice', vm_path: '/v/t' },
    ])
    expect(again.accepted).toBe(2)
    expect(again.rejected).toBe(2)
    expect(again.errors).toEqual([
      'job with ID nightly-db already exists',
      'job with ID twice already exists',
    ])
    expect(again.job_ids[1]).toBe('twice')
  })

  it('accepts YAML and JSON job files in all three shapes', async () => {
    const s = await start()
    const yamlOne = 'vm_path: /v/y1\nname: y1\n'
    const yamlBatch = 'jobs:\n  - vm_path: /v/y2\n  - vm_path: /v/y3\n'
    const yamlList = '- vm_path: /v/y4\n- vm_path: /v/y5\n- vm_path: /v/y6\n'
    expect((await submit(s, yamlOne, 'application/x-yaml')).accepted).toBe(1)
    expect((await submit(s, yamlBatch, 'text/yaml')).accepted).toBe(2)
    expect((await submit(s, yamlList, 'application/yaml')).accepted).toBe(3)
    expect((await submit(s, { vm_path: '/v/j1' })).accepted).toBe(1)
    expect((await submit(s, { jobs: [{ vm_path: '/v/j2' }, { vm_path: '/v/j3' }] })).accepted).toBe(2)
    expect((await submit(s, [{ vm_path: '/v/j4' }])).accepted).toBe(1)
    expect(s.control.jobs().map((j) => j.definition.vm_path)).toEqual([
      '/v/y1',
      '/v/y2',
      '/v/y3',
      '/v/y4',
      '/v/y5',
      '/v/y6',
      '/v/j1',
      '/v/j2',
      '/v/j3',
      '/v/j4',
    ])
  })

  it('forgets every job and resets uptime on restart', async () => {
    const s = await start()
    await submit(s, { id: 'r', vm_path: '/v/r', output_dir: 'o', vcenter: VC })
    await s.control.advance(5000)
    expect((await http(s, 'GET', '/status')).json.uptime).toBe('5s')
    s.control.restart()
    expect((await http(s, 'GET', '/jobs/r')).status).toBe(404)
    const status = (await http(s, 'GET', '/status')).json
    expect(status).toMatchObject({ uptime: '0s', total_jobs: 0 })
    expect((await http(s, 'POST', '/jobs/query', '{"all":true}')).json.jobs).toBeNull()
  })

  it("reports counts and Go's uptime text on /status", async () => {
    const clock = new ManualClock(Date.UTC(2026, 1, 11, 20, 50, 5))
    const s = await start({ clock })
    await submit(s, [
      { id: 'ok', vm_path: '/v/a', output_dir: 'o', vcenter: VC },
      { id: 'bad', vm_path: '/v/b' },
      { id: 'run', vm_path: '/v/c', output_dir: 'o', vcenter: VC },
    ])
    await s.control.advance(0)
    s.control.completeJob('ok')
    s.control.hangJob('run')
    clock.advanceNs(8_142_318_476_021n)
    const r = await http(s, 'GET', '/status')
    expect(r.text).toBe(
      '{"version":"0.0.1","uptime":"2h15m42.318476021s","total_jobs":3,"running_jobs":1,"completed_jobs":1,"failed_jobs":1,"cancelled_jobs":0,"timestamp":"2026-02-11T23:05:47.318476021Z"}\n',
    )
  })

  it('serves progress with sorted keys and a transfer rate while running', async () => {
    const s = await start()
    await submit(s, { id: 'p', vm_path: '/v/p', output_dir: 'o', vcenter: VC, export_method: 'ovftool' })
    await s.control.advance(1000)
    const running = await http(s, 'GET', '/jobs/progress/p')
    expect(Object.keys(running.json)).toEqual([
      'elapsed_seconds',
      'job_id',
      'progress',
      'started_at',
      'status',
      'timestamp',
      'transfer_rate_mbps',
    ])
    expect(Object.keys(running.json.progress)).toEqual([
      'bytes_downloaded',
      'current_file',
      'current_step',
      'estimated_remaining',
      'export_method',
      'files_downloaded',
      'percent_complete',
      'phase',
      'total_bytes',
      'total_files',
    ])
    expect(running.json.elapsed_seconds).toBe(1)
    expect(running.json.transfer_rate_mbps).toBe(0)
    await s.control.advance(5000)
    const done = await http(s, 'GET', '/jobs/progress/p')
    expect(done.json.status).toBe('completed')
    expect(done.json.transfer_rate_mbps).toBeUndefined()
    expect(done.json.elapsed_seconds).toBe(6)
    expect(done.json.completed_at).toBeDefined()
  })

  it('synthesises the log entries of a finished job', async () => {
    // the richer listing, so that files_count and duration have something to count
    const s = await start({ listResultFiles: true })
    await submit(s, { id: 'l', vm_path: '/v/l', output_path: 'o', vcenter: VC })
    const before = (await http(s, 'GET', '/jobs/logs/l')).json
    expect(before.logs[0].details).toEqual({ format: '', method: 'auto', output_dir: 'o', vm_path: '/v/l' })
    await s.control.advance(3000)
    const r = await http(s, 'GET', '/jobs/logs/l')
    expect(Object.keys(r.json)).toEqual(['job_id', 'log_count', 'logs', 'timestamp'])
    expect(r.json.log_count).toBe(4)
    expect(r.json.logs.map((e: { message: string }) => e.message)).toEqual([
      'Job created',
      'Job started',
      'Progress update',
      'Job completed successfully',
    ])
    expect(r.json.logs[3]).toMatchObject({ level: 'info', details: { duration: '3s', files_count: 2 } })
    expect(Object.keys(r.json.logs[2])).toEqual(['details', 'level', 'message', 'timestamp'])
  })

  it('fails jobs named in failVmPaths at the end and never finishes jobs in hangVmPaths', async () => {
    const s = await start({
      failVmPaths: { '/v/bad': 'export failed: export ovf: find VM: vm not found' },
      hangVmPaths: ['/v/stuck'],
    })
    await submit(s, [
      { id: 'bad', vm_path: '/v/bad', output_dir: 'o', vcenter: VC },
      { id: 'stuck', vm_path: '/v/stuck', output_dir: 'o', vcenter: VC },
    ])
    await s.control.advance(2000)
    expect((await job(s, 'bad')).status).toBe('running')
    await s.control.advance(1000)
    const bad = await job(s, 'bad')
    expect(bad).toMatchObject({ status: 'failed', error: 'export failed: export ovf: find VM: vm not found' })
    await s.control.advance(3_600_000)
    expect((await job(s, 'stuck')).status).toBe('running')
    expect(s.control.completeJob('stuck').status).toBe('completed')
  })

  it('completes, fails and hangs jobs on command', async () => {
    const s = await start()
    await submit(s, [
      { id: 'a', vm_path: '/v/a', output_dir: 'o', vcenter: VC },
      { id: 'b', vm_path: '/v/b', output_dir: 'o', vcenter: VC },
      { id: 'c', vm_path: '/v/c', output_dir: 'o', vcenter: VC },
      { id: 'd', vm_path: '/v/d', output_dir: 'o' },
    ])
    expect(s.control.completeJob('a').status).toBe('completed')
    expect(existsSync(join(dir, 'o', 'a.ovf'))).toBe(true)
    await s.control.advance(0)
    expect(s.control.failJob('b', 'export failed: govc export failed: exit status 1')).toMatchObject({
      status: 'failed',
      error: 'export failed: govc export failed: exit status 1',
    })
    s.control.hangJob('c')
    await s.control.advance(100_000)
    expect(s.control.job('c')?.status).toBe('running')
    expect(s.control.job('d')?.error).toBe('validate job definition: vcenter server is required')
    expect(() => s.control.completeJob('a')).toThrow(/no export in progress/)
    expect(() => s.control.failJob('nope', 'x')).toThrow('job not found: nope')
  })

  it('lists only the disks of a web export and nothing for the others, as the real exporters do', async () => {
    const s = await start()
    await submit(s, [
      { id: 'w', vm_path: '/v/w', output_dir: 'o', vcenter: VC },
      { id: 'o', vm_path: '/v/o', output_dir: 'o', vcenter: VC, export_method: 'ovftool' },
    ])
    await s.control.advance(3000)
    const w = await job(s, 'w')
    expect(w.result).toMatchObject({ vm_name: '', output_dir: '', ovf_path: '', files: null, duration: 0 })
    // hyperctl-real/query-completed: the disk only, though the descriptor is written beside it
    const disk = join(dir, 'o', 'w-disk-0.vmdk')
    expect(w.result?.output_files).toEqual([disk])
    expect(w.result?.total_size).toBe(statSync(disk).size)
    expect(existsSync(join(dir, 'o', 'w.ovf'))).toBe(true)
    const o = await job(s, 'o')
    expect(o.result).toEqual({
      vm_name: '',
      output_dir: '',
      ovf_path: '',
      files: null,
      total_size: 0,
      duration: 0,
      success: true,
      export_method: 'ovftool',
    })
    const logs = (await http(s, 'GET', '/jobs/logs/w')).json
    expect(logs.logs.at(-1).details.files_count).toBe(0)
  })

  it('fails the export with a Go-style error when the output directory cannot be created', async () => {
    const s = await start()
    writeFileSync(join(dir, 'blocker'), 'x')
    await submit(s, { id: 'f', vm_path: '/v/f', output_dir: 'blocker/sub', vcenter: VC })
    await s.control.advance(3000)
    const f = await job(s, 'f')
    expect(f.status).toBe('failed')
    expect(f.error).toMatch(
      /^export failed: export ovf: prepare output directory: create directory: mkdir .*blocker.*: (not a directory|file exists)$/,
    )
  })

  it('writes nothing when writeFiles is false', async () => {
    const s = await start({ writeFiles: false })
    await submit(s, { id: 'n', vm_path: '/v/n', output_dir: 'o', vcenter: VC })
    await s.control.advance(3000)
    expect((await job(s, 'n')).result?.files).toBeNull()
    expect(existsSync(join(dir, 'o'))).toBe(false)
  })

  it('returns jobs in random order unless stableOrder is set, and limit takes the first of that order', async () => {
    let calls = 0
    const s = await start({ stableOrder: false, random: () => (calls++ % 2 === 0 ? 0 : 0.99) })
    await submit(
      s,
      ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, vm_path: `/v/${id}` })),
    )
    const all = (await http(s, 'GET', '/jobs/query?all=true')).json.jobs.map((j: WireJob) => j.definition.id)
    expect([...all].sort()).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(all).not.toEqual(['a', 'b', 'c', 'd', 'e'])
    const limited = (await http(s, 'POST', '/jobs/query', '{"limit":2}')).json
    expect(limited.total).toBe(2)
  })

  it('filters by exact status and answers null when nothing matches', async () => {
    const s = await start()
    await submit(s, [
      { id: 'a', vm_path: '/v/a' },
      { id: 'b', vm_path: '/v/b', output_dir: 'o', vcenter: VC },
    ])
    await s.control.advance(0)
    const failed = (await http(s, 'POST', '/jobs/query', '{"status":["failed"]}')).json
    expect(failed.jobs.map((j: WireJob) => j.definition.id)).toEqual(['a'])
    const none = await http(s, 'POST', '/jobs/query', '{"status":["Failed"]}')
    expect(none.text).toMatch(/^\{"jobs":null,"total":0,"timestamp":"[^"]+"\}\n$/)
    const ids = (await http(s, 'POST', '/jobs/query', '{"job_ids":["b","zz","b"],"all":true}')).json
    expect(ids.jobs.map((j: WireJob) => j.definition.id)).toEqual(['b', 'b'])
  })

  it('keeps updating the progress of a cancelled job while its export runs', async () => {
    const s = await start({ jobDurationMs: 1000 })
    await submit(s, { id: 'k', vm_path: '/v/k', output_dir: 'o', vcenter: VC, export_method: 'ovftool' })
    await s.control.advance(0)
    await http(s, 'POST', '/jobs/cancel', '{"job_ids":["k"]}')
    await s.control.advance(500)
    const k = await job(s, 'k')
    expect(k.status).toBe('cancelled')
    expect(k.progress?.percent_complete).toBe(50)
    expect(k.updated_at).not.toBe(k.completed_at)
  })

  it('drops the connection for ETA of a job between 0 and 100 percent, as the Go handler panics', async () => {
    // the richer listing fills result.duration, which total_duration shows
    const s = await start({ listResultFiles: true })
    await submit(s, [
      { id: 'e', vm_path: '/v/e', output_dir: 'o', vcenter: VC, export_method: 'ovftool' },
      { id: 'q', vm_path: '/v/q', output_dir: 'o', vcenter: VC },
    ])
    const pending = (await http(s, 'GET', '/jobs/eta/q')).json
    expect(pending.eta).toEqual({ message: 'Job not started yet', status: 'pending' })
    await s.control.advance(1000)
    await expect(fetch(`${s.url}/jobs/eta/e`)).rejects.toThrow()
    expect(s.control.requests.at(-1)?.fault).toBe('panic')
    await s.control.advance(2000)
    const done = (await http(s, 'GET', '/jobs/eta/e')).json
    expect(done.eta).toEqual({ message: 'Job already completed', total_duration: '3s' })
  })
})
