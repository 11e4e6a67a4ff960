export * from './backend/create-backend.js'
export * from './client/index.js'
export * from './errors.js'
export * from './export/export-session.js'
export { idempotentJobIds, uuidV5 } from './export/idempotent-ids.js'
export type { PreparedJob } from './jobs/job-definition.js'
export {
  assertValidJobId,
  ignoredOptionWarnings,
  jobWarnings,
  prepareJobs,
  toJobDefinition,
} from './jobs/job-definition.js'
export * from './jobs/job-file.js'
export * from './parse/index.js'
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
  neutraliseCommands,
  safeJson,
  sanitizeHtml,
  sanitizeLogText,
  sanitizeText,
} from './text/sanitize.js'
export * from './types.js'
export { parseDuration } from './util/duration.js'
export { type Clock, systemClock } from './wait/clock.js'
export { isSuccess, type JobOutcome, type OutcomeStatus } from './wait/job-outcome.js'
export { PollInterval } from './wait/poll-interval.js'
