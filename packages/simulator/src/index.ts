export * from './daemon/index.js'
export * from './hyperctl/index.js'
