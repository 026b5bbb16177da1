import { defineConfig } from 'vitest/config';

// Unit and in-process tests live next to the code they test.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/kubectl/**/*.test.ts'],
    testTimeout: 30_000,
    environment: 'node',
  },
});
