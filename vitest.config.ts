import { defineConfig } from 'vitest/config';

// Integration tests spawn real peers (redis-server, Chromium, OLA...), so they run in forked
// processes with generous timeouts; each test still asserts on what came out the far end.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'server/**/*.test.ts', 'pipelines/**/*.test.ts', 'adapters/**/*.test.ts', 'hardware/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 15_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
