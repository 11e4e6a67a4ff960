// A package-lock.json for a project that depends on our packed tarballs, so `npm ci --offline` installs them
// with no registry. `npm ci` of the repository filled the npm cache with every tarball its lockfile names,
// but not with the registry's package documents that `npm install` needs to resolve a range offline; a
// lockfile needs no resolving. Only the packages' declared run-time dependencies (and theirs) are taken
// from the repository's lockfile, so a dependency used at run time but declared nowhere stays missing.

type LockEntry = {
  version?: string
  resolved?: string
  integrity?: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  [field: string]: unknown
}

export interface PackedTarball {
  /** The package name, e.g. `@hyperctl-export/core`. */
  name: string
  version: string
  /** The tarball's path relative to the project, e.g. `../hyperctl-export-core-0.1.0.tgz`. */
  file: string
  integrity: string
  /** The package's folder in the repository, e.g. `packages/core`. */
  workspace: string
}

export function offlineLockfile(
  project: { name: string; version: string },
  repoLock: { packages: Record<string, LockEntry> },
  tarballs: readonly PackedTarball[],
): Record<string, unknown> {
  const repo = repoLock.packages
  const ours = new Map(tarballs.map((t) => [t.name, t]))
  const packages: Record<string, LockEntry> = {}
  const rootDependencies = Object.fromEntries(tarballs.map((t) => [t.name, `file:${t.file}`]))
  packages[''] = { name: project.name, version: project.version, dependencies: rootDependencies }

  // why: one of our packages is placed at the top, as npm places a root dependency, whoever requires it
  const where = (repoPath: string) => {
    const workspace = tarballs.find((t) => repoPath === t.workspace || repoPath.startsWith(`${t.workspace}/`))
    return workspace
      ? `node_modules/${workspace.name}${repoPath.slice(workspace.workspace.length)}`
      : repoPath
  }
  const pending: string[] = []
  for (const tarball of tarballs) {
    const manifest = repo[tarball.workspace]
    if (!manifest) throw new Error(`the repository's lockfile has no ${tarball.workspace}`)
    packages[where(tarball.workspace)] = {
      ...runtimeFields(manifest),
      version: tarball.version,
      resolved: `file:${tarball.file}`,
      integrity: tarball.integrity,
    }
    pending.push(tarball.workspace)
  }
  for (let from = pending.shift(); from !== undefined; from = pending.shift()) {
    const entry = repo[from]!
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      if (ours.has(name)) continue
      const found = resolveFrom(repo, from, name)
      if (found === undefined) {
        if (entry.optionalDependencies?.[name] !== undefined) continue
        throw new Error(`the repository's lockfile cannot resolve ${name}, required by ${from}`)
      }
      if (packages[where(found)] !== undefined) continue
      packages[where(found)] = runtimeFields(repo[found]!)
      pending.push(found)
    }
  }
  return { name: project.name, version: project.version, lockfileVersion: 3, requires: true, packages }
}

/** Node's lookup: `<from>/node_modules/<name>`, then each enclosing node_modules up to the top. */
function resolveFrom(repo: Record<string, LockEntry>, from: string, name: string): string | undefined {
  for (let base = from; ; ) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`
    if (repo[candidate] && !repo[candidate].link) return candidate
    if (base === '') return undefined
    const cut = base.lastIndexOf('/node_modules/')
    base = cut === -1 ? '' : base.slice(0, cut)
  }
}

function runtimeFields(entry: LockEntry): LockEntry {
  const { dev: _dev, devOptional: _devOptional, devDependencies: _devDependencies, ...rest } = entry
  return rest
}
