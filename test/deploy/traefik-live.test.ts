import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProbe } from '../../src/deploy/probe.ts';
import { findBinary } from '../../src/deploy/routers/tools.ts';
import { runDeploy } from '../../src/deploy/run.ts';
import { freePort } from '../helpers/ports.ts';
import { type Harness, makeHarness } from './harness.ts';

/**
 * Traefik has no Debian package and no npm package ships its binary, so this runs only where a
 * `traefik` binary is on PATH: Traefik watches the directory shipgate writes into, and the switch
 * is verified through its API and through the entry point under traffic.
 */
const traefik = findBinary('traefik');

describe.runIf(traefik !== undefined)('blue-green through a live Traefik', () => {
  let dir = '';
  let proc: ChildProcess | undefined;
  let h: Harness;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sg-traefik-'));
    const [listen, api] = [await freePort(), await freePort()];
    const dynamic = join(dir, 'dynamic');
    proc = spawn(
      traefik as string,
      [
        `--entryPoints.web.address=127.0.0.1:${listen}`,
        `--entryPoints.traefik.address=127.0.0.1:${api}`,
        '--api.insecure=true',
        `--providers.file.directory=${dynamic}`,
        '--providers.file.watch=true',
        '--log.level=ERROR',
      ],
      { stdio: 'ignore' },
    );
    h = await makeHarness('traefik', {
      router: {
        kind: 'traefik',
        listen,
        directory: dynamic,
        api: `http://127.0.0.1:${api}`,
        drainTimeout: '5s',
      },
    });
  });

  afterAll(async () => {
    await h?.close();
    proc?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('deploys v1, then v2 under traffic with zero failed requests, verified through the API', async () => {
    expect((await runDeploy(h.env, '1.0.0')).outcome).toBe('succeeded');
    const probe = startProbe(`${h.routerUrl}/api/status`, { concurrency: 4 });
    const v2 = await runDeploy(h.env, '2.0.0');
    const tally = await probe.stop();
    expect(v2.outcome).toBe('succeeded');
    expect(v2.phases.find((p) => p.phase === 'switch')?.detail).toMatch(/Traefik's API shows/);
    expect(tally.failed + tally.connectionErrors).toBe(0);
  });
});
