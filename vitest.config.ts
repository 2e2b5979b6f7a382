import { defineConfig } from 'vitest/config';

/**
 * Tests that measure time (load engine, stress/endurance, the CLI runs that drive load) run after
 * the rest, one file at a time, so a CPU-heavy neighbour on a 2-core runner cannot skew what they
 * measure. Everything else runs in parallel first.
 */
const TIMED = [
  'test/load/engine/**/*.test.ts',
  'test/load/tests.test.ts',
  'test/cli/load.test.ts',
  'test/cli/compare.test.ts',
  'test/cli/demo.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['test/setup/postgres.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // `npm run test:coverage` measures shipgate's own coverage (CI gates it with `shipgate coverage --min 80`).
    // src/cli is left out: commands are tested as child processes, which in-process V8 coverage
    // cannot see, so counting them would report untested code that is in fact tested.
    coverage: {
      provider: 'v8',
      include: ['src/**'],
      exclude: ['src/cli/**'],
      reporter: ['lcov', 'text-summary'],
      reportOnFailure: true,
    },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: TIMED, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'timed', include: TIMED, sequence: { groupOrder: 1 }, fileParallelism: false },
      },
    ],
  },
});
