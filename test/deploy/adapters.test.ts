import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/schema.ts';
import { UserError } from '../../src/core/errors.ts';
import { createLogger } from '../../src/core/log.ts';
import { splitCommand } from '../../src/deploy/detached.ts';
import { emptyTally, judgeWatch } from '../../src/deploy/probe.ts';
import { haproxyConfig, parseShowStat } from '../../src/deploy/routers/haproxy.ts';
import { nginxConfig, nginxUpstream } from '../../src/deploy/routers/nginx.ts';
import type { RouterContext } from '../../src/deploy/routers/router.ts';
import { traefikDynamicConfig, traefikFile, traefikRouter } from '../../src/deploy/routers/traefik.ts';
import { readState } from '../../src/deploy/state.ts';
import { type CommandRunner, composeTarget } from '../../src/deploy/targets/compose.ts';
import { processArgv } from '../../src/deploy/targets/process.ts';
import type { TargetContext } from '../../src/deploy/targets/target.ts';

const root = mkdtempSync(join(tmpdir(), 'sg-adapters-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const routerCtx: RouterContext = {
  env: 'production',
  dir: root,
  host: '127.0.0.1',
  listen: 8080,
  upstreamHost: '127.0.0.1',
  ports: { blue: 9101, green: 9102 },
  drainTimeoutMs: 30_000,
  log: createLogger({ level: 'silent' }),
};

describe('process target command lines', () => {
  it('substitutes {port} and {version} per argument, with no shell', () => {
    expect(
      processArgv('app --port {port} --tag "v {version}"', { port: 9101, version: '1.2.3', colour: 'blue' }),
    ).toEqual(['app', '--port', '9101', '--tag', 'v 1.2.3']);
  });

  it('keeps a hostile version as one argument', () => {
    const argv = processArgv('app --version {version}', { port: 1, version: '1; rm -rf /', colour: 'green' });
    expect(argv).toEqual(['app', '--version', '1; rm -rf /']);
  });

  it('runs a leading `shipgate` with this shipgate', () => {
    const argv = processArgv('shipgate sample-service --port {port}', {
      port: 9,
      version: 'x',
      colour: 'blue',
    });
    expect(argv[0]).toBe(process.execPath);
    expect(argv[1]).toMatch(/src[/\\]cli[/\\]main\.ts$/);
    expect(argv.slice(2)).toEqual(['sample-service', '--port', '9']);
  });

  it('refuses unbalanced quotes', () => {
    expect(() => splitCommand('app "oops')).toThrow(/unbalanced/);
    expect(splitCommand("a '' b")).toEqual(['a', '', 'b']);
  });
});

describe('compose target', () => {
  const calls: Array<{ argv: string[]; env: NodeJS.ProcessEnv }> = [];
  const runner: CommandRunner = async (argv, env) => {
    calls.push({ argv, env });
    return { code: 0, output: argv.includes('ps') ? 'abc123\n' : '' };
  };
  const ctx: TargetContext = {
    env: 'Production',
    dir: root,
    colour: 'green',
    version: '2.0.0',
    port: 9102,
    host: '127.0.0.1',
    start: 'deploy/compose.yaml',
    processEnv: { KEEP: 'me' },
    stopTimeoutMs: 10_000,
  };

  it('issues one compose project per colour, passing port and version in the environment', async () => {
    const target = composeTarget(runner);
    await target.start(ctx);
    expect(await target.alive(ctx, { version: '2.0.0', port: 9102, startedAt: '' })).toBe(true);
    await target.stop(ctx, { version: '2.0.0', port: 9102, startedAt: '' });
    expect(calls.map((c) => c.argv.join(' '))).toEqual([
      'docker compose --project-name production-green --file deploy/compose.yaml up --detach --remove-orphans',
      'docker compose --project-name production-green --file deploy/compose.yaml ps --quiet --status running',
      'docker compose --project-name production-green --file deploy/compose.yaml down --timeout 10',
    ]);
    expect(calls[0]?.env).toMatchObject({
      KEEP: 'me',
      PORT: '9102',
      VERSION: '2.0.0',
      SHIPGATE_COLOUR: 'green',
    });
  });

  it('reports a failing compose command with its last output line', async () => {
    const target = composeTarget(async () => ({ code: 1, output: 'pulling\nno such image: app:9\n' }));
    await expect(target.start(ctx)).rejects.toThrow(/no such image: app:9/);
  });
});

describe('watch judgement', () => {
  const tally = (requests: number, bad: number, latency = 10) => ({
    ...emptyTally(),
    requests,
    ok: requests - bad,
    failed: bad,
    latenciesMs: Array.from({ length: requests }, () => latency),
  });
  const limits = { maxErrorRatePercent: 1, maxP95Ms: 100, minRequests: 20 };

  it('passes a clean watch and fails on errors or latency', () => {
    expect(judgeWatch(tally(100, 0), limits).ok).toBe(true);
    expect(judgeWatch(tally(100, 5), limits)).toMatchObject({ ok: false, errorRatePercent: 5 });
    expect(judgeWatch(tally(100, 0, 250), limits).reason).toMatch(/p95 250/);
  });

  it('treats too little traffic as a failure, not as healthy', () => {
    expect(judgeWatch(tally(3, 0), limits)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/only 3 requests/),
    });
  });
});

