import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // why: the end-to-end tests start node processes and a daemon; under a parallel turbo run a single
    // test can take several seconds, and each waits for conditions with its own bound
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
