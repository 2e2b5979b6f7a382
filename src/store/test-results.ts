/**
 * Per-test history for `shipgate tests`: one row per test per recorded run, so flaky tests and
 * duration regressions can be judged against past runs. The run itself (verdict, commit, figures)
 * is an ordinary row in `runs`; these rows hang off it and go with it.
 */
export interface NewTestResult {
  /** Stable test id (see src/testmetrics/identity.ts). */
  testId: string;
  /** The identity in words, for reports: `file › suite › name`. */
  key: string;
  status: string;
  durationMs: number | null;
  retries: number;
  /** Normalised failure signature, for clustering. */
  signature: string | null;
}

export interface StoredTestResult extends NewTestResult {
  runId: number;
}

export interface TestResultStore {
  /** Adds the results of a run already recorded with recordRun, in one transaction. */
  record(runId: number, results: readonly NewTestResult[]): Promise<void>;
  /** Every result of the given runs; with testIds, only of those tests. */
  list(runIds: readonly number[], testIds?: readonly string[]): Promise<StoredTestResult[]>;
}

export function checkTestResults(results: readonly NewTestResult[]): void {
  for (const r of results) {
    if (typeof r.testId !== 'string' || r.testId === '') throw new Error('test result needs a test id');
    if (r.durationMs !== null && !Number.isFinite(r.durationMs)) {
      throw new Error(`test ${r.testId}: duration must be a finite number or null`);
    }
    if (!Number.isInteger(r.retries) || r.retries < 0)
      throw new Error(`test ${r.testId}: retries must be a whole number`);
  }
}