describe('nginx configuration', () => {
  it('includes the upstream file, bounds old workers, and passes WebSocket upgrades', () => {
    const conf = nginxConfig(routerCtx);
    expect(conf).toContain(`include ${join(root, 'nginx', 'upstream.conf')};`);
    expect(conf).toContain('worker_shutdown_timeout 30s;');
    expect(conf).toContain('listen 127.0.0.1:8080;');
    expect(conf).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(nginxUpstream(routerCtx, 'green')).toContain('server 127.0.0.1:9102;');
  });
});

describe('HAProxy', () => {
  it('declares both colours with only the active one enabled, and an admin socket', () => {
    const cfg = haproxyConfig(routerCtx, 'blue');
    expect(cfg).toMatch(/server blue 127\.0\.0\.1:9101 weight 100\n/);
    expect(cfg).toMatch(/server green 127\.0\.0\.1:9102 weight 100 disabled/);
    expect(cfg).toContain('level admin');
  });

  it('reads current sessions and status from show stat', () => {
    const csv = [
      '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight',
      'shipgate,FRONTEND,,,3,5,,,,,,,,,,,,OPEN,',
      'app,blue,0,0,2,4,,9,,,,,,,,,,DRAIN,100',
      'app,green,0,0,1,3,,9,,,,,,,,,,no check,100',
      'app,BACKEND,0,0,3,5,,9,,,,,,,,,,UP,200',
    ].join('\n');
    expect(parseShowStat(csv)).toEqual([
      { name: 'blue', status: 'DRAIN', scur: 2 },
      { name: 'green', status: 'no check', scur: 1 },
    ]);
  });
});

describe('Traefik file provider', () => {
  it('writes a weighted service with both colours, each health-checked', () => {
    const doc = traefikDynamicConfig(routerCtx, 'green') as {
      http: {
        routers: Record<string, { service: string }>;
        services: Record<string, Record<string, unknown>>;
      };
    };
    const service = doc.http.routers['shipgate-production']?.service as string;
    expect(doc.http.services[service]).toEqual({
      weighted: {
        services: [
          { name: 'shipgate-production-blue', weight: 0 },
          { name: 'shipgate-production-green', weight: 100 },
        ],
        healthCheck: {},
      },
    });
    expect(doc.http.services['shipgate-production-green']).toMatchObject({
      loadBalancer: { servers: [{ url: 'http://127.0.0.1:9102' }], healthCheck: { path: '/health' } },
    });
  });

  it('writes the file atomically into the watched directory and reads the active colour back', async () => {
    const ctx = { ...routerCtx, directory: join(root, 'dynamic') };
    await traefikRouter.switchTo(ctx, 'blue');
    const file = traefikFile(ctx);
    expect(file.startsWith(join(root, 'dynamic'))).toBe(true);
    expect(
      parse(readFileSync(file, 'utf8')).http.services['shipgate-production'].weighted.services[0].weight,
    ).toBe(100);
    expect(await traefikRouter.active(ctx)).toBe('blue');
    await traefikRouter.ensure(ctx, 'green');
    expect(await traefikRouter.active(ctx)).toBe('green');
  });
});

describe('hostile state and config', () => {
  it('refuses a corrupt state file with its path and what to do', () => {
    const dir = join(root, 'corrupt');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'state.json'), '{"env": "production", "colours": ');
    expect(() => readState(dir)).toThrow(UserError);
    try {
      readState(dir);
    } catch (e) {
      expect((e as UserError).format()).toMatch(
        /state\.json: deploy state is not valid JSON — run `shipgate deploy recover`/,
      );
    }
    writeFileSync(join(dir, 'state.json'), '[]');
    expect(() => readState(dir)).toThrow(/not valid JSON/);
  });

  it('rejects an unknown router kind and a missing port in the config', () => {
    const bad = configSchema.safeParse({
      deploy: { production: { start: 'app', ports: { blue: 1 }, router: { kind: 'envoy', listen: 8080 } } },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['deploy.production.ports.green', 'deploy.production.router.kind']),
    );
  });

  it('accepts the issue YAML shape with the seed health defaults', () => {
    const config = configSchema.parse({
      deploy: {
        production: {
          start: 'shipgate sample-service --port {port} --version {version}',
          ports: { blue: 9101, green: 9102 },
          router: { kind: 'builtin', listen: 8080 },
          health: { path: '/health' },
        },
      },
    });
    expect(config.deploy.production?.health).toMatchObject({ retries: 30, interval: 5000, timeout: 5000 });
    expect(config.deploy.production).toMatchObject({ target: 'process', keepOld: 600_000, env: {} });
  });
});
