export * from './backend/create-backend.js'
// why: from its own module, so an importer of these alone does not pull in the client and the runner
export { DEFAULT_DAEMON_URL, normalizeDaemonUrl } from './client/daemon-url.js'
export * from './client/index.js'
export {
  createDeadline,
  type Deadline,
  processStartedAt,
  timeLeftSinceProcessStart,
} from './deadline.js'
export * from './errors.js'
export { CHECKSUMS_FILE, sha256sums, writeChecksumsFile } from './inspect/checksums-file.js'
export { type DirectorySnapshot, type FileRole, snapshotDirectory } from './inspect/export-files.js'
export {
  allVerified,
  completedChecksums,
  completedFiles,
  type ExportTotals,
  exportTotals,
  formatBytes,
  formatThroughput,
} from './inspect/export-totals.js'
export { digestFile, type FileDigest } from './inspect/file-digest.js'
export {
  type ExportFile,
  type ExportInspection,
  type InspectRequest,
  inspectExport,
} from './inspect/inspect-export.js'
export { type ManifestEntry, parseManifest } from './inspect/manifest.js'
export { type OvfReference, readOvfReferences } from './inspect/ovf-references.js'
export { UNREADABLE_NOTICE, type VerifyOptions } from './inspect/verify-outcomes.js'
export type { PreparedJob } from './jobs/job-definition.js'
export {
  assertValidJobId,
  ignoredOptionWarnings,
  jobWarnings,
  prepareJobs,
  toJobDefinition,
} from './jobs/job-definition.js'
export * from './jobs/job-file.js'
export { getJobByIdOrPrefix, MIN_ID_PREFIX, resolveJobIds } from './jobs/resolve-job-ids.js'
export { vcenterHost } from './jobs/vcenter-host.js'
export * from './outcome/index.js'
export * from './parse/index.js'
export * from './plan/index.js'
export * from './run/run-export.js'
export * from './runner/index.js'
export {
  isSecretKey,
  MASK,
  REDACTED,
  redactSecretFields,
  redactSecrets,
  redactText,
  secretScrubber,
} from './text/redact.js'
export {
  escapeUnsafeForJson,
  jsonDocument,
  neutraliseCommands,
  safeJson,
  sanitizeHtml,
  sanitizeLogText,
  sanitizeText,
} from './text/sanitize.js'
export { closest, didYouMean, editDistance } from './text/suggest.js'
export * from './transport-log.js'
export * from './types.js'
export { parseDuration, parseGoDuration } from './util/duration.js'
export { type Clock, systemClock } from './wait/clock.js'
export { PollInterval } from './wait/poll-interval.js'
