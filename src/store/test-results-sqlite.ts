import type { DatabaseSync } from 'node:sqlite';
import { redact } from '../core/redact.ts';
import { checkTestResults, type StoredTestResult, type TestResultStore } from './test-results.ts';

type Row = Record<string, unknown>;

/** Per-test results on SQLite: one prepared INSERT in one `BEGIN IMMEDIATE` transaction. */
export function sqliteTestResultStore(db: DatabaseSync): TestResultStore {
  return {
    async record(runId, results) {
      checkTestResults(results);
      db.exec('BEGIN IMMEDIATE');
      try {
        const insert = db.prepare(
          `INSERT INTO test_results (run_id, test_id, test_key, status, duration_ms, retries, signature)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        );
        for (const r of results) {
          const signature = r.signature === null ? null : redact(r.signature);
          insert.run(runId, r.testId, redact(r.key), r.status, r.durationMs, r.retries, signature);
        }
        db.exec('COMMIT');
      } catch (e) {
        try {
          db.exec('ROLLBACK');
        } catch {
          // already rolled back by SQLite
        }
        throw e;
      }
    },
    async list(runIds, testIds) {
      if (runIds.length === 0) return [];
      const sql = `SELECT run_id, test_id, test_key, status, duration_ms, retries, signature FROM test_results
        WHERE run_id IN (SELECT value FROM json_each(?))
        ${testIds ? 'AND test_id IN (SELECT value FROM json_each(?))' : ''}
        ORDER BY run_id, test_id`;
      const params = [JSON.stringify(runIds), ...(testIds ? [JSON.stringify(testIds)] : [])];
      return (db.prepare(sql).all(...params) as Row[]).map(toResult);
    },
  };
}

export function toResult(r: Row): StoredTestResult {
  return {
    runId: Number(r.run_id),
    testId: String(r.test_id),
    key: String(r.test_key),
    status: String(r.status),
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    retries: Number(r.retries),
    signature: r.signature === null ? null : String(r.signature),
  };
}
