import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: 'test-artifacts/vitest-results.json' }]],
    // Most tests start real app processes, drive load and write heap snapshots; on a 2-core
    // machine running files side by side only makes the leak checks noisy and every test slower.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // A hard ceiling on the whole suite, so CI can never hang.
    teardownTimeout: 10_000,
  },
});
