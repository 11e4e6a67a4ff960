// The one error hierarchy of the library, gathered from its parts: the root and exit codes, the daemon and
// hyperctl failures, the job fates, and the export checks.
export * from './errors/base.js'
export * from './errors/daemon-errors.js'
export * from './errors/export-errors.js'
export * from './errors/hint.js'
export * from './errors/job-errors.js'
export { formatDuration } from './util/format-duration.js'
