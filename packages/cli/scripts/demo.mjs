// `npm run demo`: one export end to end, with no vCenter and no hypervisord. Starts the simulator on a
// free port on 127.0.0.1, runs the built `hyperctl-export export` against it as a child process (so the
// progress display is exactly what a user sees), lists the exported files, and shuts everything down.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startHypervisordSim } from '@hyperctl-export/simulator'

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url))
const vmPath = '/Demo-DC/vm/web-01'
// why: a fresh password each run, only ever in the child's environment, never on a command line
const password = randomBytes(12).toString('base64url')

const dim = process.stderr.isTTY && !process.env.NO_COLOR ? (t) => `\x1b[2m${t}\x1b[22m` : (t) => t
const say = (text) => process.stderr.write(`${dim('[demo]')} ${text}\n`)

const outDir = await mkdtemp(join(tmpdir(), 'hyperctl-export-demo-'))
// why: the daemon and the CLI share this machine, as on a self-hosted runner, so the CLI reads and verifies
// what the simulator wrote; the simulator accepts a path inside the temp directory and refuses any other
const daemonOutput = join(outDir, 'exports', 'web-01')
const sim = await startHypervisordSim({
  jobDurationMs: 4_000,
  progressSteps: 8,
  stableOrder: true,
})
let code = 1
try {
  say(`hypervisord simulator listening at ${sim.url} (jobs take about 4 s)`)
  say(`exporting ${vmPath} into ${daemonOutput}`)
  const argv = [
    bin,
    'export',
    vmPath,
    '--output',
    daemonOutput,
    '--daemon-url',
    sim.url,
    '--vcenter-server',
    'vcenter.demo.invalid',
    '--vcenter-username',
    'exporter@vsphere.local',
    '--poll-interval',
    '500ms',
    '--timeout',
    '2m',
    '--cancel-on-interrupt',
  ]
  say(`$ hyperctl-export ${argv.slice(1).join(' ')}`)
  code = await run(process.execPath, argv, { ...process.env, HYPERCTL_EXPORT_VCENTER_PASSWORD: password })
  say(`hyperctl-export exited with ${code}`)

  const job = sim.control.jobs().at(-1)
  if (job) say(`the simulator shows job ${job.definition.id}: ${job.status}`)
  const files = await listFiles(outDir)
  say(files.length > 0 ? 'files written by the simulated export:' : 'no file was written')
  for (const file of files) say(`  ${file.path}  (${file.size} bytes)`)
} finally {
  await sim.close()
  await rm(outDir, { recursive: true, force: true })
  say('simulator stopped, temporary directory removed')
}
process.exitCode = code

function run(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'inherit' })
    // why: Ctrl-C reaches the child through the terminal; the demo waits for it to cancel and exit
    const ignore = () => {}
    process.on('SIGINT', ignore)
    child.on('error', reject)
    child.on('exit', (status, signal) => {
      process.off('SIGINT', ignore)
      resolve(status ?? (signal ? 130 : 1))
    })
  })
}

async function listFiles(dir) {
  const out = []
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath ?? entry.path, entry.name)
    out.push({ path, size: (await stat(path)).size })
  }
  return out.sort((a, b) => a.path.localeCompare(b.path))
}
