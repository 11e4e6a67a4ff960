// Makes docs/live-display.svg from a real run: the simulator on 127.0.0.1, `hyperctl-export export` of three
// VMs with --max-concurrent 2 in a tmux pane, captured mid-run and drawn as SVG text. `node scripts/record-svg.mjs`
// after `npm run build`; needs tmux.
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { startHypervisordSim } from '@hyperctl-export/simulator'

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url))
const OUT = fileURLToPath(new URL('../docs/live-display.svg', import.meta.url))
const COLUMNS = 96
const ROWS = 6
const session = `hyperctl-export-record-${process.pid}`

const sim = await startHypervisordSim({ jobDurationMs: 8_000, stableOrder: true })
const dir = await mkdtemp(join(tmpdir(), 'record-'))
try {
  const argv = [
    'node',
    BIN,
    'export',
    '/DC/vm/web-01',
    '/DC/vm/db-01',
    '/DC/vm/app-01',
    '-o',
    dir,
    '--max-concurrent',
    '2',
    '--daemon-url',
    sim.url,
    '--vcenter-server',
    'vcenter.example.com',
    '--vcenter-username',
    'exporter@vsphere.local',
    '--poll-interval',
    '500ms',
  ]
  const command = `HYPERCTL_EXPORT_VCENTER_PASSWORD=demo ${argv.map((a) => `'${a}'`).join(' ')}; sleep 60`
  execFileSync('tmux', [
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    String(COLUMNS),
    '-y',
    String(ROWS),
    command,
  ])
  await sleep(7_000)
  const screen = execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' })
  await writeFile(
    OUT,
    toSvg(`$ hyperctl-export export web-01 db-01 app-01 -o … --max-concurrent 2\n${screen}`),
  )
  console.log(`wrote ${OUT}:\n${screen}`)
} finally {
  try {
    execFileSync('tmux', ['kill-session', '-t', session])
  } catch {}
  await sim.close()
  await rm(dir, { recursive: true, force: true })
}

function toSvg(text) {
  const lines = text.replace(/\s+$/, '').split('\n')
  const escapeXml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  const lineHeight = 18
  const width = Math.round(COLUMNS * 8.4 + 24)
  const height = lines.length * lineHeight + 24
  const rows = lines.map(
    (line, i) =>
      `<text x="12" y="${24 + i * lineHeight}" xml:space="preserve"${i === 0 ? ' fill="#8be9fd"' : ''}>${escapeXml(line)}</text>`,
  )
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="14" role="img">
<title>hyperctl-export live display: two jobs running, one queued by --max-concurrent</title>
<rect width="100%" height="100%" rx="6" fill="#1e1e2e"/>
<g fill="#e6e6e6">
${rows.join('\n')}
</g>
</svg>
`
}
