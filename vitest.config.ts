import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files each get their own database (a fresh PostgreSQL database or an embedded PGlite);
    // two workers fit the 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
  },
})
