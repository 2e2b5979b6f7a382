import { afterAll, describe, expect, inject, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import type { NewTestResult } from '../../src/store/test-results.ts';
import { newRun } from '../store/contract.ts';
import { type EngineHarness, postgresHarness, sqliteHarness } from '../store/harness.ts';

const postgresUrl = inject('postgresUrl');

function describeTestResults(name: string, makeHarness: () => EngineHarness): void {
  describe(`${name}: per-test results (migration 2)`, () => {
    const harness = makeHarness();
    afterAll(() => harness.cleanup());

    it('records per-test rows of a run and lists them back, by run and by test', async () => {
      const store = await openStore(await harness.freshLocation(), { env: {} });
      try {
        expect(await store.schemaVersion()).toBeGreaterThanOrEqual(2);
        const a = await store.recordRun(newRun({ kind: 'tests', labels: { suite: 'unit' } }));
        const b = await store.recordRun(newRun({ kind: 'tests', labels: { suite: 'unit' } }));
        const rows: NewTestResult[] = [
          { testId: 'aaaa', key: 'x › one', status: 'passed', durationMs: 12.5, retries: 0, signature: null },
          {
            testId: 'bbbb',
            key: 'x › two',
            status: 'failed',
            durationMs: null,
            retries: 2,
            signature: 'boom <n>',
          },
        ];
        await store.testResults().record(a.id, rows);
        await store.testResults().record(b.id, [rows[0] as NewTestResult]);
        const all = await store.testResults().list([a.id, b.id]);
        expect(all).toEqual([
          { runId: a.id, ...rows[0] },
          { runId: a.id, ...rows[1] },
          { runId: b.id, ...rows[0] },
        ]);
        expect((await store.testResults().list([a.id, b.id], ['bbbb'])).map((r) => r.runId)).toEqual([a.id]);
        expect(await store.testResults().list([])).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('records 20,000 results in one call, and a duplicate test id rolls the whole call back', async () => {
      const store = await openStore(await harness.freshLocation(), { env: {} });
      try {
        const run = await store.recordRun(newRun({ kind: 'tests' }));
        const many = Array.from({ length: 20_000 }, (_, i) => ({
          testId: `t${i}`,
          key: `k${i}`,
          status: 'passed',
          durationMs: i,
          retries: 0,
          signature: null,
        }));
        await store.testResults().record(run.id, many);
        expect(await store.testResults().list([run.id])).toHaveLength(20_000);
        const other = await store.recordRun(newRun({ kind: 'tests' }));
        const dup = {
          testId: 'same',
          key: 'k',
          status: 'passed',
          durationMs: 1,
          retries: 0,
          signature: null,
        };
        await expect(store.testResults().record(other.id, [dup, dup])).rejects.toThrow();
        expect(await store.testResults().list([other.id])).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('redacts secrets in keys and signatures before they are stored', async () => {
      const store = await openStore(await harness.freshLocation(), { env: {} });
      try {
        const run = await store.recordRun(newRun({ kind: 'tests' }));
        await store.testResults().record(run.id, [
          {
            testId: 'c',
            key: 'connects to postgres://app:hunter2secret@db/app',
            status: 'failed',
            durationMs: 1,
            retries: 0,
            signature: 'auth failed for postgres://app:hunter2secret@db/app',
          },
        ]);
        const [row] = await store.testResults().list([run.id]);
        expect(JSON.stringify(row)).not.toContain('hunter2secret');
        expect(row?.key).toMatch(/^connects to postgres:\/\/app:.+@db\/app$/);
      } finally {
        await store.close();
      }
    });
  });
}

describeTestResults('sqlite', sqliteHarness);
describe.skipIf(postgresUrl === null)('postgres', () => {
  describeTestResults('postgres', () => postgresHarness(postgresUrl ?? ''));
});
