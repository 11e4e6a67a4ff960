// ncc minifies only each entry's index.js; the chunks it writes beside it for import() (the export
// pipeline, docs/decisions/0003-action-bundle-loads-what-it-uses.md) are minified here, with the same
// care for names: class and function names stay, as error kinds and stack traces show them.
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { minify } from 'terser'

const dist = join(import.meta.dirname, '..', 'dist')
for (const entry of ['main', 'post']) {
  const dir = join(dist, entry)
  for (const name of await readdir(dir)) {
    if (name === 'index.js' || !name.endsWith('.js')) continue
    const file = join(dir, name)
    const result = await minify(await readFile(file, 'utf8'), {
      module: true,
      ecma: 2022,
      mangle: { keep_classnames: true, keep_fnames: true },
      compress: { keep_classnames: true, keep_fnames: true },
      format: { comments: false },
    })
    await writeFile(file, `${result.code}\n`)
  }
}
