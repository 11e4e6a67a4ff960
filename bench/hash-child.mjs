// Hashes one file with core's digestFile in its own process and prints {ms, peakRssBytes, size, sha256}:
// the peak RSS is sampled every 5 ms and once more at the end, so only the hashing is measured.
import { digestFile } from '@hyperctl-export/core'

const path = process.argv[2]
let peak = process.memoryUsage().rss
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss)
}, 5)
const started = performance.now()
const result = await digestFile(path)
const ms = performance.now() - started
clearInterval(timer)
peak = Math.max(peak, process.memoryUsage().rss)
process.stdout.write(
  JSON.stringify({ ms, peakRssBytes: peak, size: result.size, sha256: result.digests.sha256 }),
)
