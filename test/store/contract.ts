import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../src/core/environment.ts';
import { UserError } from '../../src/core/errors.ts';
import { latestSchemaVersion } from '../../src/store/migrations.ts';
import { openStore } from '../../src/store/open.ts';
import type { NewRun, RunQuery, Store, StoredRun } from '../../src/store/store.ts';
import type { EngineHarness } from './harness.ts';

/**
 * The behaviour every store engine must share. Each engine's test file runs this suite against a
 * real instance; each test gets its own empty store.
 */

export const ENVIRONMENT: Environment = {
  os: 'linux',
  osRelease: '6.8.0-45-generic',
  arch: 'x64',
  cpuModel: 'AMD EPYC 7763 64-Core Processor',
  cpuCount: 4,
  memoryBytes: 16_772_395_008,
  node: '24.11.0',
  shipgate: '0.1.0',
  host: 'runner-7',
  ci: true,
  git: { commit: '3f9c2a1', branch: 'main', dirty: false },
};

const T0 = Date.parse('2025-03-01T12:34:56.789Z');

export function newRun(overrides: Partial<NewRun> = {}): NewRun {
  return {
    kind: 'load',
    verdict: 'pass',
    summary: 'p95 41.2 ms, 0 errors',
    startedAt: new Date(T0),
    finishedAt: new Date(T0 + 60_123),
    gitCommit: '3f9c2a1d0b8e',
    gitBranch: 'main',
    environment: ENVIRONMENT,
    figures: { p95_ms: 41.2 },
    labels: {},
    result: { schema: 'shipgate/load@1' },
    ...overrides,
  };
}

