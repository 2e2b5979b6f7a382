/**
 * One model for a test run, whatever runner wrote it. Every JUnit dialect is normalised into
 * this shape; analysis, the gate, the store and the reports only ever see it.
 */

export const TEST_STATUSES = [
  'passed',
  'failed',
  'error',
  'skipped',
  'todo',
  'xfail',
  'xpass',
  'flaky',
] as const;
export type TestStatus = (typeof TEST_STATUSES)[number];

/** Statuses that make a run red unless the test is quarantined. */
export const FAILING_STATUSES: ReadonlySet<TestStatus> = new Set(['failed', 'error']);

/** Statuses of tests whose body did not run to an outcome (they say nothing about the code). */
export const NOT_EXECUTED: ReadonlySet<TestStatus> = new Set(['skipped', 'todo']);

export interface TestFailure {
  /** `failure` = an assertion did not hold; `error` = an unexpected exception (Allure's "broken"). */
  kind: 'failure' | 'error';
  message: string;
  type?: string;
  /** Stack or body text, ANSI codes stripped, capped in size. */
  stack?: string;
}

export interface TestCase {
  /**
   * Stable id: a hash of (file, suite path, name) — never of the position in the file, so
   * reordering, sharding or adding tests does not change it. See docs/test-metrics.md.
   */
  id: string;
  /** The same identity in words: `file › suite › name`. */
  key: string;
  file?: string;
  suite: string[];
  name: string;
  status: TestStatus;
  /** Null when the report gave no usable time (absent is not zero). */
  durationMs: number | null;
  failure?: TestFailure;
  /** Reruns recorded in the report (Surefire's rerun and flaky elements). */
  retries: number;
}

export interface TestCounts {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  todo: number;
  xfail: number;
  xpass: number;
  flaky: number;
  /** Sum of the known test durations. */
  durationMs: number;
}

/** One report file as read. */
export interface ReportSource {
  file: string;
  dialect: string;
  tests: number;
}

export interface TestRun {
  tests: TestCase[];
  sources: ReportSource[];
  /** What a dialect rule inferred or could not tell ("dialect notes"). */
  notes: string[];
}

const COUNT_FIELD: Record<TestStatus, Exclude<keyof TestCounts, 'total' | 'durationMs'>> = {
  passed: 'passed',
  failed: 'failed',
  error: 'errors',
  skipped: 'skipped',
  todo: 'todo',
  xfail: 'xfail',
  xpass: 'xpass',
  flaky: 'flaky',
};

/** Counts are always recomputed from the test cases; report headers are never trusted. */
export function countTests(tests: readonly TestCase[]): TestCounts {
  const counts: TestCounts = {
    total: tests.length,
    passed: 0,
    failed: 0,
    errors: 0,
    skipped: 0,
    todo: 0,
    xfail: 0,
    xpass: 0,
    flaky: 0,
    durationMs: 0,
  };
  for (const t of tests) {
    counts[COUNT_FIELD[t.status]] += 1;
    if (t.durationMs !== null) counts.durationMs += t.durationMs;
  }
  counts.durationMs = Math.round(counts.durationMs * 1000) / 1000;
  return counts;
}

/** Tests whose body ran (everything but skipped and todo): what the test-count guard watches. */
export function executedCount(tests: readonly { status: TestStatus }[]): number {
  let n = 0;
  for (const t of tests) if (!NOT_EXECUTED.has(t.status)) n += 1;
  return n;
}
