import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { type HypervisordSim, startHypervisordSim } from '@hyperctl-export/simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { offlineLockfile, type PackedTarball } from './support/offline-lockfile.js'

// What a user gets from npm: each publishable package packed as `npm pack` packs it, installed from the
// tarballs alone into an empty ESM project, with no registry (`npm ci --offline`: run-time dependencies come
// from the npm cache that the repository's `npm ci` filled). A file missing from `files`, or a dev-only
// dependency used at run time, fails here.

const run = promisify(execFile)
const REPO = resolve(import.meta.dirname, '../../..')
const PACKAGES = ['core', 'cli', 'simulator'] as const
const SLOW_MS = 240_000

// why: `npm test` runs us through npm and turbo, whose npm_* variables (workspace, package, lifecycle) would
// steer the nested npm; only the user's cache and config locations are kept
const npmEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !name.startsWith('npm_') || name === 'npm_config_cache' || name === 'npm_config_userconfig',
  ),
)

const npm = (args: readonly string[], cwd: string) =>
  run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    env: npmEnv,
    maxBuffer: 16 * 1024 * 1024,
  })

// The consumer's code: it must typecheck against the installed declarations and then run.
const CONSUMER_TS = `import { createBackend, exportVms, type JobOutcome } from '@hyperctl-export/core'
import { startHypervisordSim } from '@hyperctl-export/simulator'

const outputPath: string = process.argv[2]!
const sim = await startHypervisordSim({ jobDurationMs: 50 })
try {
  const { backend } = await createBackend({ daemonUrl: sim.url, transport: 'api' })
  const vcenter = { server: 'vcenter.invalid', username: 'exporter', password: 'not-a-secret' }
  const outcomes: JobOutcome[] = await exportVms(backend, [{ vmPath: '/DC/vm/lib-01', outputPath, vcenter }], {
    pollIntervalMs: 20,
    timeoutMs: 60_000,
  })
  process.stdout.write(JSON.stringify(outcomes.map((o) => ({ status: o.status, files: o.result?.files ?? [] }))))
} finally {
  await sim.close()
}
`

interface Packed {
  name: string
  version: string
  integrity: string
  filename: string
  files: { path: string }[]
}

