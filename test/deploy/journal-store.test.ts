import { afterAll, describe, expect, inject, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { type EngineHarness, postgresHarness, sqliteHarness } from '../store/harness.ts';

/** Migration 4 (deploy journal and locks) on both engines. */
const url = inject('postgresUrl');
const engines: Array<[string, () => EngineHarness, boolean]> = [
  ['sqlite', sqliteHarness, false],
  // skipped only where test/setup/postgres.ts found no PostgreSQL (never in CI)
  ['postgres', () => postgresHarness(url ?? ''), url === null],
];

describe.each(engines)('deploy journal on %s', (_engine, makeHarness, skip) => {
  const harness = skip ? undefined : makeHarness();
  const stores: Store[] = [];
  const fresh = async () => {
    const store = await openStore(await (harness as EngineHarness).freshLocation(), { env: {} });
    stores.push(store);
    return store;
  };
  afterAll(async () => {
    for (const s of stores) await s.close();
    await harness?.cleanup();
  });
  const lock = { owner: 'ci@runner', pid: 4242, host: 'runner-1' };
  const deploy = (version: string) => ({
    env: 'production',
    action: 'deploy',
    version,
    colour: 'green',
    previousVersion: '1.0.0',
    previousColour: 'blue',
    actor: 'ci@runner',
    gitCommit: 'abc123',
    startedAt: new Date('2026-01-02T03:04:05.678Z'),
  });

  it.skipIf(skip)('journals phases in order and closes a deploy with its outcome', async () => {
    const d = (await fresh()).deploys();
    const begun = await d.begin(deploy('2.0.0'), lock);
    if (!begun.ok) throw new Error('lock not taken');
    const id = begun.deploy.id;
    expect(begun.deploy).toMatchObject({
      version: '2.0.0',
      outcome: 'running',
      previousVersion: '1.0.0',
      gitCommit: 'abc123',
    });
    await d.phase(id, { phase: 'start', outcome: 'begin', startedAt: new Date(), durationMs: 0 });
    await d.phase(id, {
      phase: 'start',
      outcome: 'ok',
      startedAt: new Date(),
      durationMs: 12.5,
      detail: { detail: 'pid 7' },
    });
    await d.phase(id, {
      phase: 'health',
      outcome: 'fail',
      startedAt: new Date(),
      durationMs: 3000,
      detail: { detail: 'token https://u:hunter22@h/x' },
    });
    await d.finish(id, 'refused', { reason: 'health' });
    const phases = await d.phases(id);
    expect(phases.map((p) => `${p.phase}:${p.outcome}`)).toEqual(['start:begin', 'start:ok', 'health:fail']);
    expect(phases[1]?.durationMs).toBe(12.5);
    expect(JSON.stringify(phases[2]?.detail)).not.toContain('hunter22');
    const stored = await d.get(id);
    expect(stored).toMatchObject({ outcome: 'refused', detail: { reason: 'health' } });
    expect(stored?.startedAt.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(stored?.finishedAt).toBeInstanceOf(Date);
  });

  it.skipIf(skip)(
    'refuses a second deploy of the same environment while the first holds the lock',
    async () => {
      const d = (await fresh()).deploys();
      const first = await d.begin(deploy('2.0.0'), lock);
      expect(first.ok).toBe(true);
      const second = await d.begin(deploy('3.0.0'), { ...lock, pid: 9 });
      expect(second.ok).toBe(false);
      if (!second.ok && first.ok)
        expect(second.holder).toMatchObject({ deployId: first.deploy.id, pid: 4242, host: 'runner-1' });
      // another environment is independent
      expect((await d.begin({ ...deploy('1.0.0'), env: 'staging' }, lock)).ok).toBe(true);
      if (first.ok) await d.release('production', first.deploy.id);
      expect(await d.lock('production')).toBeUndefined();
      expect((await d.begin(deploy('3.0.0'), lock)).ok).toBe(true);
    },
  );

  it.skipIf(skip)('lets recovery take over a dead deploy lock, and lists deploys newest first', async () => {
    const d = (await fresh()).deploys();
    const a = await d.begin(deploy('2.0.0'), lock);
    if (!a.ok) throw new Error('lock');
    const moved = await d.takeOver('production', a.deploy.id, {
      env: 'production',
      deployId: a.deploy.id,
      owner: 'me',
      pid: 1,
      host: 'h',
      acquiredAt: new Date(),
    });
    expect(moved).toBe(true);
    expect(
      await d.takeOver('production', 999_999, {
        ...lock,
        env: 'production',
        deployId: 1,
        acquiredAt: new Date(),
      }),
    ).toBe(false);
    expect((await d.lock('production'))?.owner).toBe('me');
    await d.release('production', a.deploy.id);
    await d.finish(a.deploy.id, 'succeeded');
    const b = await d.begin({ ...deploy('3.0.0'), rollbackOf: a.deploy.id }, lock);
    if (!b.ok) throw new Error('lock');
    const list = await d.list('production');
    expect(list.map((x) => x.version)).toEqual(['3.0.0', '2.0.0']);
    expect(list[0]?.rollbackOf).toBe(a.deploy.id);
    expect(await d.list('production', 1)).toHaveLength(1);
  });
});
