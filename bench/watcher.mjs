// A watcher in its own process, so the peak RSS it reports is the watcher's alone (the simulator runs in
// the parent). Usage: node bench/watcher.mjs <daemon-url> <api|cli> <jobs> <output-dir>
// Prints one JSON line: { peakRssBytes, baselineRssBytes, polls, queries, statuses }.
import { join, resolve } from 'node:path'
import { createBackend, exportVms } from '@hyperctl-export/core'

const [url, transport, count, outDir] = process.argv.slice(2)
const n = Number(count)
if (!url || !transport || !(n > 0) || !outDir) {
  console.error('usage: watcher.mjs <daemon-url> <api|cli> <jobs> <output-dir>')
  process.exit(2)
}

let peak = process.memoryUsage().rss
const sampleRss = () => {
  const rss = process.memoryUsage().rss
  if (rss > peak) peak = rss
}
const timer = setInterval(sampleRss, 20)
const baseline = process.memoryUsage().rss

const hyperctlPath = resolve(import.meta.dirname, '../packages/simulator/dist/bin/hyperctl-sim.js')
const { backend } = await createBackend({
  transport,
  daemonUrl: url,
  hyperctlPath,
  env: { ...process.env, HYPERCTL_SIM_DAEMON_URL: url, HYPERVISORD_API_KEY: '' },
})
const vcenter = {
  server: 'vcenter.example.test',
  username: 'bench@vsphere.local',
  password: 'bench-password',
}
const jobs = Array.from({ length: n }, (_, i) => ({
  vmPath: `/Datacenter/vm/fleet/vm-${String(i).padStart(4, '0')}`,
  outputPath: join(outDir, `vm-${i}`),
  vcenter,
}))
let polls = 0
const outcomes = await exportVms(backend, jobs, {
  pollIntervalMs: 500,
  minPollIntervalMs: 250,
  timeoutMs: 120_000,
  onProgress: () => {
    polls++
    sampleRss()
  },
})
sampleRss()
clearInterval(timer)
const statuses = {}
for (const o of outcomes) statuses[o.status] = (statuses[o.status] ?? 0) + 1
process.stdout.write(
  `${JSON.stringify({ peakRssBytes: peak, baselineRssBytes: baseline, polls, statuses })}\n`,
)
