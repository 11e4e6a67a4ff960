import { run } from './run.js'

await run(undefined, { exit: (code) => process.exit(code) })
