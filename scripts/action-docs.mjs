// Renders the README's action block (usage, inputs, outputs) from action.yml; `npm run docs:action` writes it.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parse } from 'yaml'

export const START = '<!-- action-docs:start -->'
export const END = '<!-- action-docs:end -->'
const root = fileURLToPath(new URL('..', import.meta.url))
export const ACTION_PATH = `${root}action.yml`
export const README_PATH = `${root}README.md`

/** One table cell: one line, pipes escaped (folded YAML may still hold line breaks). */
function cell(text) {
  return String(text ?? '')
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
}

/** A Markdown table with padded columns, the layout `biome format` gives, so formatting leaves it alone. */
function table(header, rows) {
  const widths = header.map((_, i) => Math.max(3, ...[header, ...rows].map((row) => [...row[i]].length)))
  const line = (row) =>
    `| ${row.map((text, i) => text + ' '.repeat(widths[i] - [...text].length)).join(' | ')} |`
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)]
}

export function renderActionDocs(actionYaml) {
  const action = parse(actionYaml)
  const inputs = Object.entries(action.inputs ?? {})
  const outputs = Object.entries(action.outputs ?? {})
  const lines = [
    START,
    '<!-- generated from action.yml by `npm run docs:action`; CI fails when it differs -->',
    '',
    cell(action.description),
    '',
    '```yaml',
    '- uses: org/hyperctl-export@v1',
    '  id: export',
    '  with:',
    '    vm-path: /Datacenter/vm/web-01',
    '    output-path: /exports/web-01 # on the daemon machine',
    '    vcenter-server: vcenter.example.com',
    '    vcenter-username: exporter@vsphere.local',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JavaScript template
    '    vcenter-password: ${{ secrets.VCENTER_PASSWORD }}',
    '    daemon-url: http://exports.internal:8080',
    '    timeout: 90m',
    // why: outputs reach the shell through env, never spliced into run: (script injection)
    '- env:',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JavaScript template
    '    JOB_ID: ${{ steps.export.outputs.job-id }}',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JavaScript template
    '    STATUS: ${{ steps.export.outputs.status }}',
    '  run: echo "$JOB_ID $STATUS"',
    '```',
    '',
    'Runs on Node 24 (`runs.using: node24`). When the workflow is cancelled, the step stops waiting, cancels',
    'its unfinished jobs on the daemon (`cancel-on-abort`) and still sets `job-id`/`job-ids`; its post step',
    'cancels whatever it could not. hypervisord only labels a job cancelled: an export already running goes on.',
    'More in [`examples/`](examples/).',
    '',
    '### Inputs',
    '',
    ...table(
      ['input', 'description', 'default'],
      inputs.map(([name, spec]) => [
        `\`${name}\``,
        cell(spec.description),
        spec.default === undefined ? '' : `\`${cell(spec.default)}\``,
      ]),
    ),
    '',
    '### Outputs',
    '',
    ...table(
      ['output', 'description'],
      outputs.map(([name, spec]) => [`\`${name}\``, cell(spec.description)]),
    ),
    END,
  ]
  return lines.join('\n')
}

/** The README with its action block replaced; throws when the markers are missing. */
export function withActionDocs(readme, actionYaml) {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} block`)
  return readme.slice(0, start) + renderActionDocs(actionYaml) + readme.slice(end + END.length)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const readme = readFileSync(README_PATH, 'utf8')
  const next = withActionDocs(readme, readFileSync(ACTION_PATH, 'utf8'))
  if (next !== readme) writeFileSync(README_PATH, next)
  console.log(next === readme ? 'README.md action docs are up to date' : 'README.md action docs written')
}
