import type { Store } from '../store/store.ts';
import type { NewTestResult } from '../store/test-results.ts';
import type { HistoryRun } from './analysis.ts';
import type { TestCase, TestStatus } from './model.ts';
import { failureSignature } from './signature.ts';

/** The store side of test metrics: loading the history a run is judged against, and recording a run's tests. */

export const TESTS_KIND = 'tests';

/** Earlier runs of the same test suite (label `suite`), newest first, with their per-test results. */
export async function loadHistory(store: Store, suite: string, window: number): Promise<HistoryRun[]> {
  const runs = await store.listRuns({
    kind: TESTS_KIND,
    labels: { suite },
    limit: window,
    withoutResult: true,
  });
  if (runs.length === 0) return [];
  const rows = await store.testResults().list(runs.map((r) => r.id));
  const byRun = new Map<number, HistoryRun['results']>();
  for (const row of rows) {
    const results = byRun.get(row.runId) ?? new Map();
    results.set(row.testId, {
      status: row.status as TestStatus,
      durationMs: row.durationMs,
      retries: row.retries,
    });
    byRun.set(row.runId, results);
  }
  return runs.map((r) => ({
    runId: r.id,
    startedAt: r.startedAt,
    ...(r.gitCommit ? { commit: r.gitCommit } : {}),
    executed: r.figures.executed ?? 0,
    results: byRun.get(r.id) ?? new Map(),
  }));
}

export function testResultRows(tests: readonly TestCase[]): NewTestResult[] {
  return tests.map((t) => ({
    testId: t.id,
    key: t.key,
    status: t.status,
    durationMs: t.durationMs,
    retries: t.retries,
    signature: t.failure ? failureSignature(t.failure.message, t.failure.type) : null,
  }));
}
