export * from './backend/create-backend.js'
export * from './client/index.js'
export * from './errors.js'
export type { PreparedJob } from './jobs/job-definition.js'
export {
  assertValidJobId,
  ignoredOptionWarnings,
  jobWarnings,
  prepareJobs,
  toJobDefinition,
} from './jobs/job-definition.js'
export * from './jobs/job-file.js'
export { isSuccess, type JobOutcome, type OutcomeStatus } from './outcome/job-outcome.js'
export * from './parse/index.js'
export { idempotentJobIds, uuidV5 } from './plan/idempotent-ids.js'
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
  neutraliseCommands,
  safeJson,
  sanitizeHtml,
  sanitizeLogText,
  sanitizeText,
} from './text/sanitize.js'
export * from './transport-log.js'
export * from './types.js'
export { parseDuration, parseGoDuration } from './util/duration.js'
export { type Clock, systemClock } from './wait/clock.js'
export { PollInterval } from './wait/poll-interval.js'
