export * from './idempotent-ids.js'
export * from './job-plan.js'
export * from './output-collisions.js'
export type * from './request.js'
