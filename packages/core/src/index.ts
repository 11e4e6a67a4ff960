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
export { redactSecrets, redactText } from './jobs/redact.js'
export * from './parse/index.js'
export * from './runner/index.js'
export * from './transport-log.js'
export * from './types.js'
export { parseDuration, parseGoDuration } from './util/duration.js'
export { type Clock, systemClock } from './wait/clock.js'
export { isSuccess, type JobOutcome, type OutcomeStatus } from './wait/job-outcome.js'
export { PollInterval } from './wait/poll-interval.js'
