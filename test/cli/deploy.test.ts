import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadSqlite } from '../../src/core/sqlite.ts';
import { checkOnce } from '../../src/deploy/health.ts';
import { startProbe } from '../../src/deploy/probe.ts';
import { ROOT, runCli, validateEnvelope } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';

/**
 * The deploy commands as a user runs them: separate processes, a config file, a SQLite store.
 * The colours and the router outlive each command; `deploy down` in afterAll stops them even when
 * a test failed.
 */
// real processes on a shared CI machine: a deploy takes a few seconds, more when the machine is busy
describe('shipgate deploy, rollback', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-cli-deploy-'));
  const store = join(dir, 'store.db');
  let routerUrl = '';
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli([...args, '--store', store], { cwd: dir, env, timeoutMs: 60_000 });

  beforeAll(async () => {
    const [blue, green, listen] = [await freePort(), await freePort(), await freePort()];
    routerUrl = `http://127.0.0.1:${listen}`;
    writeFileSync(
      join(dir, 'shipgate.config.yaml'),
      stringify({
        deploy: {
          production: {
            start: 'shipgate sample-service --port {port} --version {version} --no-auth --latency-ms 400',
            ports: { blue, green },
            router: { kind: 'builtin', listen, drainTimeout: '20s' },
            health: { path: '/health', interval: '100ms', retries: 40 },
            watch: { duration: '300ms', path: '/health', minRequests: 3 },
            keepOld: 0,
          },
        },
      }),
    );
  });

  afterAll(async () => {
    await cli(['deploy', 'down', '--env', 'production']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('teaches with examples in --help', async () => {
    const deploy = await runCli(['deploy', '--help']);
    expect(deploy.code).toBe(0);
    expect(deploy.stdout).toContain('Examples:');
    expect(deploy.stdout).toContain('shipgate deploy recover --env production');
    const rollback = await runCli(['rollback', '--help']);
    expect(rollback.stdout).toContain('shipgate rollback 2.3.1 --env production');
  });

  it('names an unknown environment in one line with exit 2', async () => {
    const r = await cli(['deploy', '1.0.0', '--env', 'nowhere']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no deploy environment "nowhere".*known: production/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect((await cli(['deploy'])).stderr).toMatch(/missing required argument/);
  });

  it('deploys, writes a valid envelope, and records the run', async () => {
    const json = join(dir, 'v1.json');
    const r = await cli(['deploy', '1.0.0', '--env', 'production', '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    const envelope = JSON.parse(readFileSync(json, 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope).toMatchObject({ schema: 'shipgate/deploy@1', verdict: 'pass', operation: 'deploy' });
    expect(envelope.deploy).toMatchObject({ version: '1.0.0', colour: 'blue', outcome: 'succeeded' });
    const history = await cli(['history', '--kind', 'deploy', '--format', 'json']);
    expect(JSON.parse(history.stdout).runs[0].labels).toMatchObject({ env: 'production', version: '1.0.0' });
  });

  it('exits 1 for a v3 whose health fails, with v1 still serving', async () => {
    const r = await cli(['deploy', '3.0.0', '--env', 'production', '--format', 'json'], {
      SAMPLE_FAIL_HEALTH: '1',
    });
    expect(r.code).toBe(1);
    const envelope = JSON.parse(r.stdout);
    expect(envelope.deploy.outcome).toBe('refused');
    expect(validateEnvelope(envelope)).toEqual([]);
    expect((await checkOnce(`${routerUrl}/health`, { expectStatus: [200], timeoutMs: 2000 })).version).toBe(
      '1.0.0',
    );
  });

  it('refuses a second deploy while one runs, with a clear message', async () => {
    const first = cli(['deploy', '9.0.0', '--env', 'production'], { SAMPLE_FAIL_HEALTH: '1' });
    await waitForPhase(store, 'health');
    const second = await cli(['deploy', '2.0.0', '--env', 'production']);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/production is locked by deploy #\d+ .*pid \d+/);
    expect(second.stderr).toMatch(/wait for it to finish/);
    expect((await first).code).toBe(1);
  });

  it('a deploy killed during the switch, then `deploy recover`, ends consistent', async () => {
    // slow requests (400 ms each), started 100 ms apart, keep the old colour busy at any moment, so
    // the switch phase lasts at least ~300 ms while it drains: time enough to kill the deploy in it
    const probes: Array<ReturnType<typeof startProbe>> = [];
    for (let i = 0; i < 4; i++) {
      probes.push(startProbe(`${routerUrl}/api/status`, { concurrency: 1, timeoutMs: 30_000 }));
      await new Promise((r) => setTimeout(r, 100));
    }
    const child = spawn(
      process.execPath,
      [join(ROOT, 'src/cli/main.ts'), 'deploy', '2.0.0', '--env', 'production', '--store', store],
      {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
        stdio: 'ignore',
      },
    );
    try {
      await waitForPhase(store, 'switch');
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    } finally {
      child.kill('SIGKILL');
    }
    const tallies = await Promise.all(probes.map((p) => p.stop()));
    for (const t of tallies) expect(t.connectionErrors + t.failed).toBe(0);

    const before = await cli(['deploy', 'status', '--env', 'production', '--format', 'json']);
    const status = JSON.parse(before.stdout);
    expect(status.verdict).toBe('warn');
    expect(status.status.lock.dead).toBe(true);
    expect(status.status.problems.join(' ')).toMatch(/deploy recover/);

    const blocked = await cli(['deploy', '2.0.0', '--env', 'production']);
    expect(blocked.stderr).toMatch(/no longer running.*deploy recover/);

    const json = join(dir, 'recover.json');
    const recover = await cli(['deploy', 'recover', '--env', 'production', '--json', json]);
    expect(recover.code, recover.stderr).toBe(0);
    const envelope = JSON.parse(readFileSync(json, 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope.recovery).toMatchObject({ serve: 'blue', stop: ['green'], outcome: 'rolled-back' });
    expect(envelope.recovery.deploy.lastPhase).toBe('switch');

    const after = JSON.parse(
      (await cli(['deploy', 'status', '--env', 'production', '--format', 'json'])).stdout,
    );
    expect(after.verdict).toBe('pass');
    expect(after.status).toMatchObject({ consistent: true, active: 'blue', router: { active: 'blue' } });
    expect(after.status.lock).toBeUndefined();
    expect(after.status.colours.map((c: { colour: string }) => c.colour)).toEqual(['blue']);
    expect((await checkOnce(`${routerUrl}/health`, { expectStatus: [200], timeoutMs: 2000 })).version).toBe(
      '1.0.0',
    );

    const history = JSON.parse(
      (await cli(['deploy', 'history', '--env', 'production', '--format', 'json'])).stdout,
    );
    expect(validateEnvelope(history)).toEqual([]);
    const killed = history.history.find((d: { version: string }) => d.version === '2.0.0');
    expect(killed.outcome).toBe('rolled-back');
    expect(killed.phases.map((p: { phase: string }) => p.phase)).toContain('recover');
  });

  it('rollback and down work from the command line', async () => {
    expect((await cli(['deploy', '2.0.0', '--env', 'production'])).code).toBe(0);
    const rollback = await cli(['rollback', '--env', 'production', '--format', 'json']);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(JSON.parse(rollback.stdout).deploy).toMatchObject({ action: 'rollback', version: '1.0.0' });
    const down = await cli(['deploy', 'down', '--env', 'production', '--format', 'markdown']);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/stopped builtin router, blue \(1\.0\.0\)/);
    expect((await checkOnce(`${routerUrl}/health`, { expectStatus: [200], timeoutMs: 500 })).ok).toBe(false);
  });
});

/** Polls the store until the newest deploy's last journal entry is `phase` begun. */
async function waitForPhase(store: string, phase: string, timeoutMs = 30_000): Promise<void> {
  const { DatabaseSync } = await loadSqlite();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const db = new DatabaseSync(store, { readOnly: true, timeout: 1000 });
      try {
        const row = db
          .prepare(
            `SELECT phase, outcome FROM deploy_phases WHERE deploy_id = (SELECT MAX(id) FROM deploys) ORDER BY seq DESC LIMIT 1`,
          )
          .get() as { phase: string; outcome: string } | undefined;
        if (row?.phase === phase && row.outcome === 'begin') return;
      } finally {
        db.close();
      }
    } catch {
      // not created yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no deploy reached ${phase}`);
}