describe('the packed tarballs', () => {
  let dir: string
  let project: string
  const packed = new Map<string, Packed>()

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hyperctl-export-tarball-'))
    project = join(dir, 'project')
    await mkdir(project)
    for (const name of PACKAGES) {
      const { stdout } = await npm(
        ['pack', '--json', '--pack-destination', dir],
        join(REPO, 'packages', name),
      )
      const [info] = JSON.parse(stdout) as Packed[]
      packed.set(name, info!)
    }
    const tarballs: PackedTarball[] = PACKAGES.map((name) => {
      const info = packed.get(name)!
      const file = `../${info.filename}`
      return {
        name: info.name,
        version: info.version,
        file,
        integrity: info.integrity,
        workspace: `packages/${name}`,
      }
    })
    const consumer = { name: 'consumer', version: '1.0.0' }
    const dependencies = Object.fromEntries(tarballs.map((t) => [t.name, `file:${t.file}`]))
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ ...consumer, private: true, type: 'module', dependencies }),
    )
    const repoLock = JSON.parse(await readFile(join(REPO, 'package-lock.json'), 'utf8'))
    await writeFile(
      join(project, 'package-lock.json'),
      JSON.stringify(offlineLockfile(consumer, repoLock, tarballs)),
    )
    await npm(['ci', '--offline', '--ignore-scripts'], project)
  }, SLOW_MS)

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it.each(PACKAGES)('%s carries LICENSE, README.md and its built entry points', async (name) => {
    const paths = packed.get(name)!.files.map((f) => f.path)
    expect(paths).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']))
    expect(paths.some((p) => p.startsWith('dist/') && p.endsWith('.d.ts'))).toBe(true)
    expect(paths.filter((p) => /(^|\/)test\/|\.test\.|tsbuildinfo/.test(p))).toEqual([])
    const installed = join(project, 'node_modules/@hyperctl-export', name, 'LICENSE')
    expect(await readFile(installed, 'utf8')).toBe(await readFile(join(REPO, 'LICENSE'), 'utf8'))
  })

  it(
    'exports a VM from code in an ESM project, typechecked against the installed declarations',
    async () => {
      await writeFile(join(project, 'main.ts'), CONSUMER_TS)
      await writeFile(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            // why: with skipLibCheck an import our declarations cannot resolve would silently become `any`
            skipLibCheck: false,
            outDir: 'out',
            typeRoots: [join(REPO, 'node_modules/@types')],
            types: ['node'],
          },
          files: ['main.ts'],
        }),
      )
      await run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', project], {
        cwd: project,
      })
      const outputPath = join(dir, 'exports', 'lib-01')
      const { stdout } = await run(process.execPath, [join(project, 'out/main.js'), outputPath], {
        cwd: project,
      })
      const outcomes = JSON.parse(stdout) as { status: string; files: string[] }[]
      expect(outcomes).toHaveLength(1)
      expect(outcomes[0]!.status).toBe('completed')
      expect(outcomes[0]!.files.length).toBeGreaterThan(0)
      for (const file of outcomes[0]!.files) expect(file.startsWith(outputPath)).toBe(true)
    },
    SLOW_MS,
  )

  it('maps a stack trace from the installed core to its TypeScript, which only the source map carries', async () => {
    await writeFile(
      join(project, 'trace.mjs'),
      "import { parseJobFile } from '@hyperctl-export/core'\ntry { parseJobFile('jobs: [', { source: 'x' }) } catch (e) { console.log(e.stack) }\n",
    )
    const { stdout } = await run(process.execPath, ['--enable-source-maps', 'trace.mjs'], { cwd: project })
    const frame = /\((\S+\.ts):(\d+):\d+\)/.exec(stdout)
    expect(frame, stdout).not.toBeNull()
    const [, tsPath, line] = frame!
    const installed = join(project, 'node_modules/@hyperctl-export/core')
    expect(tsPath!.startsWith(join(installed, 'src'))).toBe(true)
    // the package ships no src/: the text of that line comes from the map's sourcesContent
    await expect(readFile(tsPath!, 'utf8')).rejects.toThrow(/ENOENT/)
    const mapFile = join(
      installed,
      'dist',
      tsPath!.slice(join(installed, 'src').length).replace(/\.ts$/, '.js.map'),
    )
    const map = JSON.parse(await readFile(mapFile, 'utf8')) as { sources: string[]; sourcesContent: string[] }
    const index = map.sources.findIndex((source) => resolve(join(mapFile, '..'), source) === tsPath)
    expect(index, map.sources.join(', ')).toBeGreaterThanOrEqual(0)
    expect(map.sourcesContent[index]!.split('\n')[Number(line) - 1]).toMatch(/throw new UsageError/)
  })

  describe('the installed bins', () => {
    let sim: HypervisordSim
    beforeAll(async () => {
      sim = await startHypervisordSim({ jobDurationMs: 50 })
    })
    afterAll(async () => {
      await sim?.close()
    })

    it('hyperctl-export exports a VM through the daemon and prints the job as JSON', async () => {
      const outputPath = join(dir, 'exports', 'bin-01')
      const bin = join(project, 'node_modules/.bin/hyperctl-export')
      const args = ['export', '/DC/vm/bin-01', '--output', outputPath, '--daemon-url', sim.url, '--json']
      const vcenter = ['--vcenter-server', 'vcenter.invalid', '--vcenter-username', 'exporter']
      const { stdout } = await run(bin, [...args, ...vcenter, '--poll-interval', '50ms', '--timeout', '1m'], {
        cwd: project,
        env: { PATH: process.env.PATH, HYPERCTL_EXPORT_VCENTER_PASSWORD: 'not-a-secret' },
      })
      const [job] = JSON.parse(stdout).jobs
      expect(job).toMatchObject({ vmPath: '/DC/vm/bin-01', status: 'completed' })
      expect(job.result.files.length).toBeGreaterThan(0)
    })

    it('hyperctl-export --version prints the packed version', async () => {
      const { stdout } = await run(join(project, 'node_modules/.bin/hyperctl-export'), ['--version'])
      expect(stdout.startsWith(`hyperctl-export/${packed.get('cli')!.version} `)).toBe(true)
    })

    it.each([
      ['hyperctl-sim', ['-version'], /^hyperctl version /],
      ['hypervisord-sim', ['--help'], /^Usage: hypervisord-sim/],
    ])('%s runs from node_modules/.bin', async (name, args, expected) => {
      const { stdout } = await run(join(project, 'node_modules/.bin', name), args, { cwd: project })
      expect(stdout).toMatch(expected)
    })
  })
})
