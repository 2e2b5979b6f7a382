import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkOnce } from '../../src/deploy/health.ts';
import { deployStatus } from '../../src/deploy/ops.ts';
import { runDeploy } from '../../src/deploy/run.ts';
import { type Harness, makeHarness } from './harness.ts';

vi.setConfig({ testTimeout: 60_000 });

describe('a colour port taken by another program', () => {
  let h: Harness;
  let squatter: Server;
  beforeAll(async () => {
    h = await makeHarness('builtin', { smoke: [{ path: '/health' }] });
  });
  afterAll(async () => {
    await new Promise((r) => squatter?.close(r));
    await h?.close();
  });

  it('refuses the deploy at start, naming the port, and leaves the squatter and the serving colour alone', async () => {
    expect((await runDeploy(h.env, '1.0.0')).outcome).toBe('succeeded');
    const green = h.env.config.ports.green;
    squatter = createServer((s) => s.end());
    await new Promise<void>((r) => squatter.listen(green, h.env.config.host, r));

    const report = await runDeploy(h.env, '2.0.0');
    expect(report.outcome).toBe('refused');
    expect(report.phases.map((p) => `${p.phase}:${p.outcome}`)).toEqual(['start:fail', 'stop-new:ok']);
    expect(report.reason).toContain(`port ${green} on ${h.env.config.host} is already in use`);
    expect(report.reason).toContain('deploy.production.ports.green');
    // refused in milliseconds, not after the health gate's timeouts
    expect(report.phases[0]?.ms).toBeLessThan(1500);

    expect(squatter.listening).toBe(true);
    const served = await checkOnce(`${h.routerUrl}/health`, { expectStatus: [200], timeoutMs: 2000 });
    expect(served.version).toBe('1.0.0');
    const status = await deployStatus(h.env);
    expect(status.consistent).toBe(true);
    expect(status.colours.map((c) => `${c.colour}:${c.version}`)).toEqual(['blue:1.0.0']);
  });
});
