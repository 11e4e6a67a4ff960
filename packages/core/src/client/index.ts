export type { Capabilities, CapabilityInfo } from './daemon-mapping.js'
export { HypervisordClient, type HypervisordClientOptions } from './hypervisord-client.js'
export type { JobProgress } from './job-mapping.js'
