/** Names of what `main` saves for `post` (GITHUB_STATE); never a secret. */
export const STATE = {
  /** JSON array: jobs `post` must cancel (set as jobs are accepted, cleared when main settles them). */
  unfinished: 'unfinished-job-ids',
  /** The private directory for hyperctl job files, removed by `post`. */
  tempDir: 'temp-dir',
  transport: 'transport',
  daemonUrl: 'daemon-url',
} as const

/** The prefix of the action's private temp directories (under RUNNER_TEMP). */
export const TEMP_DIR_PREFIX = 'hyperctl-export-action-'
