import { stripVTControlCharacters } from 'node:util'
import { loadHyperctlFixtures } from '@hyperctl-export/fixtures'
import { describe, expect, it } from 'vitest'
import {
  cutJobId,
  cutVmPath,
  displayWidth,
  encodeText,
  goFormatFixed,
  goFormatFloat1,
  type QueryJobView,
  renderBoxedTable,
  renderCancelResult,
  renderPrefixLine,
  renderQueryOutput,
  renderQueryTable,
  renderSection,
  renderSpinnerFinal,
  renderSpinnerFrame,
  renderStatus,
  renderSubmitResult,
} from '../src/hyperctl/index.js'
import { byteDiff } from './hyperctl-support.js'

const ESC = 0x1b

/** Successful captures of `command` whose reply was 200 JSON: what the pure renderer must reproduce. */
function successes(command: string) {
  return loadHyperctlFixtures(
    (f) => f.command === command && f.case.exitCode === 0 && f.case.response?.status === 200,
  ).map((f) => ({ fixture: f, reply: JSON.parse(f.case.response!.body) }))
}

const colorOf = (f: { case: { env?: Record<string, string> } }) => !f.case.env?.NO_COLOR

describe('displayWidth', () => {
  it.each([
    ['web-01', 6],
    ['⚙️', 1],
    ['⏱️', 1],
    ['📦', 2],
    ['✅', 2],
    ['数据中心', 8],
    ['👨‍👩‍👧', 2],
    ['e\u0301', 1],
    ['\u0301', 0],
    ['a\u200bb', 2],
    ['\t', 0],
  ])('counts %j as %i columns', (text, width) => {
    expect(displayWidth(text)).toBe(width)
  })

  it('counts each stray byte of a cut UTF-8 sequence as one column', () => {
    expect(displayWidth(Buffer.from([0x95, 0xb0, 0x41]))).toBe(3)
    expect(displayWidth(Buffer.from('据', 'utf8').subarray(1))).toBe(2)
  })
})

describe('goFormatFloat1', () => {
  it.each([
    [12.25, '12.2'],
    [12.75, '12.8'],
    [0.05, '0.1'],
    [0.35, '0.3'],
    [99.95, '100.0'],
    [3.05, '3.0'],
    [0.25, '0.2'],
    [45.67, '45.7'],
    [0, '0.0'],
    [-0, '-0.0'],
    [-0.04, '-0.0'],
    [100, '100.0'],
    [1e21, '1000000000000000000000.0'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
  ])('formats %d as %s', (value, text) => {
    expect(goFormatFloat1(value)).toBe(text)
  })

  it('rounds exact binary ties to even at any precision', () => {
    expect(goFormatFixed(2.5, 0)).toBe('2')
    expect(goFormatFixed(3.5, 0)).toBe('4')
    expect(goFormatFixed(0.125, 2)).toBe('0.12')
    expect(goFormatFixed(5e-324, 1)).toBe('0.0')
  })
})

describe('cutJobId', () => {
  it('keeps an ID of exactly 8 bytes and cuts a longer one to 8 bytes + ...', () => {
    expect(cutJobId('job-1234')).toBe('job-1234')
    expect(cutJobId('nightly-db')).toBe('nightly-...')
    expect(cutJobId('2545e058-b89e-4692-8e5d-47214a8ea293')).toBe('2545e058...')
  })

  it('cuts inside a UTF-8 sequence and keeps the stray bytes', () => {
    expect([...encodeText(cutJobId('日本語のジョブ'))]).toEqual([
      ...Buffer.from('日本', 'utf8'),
      0xe8,
      0xaa,
      ...Buffer.from('...'),
    ])
  })
})

describe('cutVmPath', () => {
  it('keeps a path of exactly 30 bytes and shows ... + the last 27 bytes of a longer one', () => {
    expect(cutVmPath('/Datacenter/vm/prod/db-primary')).toBe('/Datacenter/vm/prod/db-primary')
    expect(cutVmPath('/Datacenter/vm/prod/db-primary1')).toBe('...acenter/vm/prod/db-primary1')
  })

  it('starts with stray continuation bytes when the cut lands inside a character', () => {
    const bytes = encodeText(cutVmPath('/Datacenter/vm/数据中心/虚拟机-零一'))
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x2e, 0x2e, 0x2e, 0xb0]))
    expect(bytes.length).toBe(30)
    expect(bytes.toString('utf8')).toContain('\ufffd')
  })
})

