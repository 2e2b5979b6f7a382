import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkOnce } from '../../src/deploy/health.ts';
import type { RouterKind } from '../../src/deploy/kinds.ts';
import { deployDown, deployStatus } from '../../src/deploy/ops.ts';
import { type ProbeTally, startProbe } from '../../src/deploy/probe.ts';
import { runRecover } from '../../src/deploy/recover.ts';
import { runRollback } from '../../src/deploy/rollback.ts';
import { findBinary } from '../../src/deploy/routers/tools.ts';
import { type DeployReport, runDeploy } from '../../src/deploy/run.ts';
import { type Harness, makeHarness } from './harness.ts';

/**
 * The proofs, per router, against the real sample service as separate processes and the
 * real proxy: zero failed requests across a deploy and a rollback under steady traffic; a version
 * failing its health gate never gets traffic; a version failing the watch is switched back.
 * nginx and HAProxy come from Debian (.ci/run installs them); they run unprivileged on free
 * loopback ports with their config and pid files in a temp folder.
 */
// each deploy starts real processes: seconds, more on a busy machine
vi.setConfig({ testTimeout: 60_000 });

const ROUTERS: Array<[RouterKind, boolean]> = [
  ['builtin', true],
  ['nginx', findBinary('nginx') !== undefined],
  ['haproxy', findBinary('haproxy') !== undefined],
];

async function underTraffic(
  h: Harness,
  work: () => Promise<DeployReport>,
): Promise<{ report: DeployReport; tally: ProbeTally }> {
  const probe = startProbe(`${h.routerUrl}/api/status`, { concurrency: 4 });
  await new Promise((r) => setTimeout(r, 200));
  try {
    const report = await work();
    await new Promise((r) => setTimeout(r, 200));
    return { report, tally: await probe.stop() };
  } catch (e) {
    await probe.stop();
    throw e;
  }
}

async function servingVersion(h: Harness): Promise<string | undefined> {
  return (await checkOnce(`${h.routerUrl}/health`, { expectStatus: [200], timeoutMs: 2000 })).version;
}

