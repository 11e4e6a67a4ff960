// Hashing figures for verified exports: core's streaming SHA-256 against coreutils' sha256sum on the same
// 1 GiB file (page cache warm for both, runs alternating), and the peak RSS of a process hashing 256 MiB
// and 1 GiB (it must not grow with the file).
import { spawn } from 'node:child_process'
import { open, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { median, round } from './stats.mjs'

const CHILD = resolve(import.meta.dirname, 'hash-child.mjs')
const MiB = 1024 * 1024
const RUNS = 3

function run(command, args) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
    })
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolveRun(out) : reject(new Error(`${command} exited ${code}`)),
    )
  })
}

/** A file of `size` bytes of non-repeating-looking data (a 16 MiB pattern rotated per block). */
async function makeFile(path, size) {
  const block = Buffer.alloc(16 * MiB)
  let x = 0x9e3779b9
  for (let i = 0; i < block.length; i += 4) {
    x = (x ^ (x << 13)) >>> 0
    x = (x ^ (x >>> 17)) >>> 0
    x = (x ^ (x << 5)) >>> 0
    block.writeUInt32LE(x, i)
  }
  const handle = await open(path, 'w')
  try {
    for (let written = 0, n = 0; written < size; n++) {
      const chunk = block.subarray(0, Math.min(block.length, size - written))
      chunk[0] = n & 0xff
      await handle.write(chunk)
      written += chunk.length
    }
  } finally {
    await handle.close()
  }
}

async function timeSha256sum(path) {
  const started = performance.now()
  const out = await run('sha256sum', [path])
  return { ms: performance.now() - started, sha256: out.slice(0, 64) }
}

async function hashInChild(path) {
  return JSON.parse(await run(process.execPath, [CHILD, path]))
}

/** Adds the hashing rows through `figure(id, name, value, target, holds, data)`; returns the details. */
export async function benchHashing(workDir, figure) {
  const big = join(workDir, 'hash-1g.bin')
  const small = join(workDir, 'hash-256m.bin')
  await makeFile(big, 1024 * MiB)
  await makeFile(small, 256 * MiB)
  try {
    await timeSha256sum(big) // warms the page cache for both
    const ours = []
    const theirs = []
    let bigRss = []
    for (let i = 0; i < RUNS; i++) {
      const child = await hashInChild(big)
      const reference = await timeSha256sum(big)
      if (child.sha256 !== reference.sha256) throw new Error('digestFile and sha256sum disagree')
      ours.push(child.ms)
      theirs.push(reference.ms)
      bigRss.push(child.peakRssBytes)
    }
    const smallRss = []
    for (let i = 0; i < RUNS; i++) smallRss.push((await hashInChild(small)).peakRssBytes)
    const oursMBps = (1024 * MiB) / 1e6 / (median(ours) / 1000)
    const theirsMBps = (1024 * MiB) / 1e6 / (median(theirs) / 1000)
    const ratio = oursMBps / theirsMBps
    figure(
      'hash-throughput',
      'SHA-256 of a 1 GiB file: digestFile vs sha256sum',
      `${round(oursMBps)} vs ${round(theirsMBps)} MB/s (×${round(ratio, 2)})`,
      '≥ 0.8×',
      ratio >= 0.8,
      { oursMs: ours, sha256sumMs: theirs },
    )
    bigRss = median(bigRss)
    const smallMedian = median(smallRss)
    const growth = bigRss - smallMedian
    // why: the same buffer serves every read; a few MiB of difference is the allocator, not the file
    figure(
      'hash-rss',
      'peak RSS hashing 256 MiB → 1 GiB',
      `${round(smallMedian / MiB)} → ${round(bigRss / MiB)} MiB`,
      'no growth (< 8 MiB)',
      growth < 8 * MiB,
      { peakRss256MiB: smallMedian, peakRss1GiB: bigRss },
    )
    return { oursMs: ours, sha256sumMs: theirs, rss256: smallRss, rss1g: bigRss }
  } finally {
    await rm(big, { force: true })
    await rm(small, { force: true })
  }
}