export function describeStoreContract(name: string, makeHarness: () => EngineHarness): void {
  describe(`${name} store contract`, () => {
    let harness: EngineHarness;
    const opened: Store[] = [];

    beforeAll(() => {
      harness = makeHarness();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });
    afterAll(async () => {
      await harness?.cleanup();
    });

    async function open(location?: string): Promise<{ store: Store; location: string }> {
      const where = location ?? (await harness.freshLocation());
      const store = await openStore(where, { env: {} });
      opened.push(store);
      return { store, location: where };
    }

    it('records a run and reads it back exactly', async () => {
      const { store } = await open();
      expect(store.engine).toBe(harness.engine);
      const input = newRun({
        kind: 'stress',
        verdict: 'warn',
        startedAt: new Date('2025-03-01T12:34:56.789Z'),
        finishedAt: new Date('2025-03-01T12:35:58.001Z'),
        figures: {
          p95_ms: 12.345678901234567,
          rps: 1500,
          error_rate: 0,
          tiny: 5e-324,
          huge: 1.7976931348623157e308,
          negative: -0.1,
        },
        labels: { scenario: 'checkout', 'odd.key"[0]': 'naïve ✓' },
        result: {
          schema: 'shipgate/stress@1',
          steps: [
            { rate: 100, p95: 10.5, ok: true },
            { rate: 200, p95: null, ok: false },
          ],
          text: 'ünïcødé — "quoted" \\ back\nslash',
          big: 9_007_199_254_740_991,
        },
      });
      const before = Date.now();
      const recorded = await store.recordRun(input);
      const after = Date.now();

      expect(Number.isSafeInteger(recorded.id) && recorded.id > 0).toBe(true);
      expect(recorded.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(recorded.recordedAt.getTime()).toBeLessThanOrEqual(after + 1000);
      expect(recorded).toEqual({ ...input, id: recorded.id, recordedAt: recorded.recordedAt });

      const read = await store.getRun(recorded.id);
      expect(read).toEqual(recorded);
      expect(read?.startedAt.getTime()).toBe(input.startedAt.getTime());
      expect(read?.finishedAt.getTime()).toBe(input.finishedAt.getTime());
      expect(read?.recordedAt.getTime()).toBe(recorded.recordedAt.getTime());
      expect(Object.is(read?.figures.p95_ms, 12.345678901234567)).toBe(true);

      expect(await store.getRun(recorded.id + 1000)).toBeUndefined();
    });

    it('keeps optional fields absent and an empty result as null', async () => {
      const { store } = await open();
      const input = newRun({ figures: {}, labels: {}, result: undefined });
      delete input.gitCommit;
      delete input.gitBranch;
      const read = await store.getRun((await store.recordRun(input)).id);
      expect(read).toBeDefined();
      expect(read?.gitCommit).toBeUndefined();
      expect(read?.gitBranch).toBeUndefined();
      expect(read?.figures).toEqual({});
      expect(read?.labels).toEqual({});
      expect(read?.result).toBeNull();
    });

    it('refuses non-finite figures and malformed runs, writing nothing', async () => {
      const { store } = await open();
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        await expect(store.recordRun(newRun({ figures: { ok: 1, p95_ms: bad } }))).rejects.toThrow(
          /figure "p95_ms" must be a finite number/,
        );
      }
      await expect(store.recordRun(newRun({ startedAt: new Date(Number.NaN) }))).rejects.toThrow(/startedAt/);
      await expect(store.recordRun(newRun({ verdict: 'great' as NewRun['verdict'] }))).rejects.toThrow(
        /verdict/,
      );
      expect(await store.listRuns()).toEqual([]);
    });

    it('redacts secrets in the result, summary and labels before they are stored', async () => {
      const { store, location } = await open();
      const slack = 'https://hooks.slack.com/services/T000/B000/XXXX';
      const database = 'postgres://u:hunter22@h/db';
      const target = 'https://admin:s3cr3tpass@api.example.com/v1';
      const recorded = await store.recordRun(
        newRun({
          summary: `notified ${slack} after checking ${database}`,
          labels: { target },
          result: {
            notify: { slack },
            checks: [{ database }],
            request: { headers: { authorization: 'Bearer abcdefghijklmnop123' } },
          },
        }),
      );
      const read = await store.getRun(recorded.id);
      const secrets = ['hunter22', 'T000/B000/XXXX', 's3cr3tpass', 'abcdefghijklmnop123'];
      for (const text of [JSON.stringify(recorded), JSON.stringify(read), await harness.rawText(location)]) {
        for (const secret of secrets) expect(text).not.toContain(secret);
        // the record is still there and readable, only the secret parts are masked
        expect(text).toContain('hooks.slack.com/services/***');
        expect(text).toContain('postgres://u:***@h/db');
      }
      expect(read?.summary).toBe(
        'notified https://hooks.slack.com/services/*** after checking postgres://u:***@h/db',
      );
      expect(read?.labels.target).toBe('https://admin:***@api.example.com/v1');
      // a filter written with the real URL still finds the run
      expect((await store.listRuns({ labels: { target } })).map((r) => r.id)).toEqual([recorded.id]);
    });

    it('leaves the result envelope out on request, keeping figures and labels', async () => {
      const { store } = await open();
      const recorded = await store.recordRun(
        newRun({ figures: { p95_ms: 12.5 }, labels: { scenario: 's' } }),
      );
      const [light] = await store.listRuns({ withoutResult: true });
      expect(light).toEqual({ ...recorded, result: null });
      const [full] = await store.listRuns();
      expect(full?.result).toEqual(recorded.result);
      expect(full?.result).not.toBeNull();
    });

    it('lists newest first, by start time then by id', async () => {
      const { store } = await open();
      const at = (ms: number) => ({ startedAt: new Date(T0 + ms), finishedAt: new Date(T0 + ms + 10) });
      const a = await store.recordRun(newRun(at(2000)));
      const b = await store.recordRun(newRun(at(0)));
      const c = await store.recordRun(newRun(at(2000)));
      const d = await store.recordRun(newRun(at(1)));
      expect((await store.listRuns()).map((r) => r.id)).toEqual([c.id, a.id, d.id, b.id]);
    });

    it('filters by kind, branch, start time and labels, limiting after filtering', async () => {
      const { store } = await open();
      const inputs: NewRun[] = [];
      for (let i = 0; i < 16; i++) {
        inputs.push(
          newRun({
            kind: i % 2 === 0 ? 'load' : 'coverage',
            gitBranch: i % 3 === 0 ? 'main' : 'feature/x',
            startedAt: new Date(T0 + i * 60_000),
            finishedAt: new Date(T0 + i * 60_000 + 5_000),
            // 'rare' runs are the oldest ones, so a limit applied before filtering would miss them
            labels: {
              scenario: i < 5 ? 'rare' : 'common',
              env: i % 2 === 0 ? 'prod' : 'staging',
              'a.b"c': `${i % 4}`,
            },
          }),
        );
      }
      const stored: StoredRun[] = [];
      for (const input of inputs) stored.push(await store.recordRun(input));

      // the reference: what each query must return, computed independently of SQL
      const expected = (q: RunQuery): number[] =>
        stored
          .filter((r) => q.kind === undefined || r.kind === q.kind)
          .filter((r) => q.branch === undefined || r.gitBranch === q.branch)
          .filter((r) => q.since === undefined || r.startedAt.getTime() >= q.since.getTime())
          .filter((r) => Object.entries(q.labels ?? {}).every(([k, v]) => r.labels[k] === v))
          .sort((x, y) => y.startedAt.getTime() - x.startedAt.getTime() || y.id - x.id)
          .slice(0, q.limit ?? 50)
          .map((r) => r.id);

      const queries: RunQuery[] = [
        { kind: 'load' },
        { kind: 'coverage', limit: 3 },
        { branch: 'main' },
        { branch: 'feature/x', limit: 4 },
        { since: new Date(T0 + 10 * 60_000) },
        { since: new Date(T0 + 10 * 60_000 + 1) },
        { labels: { scenario: 'rare' }, limit: 2 },
        { labels: { scenario: 'rare', env: 'prod' } },
        { labels: { 'a.b"c': '3' } },
        { kind: 'load', branch: 'main', labels: { env: 'prod' }, since: new Date(T0 + 60_000), limit: 1 },
        { labels: { scenario: 'nope' } },
        { kind: 'deploy' },
        { limit: 5 },
        { limit: 0 },
      ];
      for (const q of queries) {
        const want = expected(q);
        const got = (await store.listRuns(q)).map((r) => r.id);
        expect({ q, ids: got }).toEqual({ q, ids: want });
      }
      // the fixture really exercises each filter: none of these is trivially empty or everything
      expect(expected({ labels: { scenario: 'rare' }, limit: 2 })).toHaveLength(2);
      expect(
        expected({ kind: 'load', branch: 'main', labels: { env: 'prod' }, since: new Date(T0 + 60_000) })
          .length,
      ).toBeGreaterThan(1);
      // filtered runs come back whole, figures included
      const [first] = await store.listRuns({ kind: 'coverage', limit: 1 });
      expect(first).toEqual(stored[15]);
    });

    it('returns at most 50 runs unless asked for more', async () => {
      const { store } = await open();
      const ids: number[] = [];
      for (let i = 0; i < 55; i++) {
        ids.push(
          (await store.recordRun(newRun({ startedAt: new Date(T0 + i), finishedAt: new Date(T0 + i) }))).id,
        );
      }
      const newestFirst = ids.reverse();
      expect((await store.listRuns()).map((r) => r.id)).toEqual(newestFirst.slice(0, 50));
      expect(await store.listRuns({ limit: 100 })).toHaveLength(55);
    });

    it('sets, moves, lists and deletes baselines', async () => {
      const { store } = await open();
      const load = await store.recordRun(newRun({ kind: 'load' }));
      const stress = await store.recordRun(newRun({ kind: 'stress' }));

      const before = Date.now();
      const set = await store.setBaseline('main', load.id, 'release 1.4');
      expect(set).toEqual({
        name: 'main',
        runId: load.id,
        kind: 'load',
        createdAt: set.createdAt,
        note: 'release 1.4',
      });
      expect(set.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(await store.getBaseline('main')).toEqual(set);

      const moved = await store.setBaseline('main', stress.id);
      expect(moved).toMatchObject({ name: 'main', runId: stress.id, kind: 'stress' });
      expect(moved.note).toBeUndefined();
      expect(moved.createdAt.getTime()).toBeGreaterThanOrEqual(set.createdAt.getTime());
      expect(await store.getBaseline('main')).toEqual(moved);
      // moving a baseline keeps the run it pointed at
      expect(await store.getRun(load.id)).toEqual(load);

      const other = await store.setBaseline('Release-1.3', load.id);
      expect(await store.listBaselines()).toEqual([other, moved]);

      expect(await store.deleteBaseline('main')).toBe(true);
      expect(await store.deleteBaseline('main')).toBe(false);
      expect(await store.getBaseline('main')).toBeUndefined();
      expect(await store.listBaselines()).toEqual([other]);
      expect(await store.getBaseline('never-set')).toBeUndefined();
    });

    it('refuses a baseline pointing at a run that does not exist', async () => {
      const { store } = await open();
      const run = await store.recordRun(newRun());
      const kept = await store.setBaseline('main', run.id);
      const missing = run.id + 1000;

      const attempt = store.setBaseline('main', missing);
      await expect(attempt).rejects.toBeInstanceOf(UserError);
      await expect(attempt).rejects.toThrow(`no run #${missing} in store`);
      await expect(store.setBaseline('fresh', missing)).rejects.toBeInstanceOf(UserError);
      await expect(store.setBaseline('', run.id)).rejects.toBeInstanceOf(UserError);

      expect(await store.getBaseline('main')).toEqual(kept);
      expect(await store.getBaseline('fresh')).toBeUndefined();
    });

    it('applies migrations once: reopening finds the schema in place and the data kept', async () => {
      const { store: first, location } = await open();
      const version = await first.schemaVersion();
      expect(version).toBe(latestSchemaVersion());
      const run = await first.recordRun(newRun());

      // while the first is still open, and again after it is closed
      const { store: second } = await open(location);
      expect(await second.schemaVersion()).toBe(version);
      expect(await second.getRun(run.id)).toEqual(run);
      await first.close();
      await second.close();
      const { store: third } = await open(location);
      expect(await third.schemaVersion()).toBe(version);
      expect(await third.listRuns()).toEqual([run]);
    });

    it('refuses a store migrated by a newer shipgate', async () => {
      const { store, location } = await open();
      await store.close();
      const appliedAt = harness.engine === 'postgres' ? 'now()' : '0';
      await harness.exec(
        location,
        `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', ${appliedAt})`,
      );
      const attempt = openStore(location, { env: {} });
      await expect(attempt).rejects.toBeInstanceOf(UserError);
      await expect(attempt).rejects.toThrow(/schema version 9999, newer than this shipgate understands/);
    });
  });
}
