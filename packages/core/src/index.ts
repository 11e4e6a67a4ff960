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
export { redactSecrets, redactText } from './jobs/redact.js'
export * from './outcome/index.js'
export * from './parse/index.js'
export * from './plan/index.js'
export * from './run/run-export.js'
export * from './runner/index.js'
export * from './types.js'
export { parseDuration } from './util/duration.js'
export { type Clock, systemClock } from './wait/clock.js'
export { PollInterval } from './wait/poll-interval.js'
