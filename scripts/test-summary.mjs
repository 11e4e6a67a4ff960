// Sums the vitest JSON reports of every package into the plain line CI reads: "N passed, N failed".
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

let passed = 0
let failed = 0
let skipped = 0
const missing = []
for (const name of readdirSync('packages').sort()) {
  const pkg = JSON.parse(readFileSync(join('packages', name, 'package.json'), 'utf8'))
  if (!pkg.scripts?.test) continue
  const report = join('packages', name, 'test-results.json')
  if (!existsSync(report)) {
    missing.push(name)
    continue
  }
  const r = JSON.parse(readFileSync(report, 'utf8'))
  passed += r.numPassedTests
  failed += r.numFailedTests
  skipped += r.numPendingTests + (r.numTodoTests ?? 0)
  // why: a suite that fails to load has no failed test but is still a failure
  if (!r.success && r.numFailedTests === 0) failed += 1
}
for (const name of missing) console.log(`packages/${name}: no test report (its tests did not run)`)
failed += missing.length
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