describe('renderQueryTable', () => {
  const cases = successes('query').filter(({ reply }) => reply.total !== 0)

  it('has captures with jobs to compare with', () => {
    expect(cases.length).toBeGreaterThan(0)
  })

  for (const { fixture, reply } of cases) {
    it(`renders the jobs of ${fixture.name} exactly as captured`, () => {
      const out = renderQueryTable(reply.jobs as QueryJobView[], { color: colorOf(fixture) })
      expect(byteDiff(out, fixture.stdoutBytes)).toBe('')
    })
  }

  const jobs: QueryJobView[] = [
    {
      definition: {
        id: '5ce1627f-0f29-4013-b62a-d9fd4d02288d',
        name: 'completed | backup',
        vm_path: '/dc/vm/a',
      },
      status: 'failed',
      progress: { phase: 'exporting', percent_complete: 12.25 },
      started_at: '2026-02-10T09:41:05.5+05:30',
    },
    {
      definition: { id: 'job-42', name: '数据', vm_path: '/Datacenter/vm/数据中心/虚拟机-零一' },
      status: 'pending',
    },
  ]

  it('writes no escape codes and the same layout when colour is off', () => {
    const colored = renderQueryTable(jobs)
    const plain = renderQueryTable(jobs, { color: false })
    expect(plain.includes(ESC)).toBe(false)
    expect(colored.includes(ESC)).toBe(true)
    expect(stripVTControlCharacters(colored.toString('latin1'))).toBe(plain.toString('latin1'))
  })

  it('pads every row to the same display width and keeps the time as written', () => {
    const lines = renderQueryTable(jobs, { color: false }).toString('utf8').split('\n').slice(3, 8)
    expect(new Set(lines.map((l) => displayWidth(l))).size).toBe(1)
    expect(lines[3]).toContain('| failed  | exporting (12.2%) | 09:41:05 |')
  })

  it('adds a Node column after Status when asked to garble the table', () => {
    const header = renderQueryTable(jobs, { color: false, unknownColumn: true })
      .toString('utf8')
      .split('\n')[4]
    expect(header).toMatch(/\| Status +\| Node +\| Progress/)
  })
})

describe('renderQueryOutput', () => {
  it('writes the spinner frames and the Found line to stderr', () => {
    const { stderr, stdout } = renderQueryOutput(
      { jobs: [{ definition: { id: 'a' }, status: 'running' }] },
      { color: false, spinnerFrames: 4 },
    )
    expect(stderr.toString()).toBe(
      `\r▀  Querying jobs... (0s)\r ▀ Querying jobs... (0s)\r ▄ Querying jobs... (0s)\r▄  Querying jobs... (1s)\r${' '.repeat(80)}\r SUCCESS  Found 1 job(s)\n`,
    )
    expect(stdout.toString()).toContain('| a      |      |         | running | -        | -       |')
  })

  it('renders 10,000 jobs', () => {
    const jobs = Array.from({ length: 10_000 }, (_, i) => ({
      definition: { id: `job-${i}`, name: `vm ${i}`, vm_path: `/dc/vm/folder/vm-${i}` },
      status: i % 2 ? 'running' : 'completed',
      progress: { phase: 'exporting', percent_complete: i / 100 },
      started_at: '2026-02-10T09:41:05Z',
    }))
    const { stdout } = renderQueryOutput({ jobs })
    expect(stdout.toString().split('\n').length).toBe(10_000 + 8)
  })
})

describe('renderStatus', () => {
  const cases = successes('status')
  it('has captures to compare with', () => {
    expect(cases.length).toBeGreaterThan(0)
  })
  for (const { fixture, reply } of cases) {
    it(`renders ${fixture.name} exactly as captured`, () => {
      expect(byteDiff(renderStatus(reply, { color: colorOf(fixture) }), fixture.stdoutBytes)).toBe('')
    })
  }

  it('says all jobs completed when none runs, even if some failed', () => {
    const out = renderStatus(
      {
        version: '0.0.1',
        uptime: '1m0.5s',
        total_jobs: 3,
        running_jobs: 0,
        completed_jobs: 1,
        failed_jobs: 2,
      },
      { color: false },
    ).toString()
    expect(out).toContain('| ❌ Failed     | 2     | 66.7%      |')
    expect(out.endsWith(' SUCCESS  ✅ All jobs completed!\n')).toBe(true)
  })
})

