import type { Migration } from './migrations.ts';

/**
 * Migration 2: one row per test per `tests` run. Keyed by (run, test) — a run holds each test
 * once — and indexed by test for "this test's history" queries.
 */
export const TEST_RESULTS_MIGRATION: Migration = {
  version: 2,
  name: 'per-test results of test runs',
  sqlite: `
CREATE TABLE test_results (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  test_id TEXT NOT NULL,
  test_key TEXT NOT NULL,
  status TEXT NOT NULL,
  duration_ms REAL,
  retries INTEGER NOT NULL DEFAULT 0,
  signature TEXT,
  PRIMARY KEY (run_id, test_id)
) STRICT;
CREATE INDEX test_results_test_id ON test_results (test_id, run_id);
`,
  postgres: `
CREATE TABLE test_results (
  run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  test_id text NOT NULL,
  test_key text NOT NULL,
  status text NOT NULL,
  duration_ms double precision,
  retries integer NOT NULL DEFAULT 0,
  signature text,
  PRIMARY KEY (run_id, test_id)
);
CREATE INDEX test_results_test_id ON test_results (test_id, run_id);
`,
};
