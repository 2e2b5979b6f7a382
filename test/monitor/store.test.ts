import { afterAll, describe, expect, inject, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { type EngineHarness, postgresHarness, sqliteHarness } from '../store/harness.ts';

const pgUrl = inject('postgresUrl');

const engines: Array<[string, () => EngineHarness, boolean]> = [
  ['sqlite', sqliteHarness, false],
  ['postgres', () => postgresHarness(pgUrl ?? ''), pgUrl === null],
];

describe.each(engines)('monitoring tables on %s (migration 3)', (_engine, makeHarness, skip) => {
  const harness = skip ? undefined : makeHarness();
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    await harness?.cleanup();
  });

  async function fresh(): Promise<{ store: Store; location: string }> {
    const location = await (harness as EngineHarness).freshLocation();
    const store = await openStore(location, { env: {} });
    stores.push(store);
    return { store, location };
  }

  it.skipIf(skip)('migrates to version 3 or later', async () => {
    const { store } = await fresh();
    expect(await store.schemaVersion()).toBeGreaterThanOrEqual(3);
  });

  it.skipIf(skip)('saves alert states and enqueues a dedup key only once, across reopen', async () => {
    const { store, location } = await fresh();
    const m = store.monitoring();
    const message = { dedupKey: 'slack:abc', channel: 'slack', payload: { title: 'FIRING: x' } };
    expect(await m.commitAlerts([{ key: 'a', data: { phase: 'firing', episode: 1 } }], [message])).toBe(1);
    expect(await m.commitAlerts([{ key: 'a', data: { phase: 'firing', episode: 1 } }], [message])).toBe(0);
    await store.close();
    const again = await openStore(location, { env: {} });
    stores.push(again);
    const m2 = again.monitoring();
    expect(await m2.loadAlertStates()).toEqual([{ key: 'a', data: { phase: 'firing', episode: 1 } }]);
    expect(await m2.commitAlerts([], [message])).toBe(0);
    expect(await m2.listOutbox()).toHaveLength(1);
  });

  it.skipIf(skip)('claims due messages under a lease, retries, and settles them', async () => {
    const { store } = await fresh();
    const m = store.monitoring();
    await m.commitAlerts(
      [],
      [
        { dedupKey: 'k1', channel: 'webhook', payload: { n: 1 } },
        { dedupKey: 'k2', channel: 'webhook', payload: { n: 2 } },
      ],
    );
    const now = new Date(Date.now() + 1000);
    const claimed = await m.claimOutbox(now, 60_000, 10);
    expect(claimed.map((c) => c.dedupKey)).toEqual(['k1', 'k2']);
    // leased: a second claimer at the same time gets nothing
    expect(await m.claimOutbox(now, 60_000, 10)).toEqual([]);
    await m.settleOutbox(claimed[0]?.id ?? 0, { delivered: true }, now);
    await m.settleOutbox(
      claimed[1]?.id ?? 0,
      { delivered: false, error: 'HTTP 503', retryAt: new Date(now.getTime() + 5000) },
      now,
    );
    expect(await m.claimOutbox(new Date(now.getTime() + 4000), 60_000, 10)).toEqual([]);
    const retry = await m.claimOutbox(new Date(now.getTime() + 5000), 60_000, 10);
    expect(retry.map((r) => [r.dedupKey, r.attempts, r.lastError])).toEqual([['k2', 1, 'HTTP 503']]);
    await m.settleOutbox(retry[0]?.id ?? 0, { delivered: false, error: 'HTTP 400' }, now);
    expect(await m.listOutbox({ pending: true })).toEqual([]);
    const all = await m.listOutbox();
    expect(all.map((o) => [o.dedupKey, Boolean(o.deliveredAt), Boolean(o.failedAt)])).toEqual([
      ['k2', false, true],
      ['k1', true, false],
    ]);
  });

  it.skipIf(skip)('keeps secrets out of stored messages', async () => {
    const { store, location } = await fresh();
    await store.monitoring().commitAlerts(
      [],
      [
        {
          dedupKey: 'k',
          channel: 'slack',
          payload: {
            text: 'see https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX',
            password: 'hunter2hunter2',
          },
        },
      ],
    );
    const [stored] = await store.monitoring().listOutbox();
    expect(JSON.stringify(stored?.payload)).not.toMatch(/XXXXSECRETXXXX|hunter2/);
    expect(location).toBeTruthy();
  });

  it.skipIf(skip)('silences: in force between start and end, and can be expired', async () => {
    const { store } = await fresh();
    const m = store.monitoring();
    const t = Date.now();
    const s = await m.addSilence({
      matchers: { alertname: 'cpu_usage' },
      startsAt: new Date(t),
      endsAt: new Date(t + 3_600_000),
      comment: 'load test',
    });
    expect((await m.listSilences(new Date(t + 1000))).map((x) => x.id)).toEqual([s.id]);
    expect(await m.listSilences(new Date(t + 3_600_000))).toEqual([]);
    expect(await m.expireSilence(s.id, new Date(t + 2000))).toBe(true);
    expect(await m.listSilences(new Date(t + 3000))).toEqual([]);
    expect(await m.expireSilence(s.id, new Date(t + 4000))).toBe(false);
    expect((await m.listSilences())[0]?.matchers).toEqual({ alertname: 'cpu_usage' });
  });

  it.skipIf(skip)(
    'rolls raw samples into minutes and minutes into hours, keeping the sums exact',
    async () => {
      const { store } = await fresh();
      const m = store.monitoring();
      const day0 = Date.UTC(2026, 0, 1);
      const series = 'http_response_time_ms{check="api"}';
      // two hours of samples every 20 s: 360 samples, values 0..359
      const samples = Array.from({ length: 360 }, (_, i) => ({
        series,
        at: new Date(day0 + i * 20_000),
        value: i,
      }));
      await m.recordSamples(samples);
      expect(await m.sampleCounts()).toEqual({ raw: 360, minute: 0, hour: 0 });
      // raw kept 30 min: the first 90 minutes roll into minutes
      const now = new Date(day0 + 2 * 3_600_000);
      await m.compactSamples({ now, rawMs: 30 * 60_000, minuteMs: 7 * 86_400_000, hourMs: 90 * 86_400_000 });
      expect(await m.sampleCounts()).toEqual({ raw: 90, minute: 90, hour: 0 });
      const minutes = await m.listRollups(series, 'minute');
      expect(minutes[0]).toMatchObject({ count: 3, sum: 0 + 1 + 2, min: 0, max: 2 });
      // later, with minutes kept only one hour: whole hours before now-1h roll up
      const later = new Date(day0 + 3 * 3_600_000);
      await m.compactSamples({
        now: later,
        rawMs: 30 * 60_000,
        minuteMs: 3_600_000,
        hourMs: 90 * 86_400_000,
      });
      const hours = await m.listRollups(series, 'hour');
      const counts = await m.sampleCounts();
      expect(counts.raw).toBe(0);
      const total =
        hours.reduce((a, h) => a + h.count, 0) +
        (await m.listRollups(series, 'minute')).reduce((a, r) => a + r.count, 0);
      expect(total).toBe(360);
      const sum =
        hours.reduce((a, h) => a + h.sum, 0) +
        (await m.listRollups(series, 'minute')).reduce((a, r) => a + r.sum, 0);
      expect(sum).toBe((359 * 360) / 2);
      expect(hours[0]).toMatchObject({ count: 180, min: 0, max: 179 });
      // and hours past their retention are dropped
      await m.compactSamples({
        now: new Date(day0 + 10 * 86_400_000),
        rawMs: 1,
        minuteMs: 1,
        hourMs: 86_400_000,
      });
      expect(await m.sampleCounts()).toEqual({ raw: 0, minute: 0, hour: 0 });
    },
  );
});