describe.each(ROUTERS)('blue-green through the %s router', (kind, available) => {
  let h: Harness;
  beforeAll(async () => {
    if (available) h = await makeHarness(kind, { smoke: [{ path: '/health' }] });
  });
  afterAll(async () => {
    await h?.close();
  });

  it.runIf(available)('deploys v1, then v2 under steady traffic with zero failed requests', async () => {
    const first = await runDeploy(h.env, '1.0.0');
    expect(first.outcome, first.reason).toBe('succeeded');
    const { report, tally } = await underTraffic(h, () => runDeploy(h.env, '2.0.0'));
    expect(report.outcome, report.reason).toBe('succeeded');
    expect(report.phases.map((p) => p.phase)).toEqual([
      'start',
      'health',
      'smoke',
      'switch',
      'verify',
      'watch',
      'retire',
    ]);
    expect(tally.failed).toBe(0);
    expect(tally.connectionErrors).toBe(0);
    // both versions answered during the run: traffic really moved while it flowed
    expect(tally.versions['1.0.0']).toBeGreaterThan(0);
    expect(tally.versions['2.0.0']).toBeGreaterThan(0);
    if (kind !== 'nginx') expect(tally.retried).toBe(0);
    expect(await servingVersion(h)).toBe('2.0.0');
  });

  it.runIf(available)('never sends traffic to a v3 whose health fails; v2 keeps serving', async () => {
    h.env.processEnv.SAMPLE_FAIL_HEALTH = '1';
    try {
      const { report, tally } = await underTraffic(h, () => runDeploy(h.env, '3.0.0'));
      expect(report.outcome).toBe('refused');
      expect(report.phases.map((p) => p.phase)).toEqual(['start', 'health', 'stop-new']);
      expect(tally.versions['3.0.0']).toBeUndefined();
      expect(tally.failed + tally.connectionErrors).toBe(0);
    } finally {
      delete h.env.processEnv.SAMPLE_FAIL_HEALTH;
    }
    expect(await servingVersion(h)).toBe('2.0.0');
    const status = await deployStatus(h.env);
    expect(status.consistent).toBe(true);
    expect(status.colours.map((c) => `${c.colour}:${c.version}`)).toEqual(['green:2.0.0']);
  });

  it.runIf(available)(
    'switches back automatically when v4 passes health but fails the watch period',
    async () => {
      h.env.processEnv.SAMPLE_ERROR_RATE = '0.5';
      let report: DeployReport;
      try {
        report = await runDeploy(h.env, '4.0.0');
      } finally {
        delete h.env.processEnv.SAMPLE_ERROR_RATE;
      }
      expect(report.outcome, report.reason).toBe('rolled-back');
      expect(report.phases.map((p) => `${p.phase}:${p.outcome}`).slice(-3)).toEqual([
        'watch:fail',
        'switch-back:ok',
        'stop-new:ok',
      ]);
      expect(report.watch?.errorRatePercent).toBeGreaterThan(1);
      expect(await servingVersion(h)).toBe('2.0.0');
      expect((await deployStatus(h.env)).consistent).toBe(true);
    },
  );

  it.runIf(available)(
    'rolls back to the previous good version under traffic with zero failures',
    async () => {
      const { report, tally } = await underTraffic(h, () => runRollback(h.env));
      expect(report).toMatchObject({ action: 'rollback', version: '1.0.0', outcome: 'succeeded' });
      expect(tally.failed).toBe(0);
      expect(tally.connectionErrors).toBe(0);
      expect(await servingVersion(h)).toBe('1.0.0');
      const history = await h.env.store.list('production');
      expect(history.map((d) => `${d.action}:${d.version}:${d.outcome}`)).toEqual([
        'rollback:1.0.0:succeeded',
        'deploy:4.0.0:rolled-back',
        'deploy:3.0.0:refused',
        'deploy:2.0.0:succeeded',
        'deploy:1.0.0:succeeded',
      ]);
    },
  );

  it.runIf(available)('deploy down stops the router and both colours', async () => {
    const before = await deployStatus(h.env);
    const pids = Object.values(before.colours).length;
    expect(pids).toBeGreaterThan(0);
    const { stopped } = await deployDown(h.env);
    expect(stopped[0]).toBe(`${kind} router`);
    const after = await deployStatus(h.env);
    expect(after.router.running).toBe(false);
    expect(after.colours).toEqual([]);
    await expect(
      checkOnce(`${h.routerUrl}/health`, { expectStatus: [200], timeoutMs: 500 }),
    ).resolves.toMatchObject({
      ok: false,
    });
  });
});

describe('warm rollback', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness('builtin', { keepOld: '1m', watch: { duration: 0 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('returns to the colour kept running, re-verified by the health gate, without starting anything', async () => {
    await runDeploy(h.env, '1.0.0');
    await runDeploy(h.env, '2.0.0');
    const kept = (await deployStatus(h.env)).colours.find((c) => c.colour === 'blue');
    expect(kept).toMatchObject({ version: '1.0.0', running: true, active: false });
    expect(kept?.retireAt).toBeDefined();
    const { report, tally } = await underTraffic(h, () => runRollback(h.env));
    expect(report.phases[0]?.phase).toBe('health');
    expect(report.phases.some((p) => p.phase === 'start')).toBe(false);
    expect(report).toMatchObject({ version: '1.0.0', colour: 'blue', outcome: 'succeeded' });
    expect(tally.failed + tally.connectionErrors).toBe(0);
    expect(await servingVersion(h)).toBe('1.0.0');
  });
});

describe('recover without a dead deploy', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness('builtin', { watch: { duration: 0 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('restarts a router that died, serving the colour the state says is active', async () => {
    await runDeploy(h.env, '1.0.0');
    await h.env.router.stop(h.env.routerContext);
    expect((await deployStatus(h.env)).problems.join(' ')).toMatch(
      /router serves nothing but blue should be active/,
    );
    const r = await runRecover(h.env);
    expect(r.deploy).toBeUndefined();
    expect(r.plan).toMatchObject({ serve: 'blue', switchRouter: true, stop: [] });
    expect(await servingVersion(h)).toBe('1.0.0');
    expect((await deployStatus(h.env)).consistent).toBe(true);
  });
});
