import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // In-process tests read log times as the spawned command line does, in UTC.
    env: {TZ: 'UTC'},
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
})
