import type pg from 'pg';
import { redact } from '../core/redact.ts';
import { inTransaction } from './pg-transaction.ts';
import { checkTestResults, type TestResultStore } from './test-results.ts';
import { toResult } from './test-results-sqlite.ts';

/** Rows per INSERT: large enough that 100,000 tests take a handful of round trips, small enough for one message. */
const BATCH = 10_000;

/** Per-test results on PostgreSQL: batched `unnest` inserts in one transaction. */
export function postgresTestResultStore(pool: pg.Pool): TestResultStore {
  return {
    async record(runId, results) {
      checkTestResults(results);
      await inTransaction(pool, async (client) => {
        for (let i = 0; i < results.length; i += BATCH) {
          const batch = results.slice(i, i + BATCH);
          await client.query(
            `INSERT INTO test_results (run_id, test_id, test_key, status, duration_ms, retries, signature)
             SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::int[], $7::text[])`,
            [
              runId,
              batch.map((r) => r.testId),
              batch.map((r) => redact(r.key)),
              batch.map((r) => r.status),
              batch.map((r) => r.durationMs),
              batch.map((r) => r.retries),
              batch.map((r) => (r.signature === null ? null : redact(r.signature))),
            ],
          );
        }
      });
    },
    async list(runIds, testIds) {
      if (runIds.length === 0) return [];
      const { rows } = await pool.query(
        `SELECT run_id, test_id, test_key, status, duration_ms, retries, signature FROM test_results
         WHERE run_id = ANY($1::bigint[]) ${testIds ? 'AND test_id = ANY($2::text[])' : ''}
         ORDER BY run_id, test_id COLLATE "C"`,
        testIds ? [runIds, testIds] : [runIds],
      );
      return rows.map(toResult);
    },
  };
}
