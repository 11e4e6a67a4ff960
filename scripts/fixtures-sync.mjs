// Refreshes the repository's copy of the golden hyperctl samples (packages/fixtures/samples/hyperctl*/)
// from the steering folder ../shared/fixtures/hyperctl*/ when it exists beside the repository.
// The tests read only the copy; this script and packages/fixtures/test/samples-match.test.ts are
// the only places that know about ../shared.
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const source = process.env.HYPERCTL_SHARED_FIXTURES ?? resolve(repo, '..', 'shared', 'fixtures')
const target = join(repo, 'packages', 'fixtures', 'samples')

if (!existsSync(source)) {
  console.log(`fixtures:sync: ${source} does not exist; the copy in ${target} is left as it is`)
  process.exit(0)
}
const folders = readdirSync(source, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name.startsWith('hyperctl'))
  .map((d) => d.name)
  .sort()
if (folders.length === 0) {
  console.error(`fixtures:sync: no hyperctl* folder under ${source}`)
  process.exit(1)
}
// why: a folder or case removed upstream must disappear from the copy too
for (const d of readdirSync(target, { withFileTypes: true })) {
  if (d.isDirectory() && d.name.startsWith('hyperctl')) rmSync(join(target, d.name), { recursive: true })
}
for (const folder of folders) {
  cpSync(join(source, folder), join(target, folder), { recursive: true })
  const count = readdirSync(join(target, folder)).filter((f) => f.endsWith('.case.json')).length
  console.log(`fixtures:sync: ${folder}: ${count} cases`)
}