describe('renderSubmitResult', () => {
  const cases = successes('submit')
  it('has captures to compare with', () => {
    expect(cases.length).toBeGreaterThan(0)
  })
  for (const { fixture, reply } of cases) {
    it(`renders ${fixture.name} exactly as captured`, () => {
      expect(byteDiff(renderSubmitResult(reply, { color: colorOf(fixture) }), fixture.stdoutBytes)).toBe('')
    })
  }

  it('prints only the rejection lines when every job was rejected', () => {
    const out = renderSubmitResult(
      {
        job_ids: [],
        accepted: 0,
        rejected: 2,
        errors: ['job with ID a already exists', 'job with ID b already exists'],
      },
      { color: false },
    ).toString()
    expect(out).toBe(
      ' WARNING  Rejected Jobs: 2\n  ERROR     - job with ID a already exists\n  ERROR     - job with ID b already exists\n',
    )
  })
})

describe('renderCancelResult', () => {
  const cases = successes('cancel')
  it('has captures to compare with', () => {
    expect(cases.length).toBeGreaterThan(0)
  })
  for (const { fixture, reply } of cases) {
    it(`renders ${fixture.name} exactly as captured`, () => {
      expect(byteDiff(renderCancelResult(reply, { color: colorOf(fixture) }), fixture.stdoutBytes)).toBe('')
    })
  }

  it('prints an empty reason when the errors map lacks the ID', () => {
    expect(renderCancelResult({ cancelled: [], failed: ['x'] }, { color: false }).toString()).toBe(
      ' WARNING  Failed to cancel:\n  ERROR     - x: \n',
    )
  })
})

describe('renderPrefixLine', () => {
  it('double-wraps prefix and message in their styles', () => {
    expect(renderPrefixLine('info', '  - Job ID: x').toString()).toBe(
      '\x1b[30;46m\x1b[30;46m INFO \x1b[0m\x1b[0m \x1b[96m\x1b[96m  - Job ID: x\x1b[0m\x1b[0m\n',
    )
  })

  it('continues a multi-line message under a blank prefix of the same width', () => {
    expect(
      renderPrefixLine('error', 'Server error: <html>\r\n<body>\r\n</html>\r\n', { color: false }).toString(),
    ).toBe('  ERROR   Server error: <html>\r\n          <body>\r\n          </html>\r\n')
  })
})

describe('renderSection', () => {
  it('writes a blank line, the title and a line of bare codes', () => {
    expect(renderSection('Jobs').toString()).toBe(
      '\n# \x1b[1;33m\x1b[1;33mJobs\x1b[0m\n\x1b[1;33m\x1b[0m\x1b[0m\n',
    )
    expect(renderSection('Jobs', { color: false }).toString()).toBe('\n# Jobs\n\n')
  })
})

describe('renderBoxedTable', () => {
  it('boxes a two-column table as pterm does without colour', () => {
    expect(
      renderBoxedTable(
        [
          ['Job ID', 'Status'],
          ['ab...', 'running'],
        ],
        { color: false },
      ).toString(),
    ).toBe(
      '┌──────────────────┐\n| Job ID | Status  |\n| ---------------- |\n| ab...  | running |\n└──────────────────┘\n',
    )
  })

  it('spreads a cell with a newline over two lines of its row', () => {
    const out = renderBoxedTable(
      [
        ['A', 'B'],
        ['x\ny', 'z'],
      ],
      { color: false },
    ).toString()
    expect(out).toBe('┌───────┐\n| A | B |\n| ----- |\n| x | z |\n| y |   |\n└───────┘\n')
  })
})

describe('renderSpinnerFrame', () => {
  it('writes the frame glyph, text and rounded timer', () => {
    expect(renderSpinnerFrame(1, 'Querying jobs...', 61).toString()).toBe(
      '\r\x1b[96m\x1b[96m ▀\x1b[0m\x1b[0m \x1b[97m\x1b[97mQuerying jobs...\x1b[0m\x1b[0m\x1b[90m\x1b[90m (1m1s)\x1b[0m\x1b[0m',
    )
  })
})

describe('renderSpinnerFinal', () => {
  it('clears the terminal width before the final line', () => {
    expect(renderSpinnerFinal('error', 'boom', { color: false, terminalWidth: 5 }).toString()).toBe(
      '\r     \r  ERROR   boom\n',
    )
  })
})
