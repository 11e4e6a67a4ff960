// CI: fails when the README's inputs/outputs block is not what action.yml generates (npm run docs:action).
import { readFileSync } from 'node:fs'
import { ACTION_PATH, README_PATH, withActionDocs } from './action-docs.mjs'

const readme = readFileSync(README_PATH, 'utf8')
let expected
try {
  expected = withActionDocs(readme, readFileSync(ACTION_PATH, 'utf8'))
} catch (error) {
  console.error(error.message)
  process.exit(1)
}
if (expected !== readme) {
  const have = readme.split('\n')
  const want = expected.split('\n')
  const line = want.findIndex((l, i) => l !== have[i])
  console.error(`README.md differs from action.yml at line ${line + 1}:`)
  console.error(`  README:    ${JSON.stringify(have[line] ?? '(end of file)')}`)
  console.error(`  generated: ${JSON.stringify(want[line] ?? '(end of file)')}`)
  console.error('Run `npm run docs:action` and commit README.md.')
  process.exit(1)
}
console.log('README.md action docs match action.yml')
