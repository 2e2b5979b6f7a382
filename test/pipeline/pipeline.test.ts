import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSampleService, startSampleService } from '../../examples/sample-service/server.ts';
import { ROOT, runCli, validateEnvelope } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';

/**
 * `shipgate pipeline run` end to end against the sample service: its own node:test suite with
 * coverage, an audit of its lockfile against an offline OSV folder, its OpenAPI document against
 * the committed one, blue-green deploys of the sample service to staging (then validated) and to
 * production through shipgate's own router, and a load test compared with a stored baseline.
 */
const SAMPLE = join(ROOT, 'examples', 'sample-service');
const TEST_COMMAND = [
  'node --test --experimental-test-coverage',
  '--test-reporter=junit --test-reporter-destination=junit.xml',
  '--test-reporter=lcov --test-reporter-destination=lcov.info',
  JSON.stringify(join(SAMPLE, 'tests', 'api.test.ts')),
].join(' ');

describe('shipgate pipeline run', () => {
  let service: RunningSampleService;
  let repo: string;
  let store: string;
  let config: string;

  beforeAll(async () => {
    service = await startSampleService({ port: 0 });
    repo = mkdtempSync(join(tmpdir(), 'shipgate-pipeline-'));
    store = join(repo, '.shipgate', 'shipgate.db');
    cpSync(join(SAMPLE, 'package.json'), join(repo, 'package.json'));
    cpSync(join(SAMPLE, 'package-lock.json'), join(repo, 'package-lock.json'));
    mkdirSync(join(repo, 'osv'));
    writeFileSync(
      join(repo, 'osv', 'GHSA-0000-0000-0000.json'),
      JSON.stringify({
        schema_version: '1.6.0',
        id: 'GHSA-0000-0000-0000',
        modified: '2026-01-01T00:00:00Z',
        summary: 'a package the sample service does not use',
        affected: [
          {
            package: { ecosystem: 'npm', name: 'not-a-dependency' },
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }],
          },
        ],
      }),
    );
    // Both environments start the sample service itself, behind the builtin router.
    const start = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'src', 'cli', 'main.ts'))} sample-service --port {port} --version {version}`;
    const environment = async (name: string) => {
      const [listen, blue, green] = [await freePort(), await freePort(), await freePort()];
      return [
        `  ${name}:`,
        `    start: ${JSON.stringify(start)}`,
        `    ports: { blue: ${blue}, green: ${green} }`,
        `    router: { kind: builtin, listen: ${listen} }`,
        '    health: { path: /health, interval: 200ms, retries: 50 }',
        '    watch: { duration: 1s }',
        '    keepOld: 0s',
        `    stateDir: .shipgate/deploy-${name}`,
      ].join('\n');
    };
    config = join(repo, 'shipgate.config.yaml');
    writeFileSync(
      config,
      [
        'deploy:',
        await environment('staging'),
        await environment('production'),
        'staging:',
        // the sample service's API wants a login; its health answer is public
        '  endpoints: [{ path: /health, expectStatus: 200, json: true }]',
        '',
      ].join('\n'),
    );
    const openapi = await (await fetch(`${service.url}/openapi.json`)).text();
    writeFileSync(join(repo, 'openapi.json'), openapi);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], {
        cwd: repo,
        stdio: 'ignore',
      });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'service');
    const baseline = await runCli(
      [
        'baseline',
        'create',
        `${service.url}/health`,
        '--name',
        'main',
        '-d',
        '2s',
        '-u',
        '2',
        '--window',
        '200ms',
        '--ramp-up',
        '0s',
        '--think-time',
        '5ms',
        '--store',
        store,
      ],
      { cwd: repo },
    );
    expect(baseline.code, baseline.stdout + baseline.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => {
    for (const env of ['staging', 'production'])
      await runCli(['deploy', 'down', '--env', env, '-c', config, '--store', store], { cwd: repo });
    await service?.close();
  });

  const run = (...extra: string[]) =>
    runCli(
      [
        'pipeline',
        'run',
        '-c',
        config,
        '--version',
        'v1',
        '--store',
        store,
        '--url',
        `${service.url}/health`,
        '--junit',
        'junit.xml',
        '--coverage-report',
        'lcov.info',
        '--test-command',
        TEST_COMMAND,
        '--arg',
        'audit=--osv-db=osv',
        '--arg',
        'coverage=--min=50',
        '--arg',
        'load=--duration=2s',
        '--arg',
        'load=--users=2',
        '--arg',
        'load=--window=200ms',
        // the config's 10 s ramp-up would leave a 2 s run no steady windows to compare
        '--arg',
        'load=--ramp-up=0s',
        // a paced load keeps the generator from being the bottleneck on a busy machine
        '--arg',
        'load=--think-time=5ms',
        // two seconds of a shared CI machine is noisy: judge only large changes
        '--arg',
        'compare=--threshold=50',
        ...extra,
      ],
      { cwd: repo, timeoutMs: 120_000 },
    );

  it('runs every stage in order: tests, audit, API diff, staging deploy + validation, performance, production', async () => {
    const res = await run('--json', join(repo, 'pipeline.json'));
    const env = JSON.parse(readFileSync(join(repo, 'pipeline.json'), 'utf8'));
    expect(validateEnvelope(env)).toEqual([]);
    console.log(
      env.stages
        .map((s: { id: string; status: string; summary: string }) => `${s.id}: ${s.status} (${s.summary})`)
        .join('\n'),
    );
    const byId = Object.fromEntries(env.stages.map((s: { id: string }) => [s.id, s]));
    expect(env.stages.map((s: { id: string }) => s.id)).toEqual([
      'tests',
      'audit',
      'api-diff',
      'staging',
      'performance',
      'production',
    ]);
    expect(byId.tests.status, byId.tests.summary).toMatch(/^(passed|warned)$/);
    expect(byId.tests.summary).toMatch(/\d+ tests: \d+ passed, 0 failing/);
    expect(byId.audit.status, byId.audit.summary).toBe('passed');
    expect(byId['api-diff'].status, byId['api-diff'].summary).toBe('passed');
    expect(byId.staging.status, byId.staging.summary).toBe('passed');
    expect(byId.staging.summary).toMatch(/deploy of v1 to staging succeeded.*staging checks passed/);
    expect(byId.performance.status, byId.performance.summary).toMatch(/^(passed|warned|inconclusive)$/);
    expect(byId.performance.command.slice(0, 4)).toEqual([
      'compare',
      '--current',
      join(repo, '.shipgate', 'pipeline', 'load.json'),
      '--baseline',
    ]);
    expect(existsSync(join(repo, '.shipgate', 'pipeline', 'compare.json'))).toBe(true);
    // A comparison may be inconclusive on a noisy shared runner (exit 3); then production is not run.
    if (byId.performance.status === 'inconclusive') {
      expect(byId.production.status).toBe('not-run');
      expect(res.code).toBe(3);
    } else {
      expect(byId.production.status, byId.production.summary).toBe('passed');
      expect(byId.production.summary).toContain('deploy of v1 to production succeeded');
      expect(res.code).toBe(0);
    }
    expect(res.stdout).toContain('Tests and coverage');

    const history = await runCli(['history', '--store', store, '--format', 'json', '--limit', '50'], {
      cwd: repo,
    });
    const kinds = JSON.parse(history.stdout).runs.map((r: { kind: string }) => r.kind);
    for (const kind of ['pipeline', 'tests', 'coverage', 'audit', 'api-diff', 'load', 'compare'])
      expect(kinds).toContain(kind);
  }, 120_000);

  it('the production stage is a blue-green deploy through the router', async () => {
    // (Also run on its own: on a noisy runner the full run may stop at an inconclusive comparison.)
    const res = await runCli(
      [
        'pipeline',
        'run',
        'production',
        '-c',
        config,
        '--version',
        'v2',
        '--store',
        store,
        '--format',
        'json',
      ],
      {
        cwd: repo,
        timeoutMs: 60_000,
      },
    );
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const stage = JSON.parse(res.stdout).stages[0];
    expect(stage).toMatchObject({
      id: 'production',
      status: 'passed',
      command: expect.arrayContaining(['deploy', 'v2', '--env', 'production']),
    });
    expect(stage.summary).toContain('deploy of v2 to production succeeded');
  }, 60_000);

  it('stops at the first failing stage; later stages are not run', async () => {
    const res = await run('tests', 'audit', '--arg', 'coverage=--min=99.9', '--format', 'json');
    expect(res.code).toBe(1);
    const env = JSON.parse(res.stdout);
    expect(env.stages.map((s: { id: string; status: string }) => [s.id, s.status])).toEqual([
      ['tests', 'failed'],
      ['audit', 'not-run'],
    ]);
    expect(env.stages[0].summary).toContain('failed: lines');
  }, 60_000);

  it('a stage without what it needs is skipped, an unknown stage is a usage error', async () => {
    const skipped = await runCli(
      ['pipeline', 'run', 'api-diff', '--openapi', 'missing.json', '--store', store, '--format', 'json'],
      {
        cwd: repo,
      },
    );
    expect(skipped.code).toBe(0);
    const env = JSON.parse(skipped.stdout);
    expect(env.verdict).toBe('warn');
    expect(env.stages[0]).toMatchObject({
      id: 'api-diff',
      status: 'skipped',
      reason: 'no OpenAPI document at missing.json (--openapi FILE)',
    });

    const unknown = await runCli(['pipeline', 'run', 'lint', '--store', store], { cwd: repo });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown stage 'lint'");
  }, 30_000);
});
