import { JobFailedError, type JobOutcome } from '@hyperctl-export/core'
import { describe, expect, it } from 'vitest'
import { formatBytes, renderSummary } from './summary.js'

function outcome(over: Partial<JobOutcome> & Pick<JobOutcome, 'jobId' | 'status'>): JobOutcome {
  return {
    index: 0,
    vmPath: `/DC/vm/${over.jobId}`,
    name: over.jobId,
    attached: false,
    warnings: [],
    ...over,
  }
}

describe('renderSummary', () => {
  const hostile = '/DC/vm/<img src=x onerror=alert(1)>&"\'\n\n**bold** | pipe'
  const html = renderSummary({
    status: 'failed',
    target: 'hypervisord REST API at http://127.0.0.1:8080',
    transport: 'api',
    outputPath: '/exports/<night>',
    outcomes: [
      outcome({
        jobId: 'a1',
        vmPath: '/DC/vm/web-01',
        status: 'completed',
        durationMs: 125_000,
        result: { files: ['/exports/web-01/disk-0.vmdk'], totalSize: 3 * 1024 ** 3 },
        files: [
          { path: '/exports/web-01/web-01.ovf', size: 1024, sha256: 'a'.repeat(64), role: 'descriptor' },
          {
            path: '/exports/web-01/disk-0.vmdk',
            size: 3 * 1024 ** 3 - 1024,
            sha256: 'b'.repeat(64),
            role: 'disk',
          },
        ],
        verified: true,
        warnings: ['remove-cdrom was passed to hypervisord, but this hypervisord stores it without using it'],
      }),
      outcome({
        jobId: 'b2',
        index: 1,
        vmPath: hostile,
        status: 'failed',
        error: new JobFailedError('b2', 'export failed: <script>alert("x")</script>'),
        attached: true,
      }),
    ],
  })

  it('shows a row per job with VM, job ID, status, files, total size, duration, throughput and verified', () => {
    expect(html).toContain(
      '<th>VM</th><th>Job ID</th><th>Status</th><th>Files</th><th>Total size</th><th>Duration</th><th>Throughput</th><th>Verified</th><th>Error</th>',
    )
    expect(html).toContain(
      '<td>/DC/vm/web-01</td><td><code>a1</code></td><td>✅ completed</td><td><code>/exports/web-01/web-01.ovf</code> (descriptor, 1.00 KiB)<br><code>/exports/web-01/disk-0.vmdk</code> (disk, 3.00 GiB)</td>',
    )
    // 3 GiB in 125 s: 3 * 1024^3 / 1e6 / 125 = 25.8 MB/s
    expect(html).toContain('<td>3.00 GiB</td><td>2m05s</td><td>25.8 MB/s</td><td>✅ yes</td>')
    expect(html).toContain('1 of 2 exports completed')
    expect(html).toContain('(attached)')
  })

  it('shows the error and its hint when a job failed', () => {
    expect(html).toContain(
      'job b2 failed: export failed: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br><em>',
    )
  })

  it('escapes VM paths and error texts so no markup or blank line gets through', () => {
    expect(html).not.toContain('<img')
    expect(html).not.toContain('<script')
    expect(html).toContain('/DC/vm/&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;<br><br>**bold** | pipe')
    expect(html).toContain('<code>/exports/&lt;night&gt;</code>')
    // a blank line would end the HTML block and let Markdown in
    expect(html.trimEnd()).not.toMatch(/\n\s*\n/)
  })

  it('lists the warnings once under the table', () => {
    expect(html.match(/stores it without using it/g)).toHaveLength(1)
  })

  it('shows at most 20 files and says how many more there are when a job wrote many', () => {
    const files = Array.from({ length: 25 }, (_, i) => `/e/f${i}.vmdk`)
    const many = renderSummary({
      status: 'completed',
      target: 't',
      transport: 'api',
      outputPath: '/e',
      outcomes: [
        outcome({ jobId: 'a', status: 'completed', files: files.map((path) => ({ path, role: 'disk' })) }),
      ],
    })
    expect(many).toContain('f19.vmdk')
    expect(many).not.toContain('f20.vmdk')
    expect(many).toContain('and 5 more')
  })

  it('says why the files were not verified', () => {
    const away = renderSummary({
      status: 'completed',
      target: 't',
      transport: 'api',
      outputPath: '/e',
      outcomes: [
        outcome({
          jobId: 'a',
          status: 'completed',
          files: [{ path: '/e/a-disk-0.vmdk', role: 'disk' }],
          verified: false,
          unverifiedReason: '/e cannot be read here (ENOENT)',
        }),
      ],
    })
    expect(away).toContain('<td>no: /e cannot be read here (ENOENT)</td>')
    expect(away).toContain('<code>/e/a-disk-0.vmdk</code> (disk)')
  })
})

describe('renderSummary with hostile text', () => {
  it('shows escape sequences, bidi and zero-width characters as escapes, never raw', () => {
    const html = renderSummary({
      status: 'failed',
      target: 't',
      transport: 'api',
      outputPath: '/e',
      outcomes: [
        outcome({
          jobId: 'a',
          vmPath: '/dc/vm/\x1b[31mred\u202eevil\u2066x\u200by',
          status: 'failed',
          error: new JobFailedError('a', 'bad \x1b]0;t\x07 \u2069<b>\r\nz'),
        }),
      ],
    })
    expect(html).not.toMatch(
      /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/,
    )
    expect(html).toContain('\\x1b[31mred\\u202eevil\\u2066x\\u200by')
    expect(html).toContain('bad \\x1b]0;t\\x07 \\u2069&lt;b&gt;<br>z')
  })
})

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1536, '1.50 KiB'],
    [10 * 1024 ** 2, '10.0 MiB'],
    [1.5 * 1024 ** 4, '1.50 TiB'],
  ])('shows %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})

describe('renderSummary with thousands of jobs', () => {
  it('stays under 1 MiB, keeps every failure as a row, and counts the jobs it leaves out', () => {
    const outcomes = Array.from({ length: 10_000 }, (_, i) =>
      outcome({
        jobId: `job-${i}`,
        status: i % 2_500 === 2_499 ? 'failed' : 'completed',
        ...(i % 2_500 === 2_499 ? { error: new JobFailedError(`job-${i}`, 'e'.repeat(50_000)) } : {}),
        result: { files: [`/e/vm-${i}/vm-${i}.ovf`, `/e/vm-${i}/vm-${i}-disk1.vmdk`] },
      }),
    )
    const html = renderSummary({
      status: 'failed',
      target: 't',
      transport: 'api',
      outputPath: '/e',
      outcomes,
      resultFile: '/tmp/r.json',
    })
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(1024 * 1024)
    for (const i of [2_499, 4_999, 7_499, 9_999]) expect(html).toContain(`<code>job-${i}</code>`)
    const rows = html.match(/<tr><td>/g)?.length ?? 0
    expect(html).toContain(
      `${10_000 - rows} more jobs are not shown in this table (${10_000 - rows} completed)`,
    )
    expect(html).toContain('<code>/tmp/r.json</code> (output <code>result-file</code>)')
    expect(html).toContain('… (cut)')
  })
})
