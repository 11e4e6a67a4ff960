#!/usr/bin/env node
import { existsSync } from 'node:fs'

// why: npm links a package's bins when it installs it; in a clone that is `npm ci`, before `dist/` is built,
// so the link points at this committed file, which loads the build or says how to make it.
const entry = new URL('../dist/bin.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write(
    'hyperctl-export is not built yet: run `npm run build` at the root of the repository, then try again.\n',
  )
  process.exit(1)
}
await import(entry.href)
