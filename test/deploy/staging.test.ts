import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type RunningSampleService, startSampleService } from '../../examples/sample-service/server.ts';
import { runCli, validateEnvelope } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';

/**
 * `shipgate staging validate` against the real sample service: every seed check, the token sent
 * and never shown, JUnit and the shipgate/staging@1 envelope; a broken staging fails the right checks.
 */
const TOKEN = 'stg-token-8c1f0e5a';

describe('shipgate staging validate', { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-staging-'));
  const store = join(dir, 'store.db');
  let good: RunningSampleService;
  let broken: RunningSampleService;

  beforeAll(async () => {
    good = await startSampleService({ port: 0, version: '2.0.0', staticToken: TOKEN });
    broken = await startSampleService({
      port: 0,
      version: '2.0.1',
      staticToken: TOKEN,
      failHealth: true,
      errorRate: 0.5,
    });
    writeFileSync(
      join(dir, 'shipgate.config.yaml'),
      [
        'staging:',
        '  endpoints:',
        '    - { path: /api/status, expectStatus: 200 }',
        '    - { path: /health, expectStatus: 200, json: { status: healthy } }',
        '  burst: { requests: 40, concurrency: 8, path: /api/status }',
        '  performance: { duration: 2s, users: 2 }',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await good?.close();
    await broken?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli([...args, '--store', store], { cwd: dir, env, timeoutMs: 60_000 });

  it('passes a healthy staging, skipping the comparison while no production baseline exists', async () => {
    const json = join(dir, 'ok.json');
    const junit = join(dir, 'ok.xml');
    const r = await cli(['staging', 'validate', '--url', good.url, '--json', json, '--junit', junit], {
      STAGING_AUTH_TOKEN: TOKEN,
    });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const envelope = JSON.parse(readFileSync(json, 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope.schema).toBe('shipgate/staging@1');
    const byId = Object.fromEntries(
      envelope.checks.map((c: { id: string; status: string }) => [c.id, c.status]),
    );
    expect(byId).toEqual({
      health: 'pass',
      database: 'pass',
      endpoints: 'pass',
      burst: 'pass',
      performance: 'skip',
    });
    expect(readFileSync(json, 'utf8')).not.toContain(TOKEN);
    const xml = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(junit, 'utf8'));
    expect(xml.testsuites['@_failures']).toBe('0');
    expect(xml.testsuites.testsuite['@_skipped']).toBe('1');
  });

  it('compares with the production baseline through the perf module', async () => {
    const base = await cli(
      [
        'baseline',
        'create',
        `${good.url}/api/status`,
        '--name',
        'production',
        '--duration',
        '2s',
        '--users',
        '2',
        '--window',
        '250ms',
        '--ramp-up',
        '0s',
      ],
      {
        STAGING_AUTH_TOKEN: TOKEN,
      },
    );
    expect(base.code, base.stderr).toBe(0);
    const r = await cli(['staging', 'validate', '--url', good.url, '--token', TOKEN, '--format', 'json']);
    const perf = JSON.parse(r.stdout).checks.find((c: { id: string }) => c.id === 'performance');
    // on a busy machine the comparison may honestly be inconclusive (exit 3), never a silent pass
    expect(['pass', 'fail', 'inconclusive'], perf.detail).toContain(perf.status);
    expect(r.code).toBe({ pass: 0, fail: 1, inconclusive: 3 }[perf.status as string]);
    expect(perf.detail).toMatch(/p50|p95|rps|metric|regress|unchanged/i);
  });

  it('fails a broken staging on health and burst, with Markdown for the PR comment', async () => {
    const r = await cli([
      'staging',
      'validate',
      '--url',
      broken.url,
      '--token',
      TOKEN,
      '--no-perf',
      '--format',
      'markdown',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\| health \| fail \|/);
    expect(r.stdout).toMatch(/\| burst \| fail \|.*need 90%/);
    expect(r.stdout).not.toContain(TOKEN);
  });

  it('deploys to the staging environment, then validates it through its router', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sg-staging-deploy-'));
    const [blue, green, listen] = [await freePort(), await freePort(), await freePort()];
    writeFileSync(
      join(root, 'shipgate.config.yaml'),
      stringify({
        deploy: {
          staging: {
            start: 'shipgate sample-service --port {port} --version {version} --no-auth',
            ports: { blue, green },
            router: { kind: 'builtin', listen },
            health: { interval: '100ms', retries: 40 },
            watch: { duration: 0 },
            keepOld: 0,
          },
        },
        staging: { burst: { requests: 20, concurrency: 4 } },
      }),
    );
    const run = (args: string[]) =>
      runCli([...args, '--store', join(root, 'store.db')], { cwd: root, timeoutMs: 60_000 });
    try {
      const deployed = await run(['staging', 'deploy', '1.4.0', '--format', 'json']);
      expect(deployed.code, deployed.stderr).toBe(0);
      expect(JSON.parse(deployed.stdout).deploy).toMatchObject({
        env: 'staging',
        version: '1.4.0',
        outcome: 'succeeded',
      });
      const r = await run(['staging', 'validate', '--no-perf', '--format', 'json']);
      expect(r.code, r.stdout).toBe(0);
      const envelope = JSON.parse(r.stdout);
      expect(envelope.url).toBe(`http://127.0.0.1:${listen}`);
      expect(envelope.checks.find((c: { id: string }) => c.id === 'health').detail).toMatch(
        /version 1\.4\.0/,
      );
    } finally {
      await run(['deploy', 'down', '--env', 'staging']);
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('needs a URL', async () => {
    const r = await cli(['staging', 'validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no staging URL/);
  });
});
