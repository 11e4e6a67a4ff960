import { existsSync } from 'node:fs'

// why: npm links a package's bins when it installs it; in a clone that is `npm ci`, before `dist/` is built,
// so each link points at a committed file that loads the build, or says how to make it.
export async function launch(name) {
  const entry = new URL(`../dist/bin/${name}.js`, import.meta.url)
  if (!existsSync(entry)) {
    process.stderr.write(
      `${name} is not built yet: run \`npm run build\` at the root of the repository, then try again.\n`,
    )
    process.exit(1)
  }
  await import(entry.href)
}
