import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // why: the end-to-end tests run the built bin as a child process against a simulator
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
