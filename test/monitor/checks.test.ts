import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadSqlite } from '../../src/core/sqlite.ts';
import { CHECK_KINDS } from '../../src/monitor/checks/index.ts';
import { encodeCommand, parseReply, RespError } from '../../src/monitor/checks/resp.ts';
import type { CheckContext } from '../../src/monitor/checks/types.ts';
import { freePort } from '../helpers/ports.ts';

const ctx = (): CheckContext => ({ env: {}, memory: new Map() });
const metric = (
  samples: Array<{ metric: string; labels: Record<string, string>; value: number }>,
  name: string,
  labels: Record<string, string> = {},
) =>
  samples.find((s) => s.metric === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    ?.value;

describe('http check', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/secure' && req.headers.authorization !== 'Bearer tok-123456') {
        res.writeHead(401);
        res.end();
        return;
      }
      res.writeHead(req.url === '/broken' ? 500 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', data: { items: [{ id: 7 }], count: 3 } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const spec = (
    path: string,
    body: Array<{
      path: string;
      op: '==' | '!=' | '<' | '<=' | '>' | '>=' | 'exists' | 'contains';
      value?: string | number;
    }> = [],
  ) => ({
    name: 'api',
    kind: 'http' as const,
    url: `${base}${path}`,
    method: 'GET' as const,
    expectStatus: [200],
    headers: {},
    body,
    timeout: 2000,
    tokenEnv: 'API_TOKEN',
  });

  it('measures status and response time and checks JSON body conditions', async () => {
    const out = await CHECK_KINDS.http.run(
      spec('/ok', [
        { path: 'status', op: '==', value: 'ok' },
        { path: 'data.items.0.id', op: '==', value: 7 },
        { path: 'data.count', op: '>=', value: 3 },
      ]),
      ctx(),
    );
    expect(out.ok).toBe(true);
    expect(metric(out.samples, 'http_status')).toBe(200);
    expect(metric(out.samples, 'http_response_time_ms')).toBeGreaterThan(0);
  });

  it('reports what failed: status, body condition, missing paths, prototype keys', async () => {
    expect((await CHECK_KINDS.http.run(spec('/broken'), ctx())).problem).toBe('status 500, expected 200');
    const cond = await CHECK_KINDS.http.run(spec('/ok', [{ path: 'data.count', op: '>', value: 5 }]), ctx());
    expect(cond.problem).toBe('body.data.count > 5 does not hold (got 3)');
    const proto = await CHECK_KINDS.http.run(
      spec('/ok', [{ path: '__proto__.constructor', op: 'exists' }]),
      ctx(),
    );
    expect(proto.ok).toBe(false);
  });

  it('sends the bearer token from the named variable', async () => {
    expect((await CHECK_KINDS.http.run(spec('/secure'), ctx())).ok).toBe(false);
    expect(
      (await CHECK_KINDS.http.run(spec('/secure'), { ...ctx(), env: { API_TOKEN: 'tok-123456' } })).ok,
    ).toBe(true);
  });
});

describe('sqlite check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipgate-sqlite-check-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('times a query read-only and never creates a missing file', async () => {
    const file = join(dir, 'app.db');
    const { DatabaseSync } = await loadSqlite();
    const db = new DatabaseSync(file);
    db.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2)');
    db.close();
    const out = await CHECK_KINDS.sqlite.run(
      { name: 'db', kind: 'sqlite', path: file, query: 'SELECT count(*) FROM t', timeout: 2000 },
      ctx(),
    );
    expect(out.ok).toBe(true);
    expect(metric(out.samples, 'db_query_time_ms')).toBeGreaterThanOrEqual(0);
    const missing = join(dir, 'missing.db');
    const gone = await CHECK_KINDS.sqlite.run(
      { name: 'db', kind: 'sqlite', path: missing, query: 'SELECT 1', timeout: 2000 },
      ctx(),
    );
    expect(gone.ok).toBe(false);
    expect(existsSync(missing)).toBe(false);
  });
});

const pgUrl = inject('postgresUrl');

describe.skipIf(pgUrl === null)('postgres check (real server)', () => {
  it('times the connection and the query', async () => {
    const out = await CHECK_KINDS.postgres.run(
      { name: 'db', kind: 'postgres', url: pgUrl ?? '', query: 'SELECT pg_sleep(0.05)', timeout: 5000 },
      ctx(),
    );
    expect(out.ok).toBe(true);
    expect(metric(out.samples, 'db_query_time_ms')).toBeGreaterThanOrEqual(50);
  });

  it('reports a refused connection without the password', async () => {
    const port = await freePort();
    const out = await CHECK_KINDS.postgres.run(
      {
        name: 'db',
        kind: 'postgres',
        url: `postgres://u:pw-secret-1@127.0.0.1:${port}/x`,
        query: 'SELECT 1',
        timeout: 2000,
      },
      ctx(),
    );
    expect(out).toMatchObject({ ok: false, problem: 'connection refused' });
  });
});

const REDIS = '/usr/bin/redis-server';

describe.skipIf(!existsSync(REDIS))('redis check (real redis-server)', () => {
  let redis: ChildProcess;
  let port = 0;
  beforeAll(async () => {
    port = await freePort();
    redis = spawn(
      REDIS,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--requirepass',
        'redis-pass-1',
      ],
      { stdio: 'pipe' },
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
      redis.stdout?.on('data', (d: Buffer) => {
        if (/Ready to accept connections/.test(String(d))) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  });
  afterAll(() => {
    redis.kill('SIGTERM');
  });

  it('authenticates, PINGs and times a configured command', async () => {
    const out = await CHECK_KINDS.redis.run(
      {
        name: 'cache',
        kind: 'redis',
        url: `redis://:redis-pass-1@127.0.0.1:${port}/2`,
        command: ['DBSIZE'],
        timeout: 2000,
      },
      ctx(),
    );
    expect(out.problem).toBeUndefined();
    expect(out.ok).toBe(true);
    expect(metric(out.samples, 'db_query_time_ms', { command: 'PING' })).toBeGreaterThan(0);
    expect(metric(out.samples, 'db_query_time_ms', { command: 'DBSIZE' })).toBeGreaterThan(0);
  });

  it('reports a wrong password and an unknown command', async () => {
    await expect(
      CHECK_KINDS.redis.run(
        { name: 'cache', kind: 'redis', url: `redis://:nope-nope@127.0.0.1:${port}`, timeout: 2000 },
        ctx(),
      ),
    ).rejects.toThrow(/AUTH: WRONGPASS/);
    const bad = await CHECK_KINDS.redis.run(
      {
        name: 'cache',
        kind: 'redis',
        url: `redis://:redis-pass-1@127.0.0.1:${port}`,
        command: ['NOSUCHCMD'],
        timeout: 2000,
      },
      ctx(),
    );
    expect(bad.ok).toBe(false);
    expect(bad.problem).toMatch(/^NOSUCHCMD: ERR unknown command/);
  });
});

describe('RESP parsing', () => {
  it('encodes commands and parses every reply type, waiting for partial ones', () => {
    expect(encodeCommand(['SET', 'k', 'ü']).toString()).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nü\r\n');
    expect(parseReply(Buffer.from('+PONG\r\n'))?.value).toBe('PONG');
    expect(parseReply(Buffer.from(':42\r\n'))?.value).toBe(42);
    expect(parseReply(Buffer.from('$-1\r\n'))?.value).toBeNull();
    expect(parseReply(Buffer.from('*2\r\n$1\r\na\r\n:1\r\n'))?.value).toEqual(['a', 1]);
    expect(parseReply(Buffer.from('-ERR bad\r\n'))?.value).toBeInstanceOf(RespError);
    expect(parseReply(Buffer.from('$5\r\nab'))).toBeUndefined();
    expect(parseReply(Buffer.from('*2\r\n$1\r\na\r\n'))).toBeUndefined();
  });

  it('refuses hostile lengths and non-Redis answers', () => {
    expect(() => parseReply(Buffer.from('$99999999999\r\n'))).toThrow(/bad bulk length/);
    expect(() => parseReply(Buffer.from('*999999999\r\n'))).toThrow(/bad array length/);
    expect(() => parseReply(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toThrow(/not a Redis reply/);
  });
});

describe('host and process checks (/proc)', () => {
  it('reads CPU, memory, disk and network of this host', async () => {
    const c = ctx();
    const out = await CHECK_KINDS.host.run({ name: 'host', kind: 'host', mounts: ['/'], timeout: 2000 }, c);
    for (const name of ['host_cpu_percent', 'host_memory_percent', 'host_network_receive_bytes_per_second']) {
      expect(metric(out.samples, name)).toBeGreaterThanOrEqual(0);
    }
    const disk = metric(out.samples, 'host_disk_percent', { mount: '/' }) ?? -1;
    expect(disk).toBeGreaterThan(0);
    expect(disk).toBeLessThanOrEqual(100);
    expect(metric(out.samples, 'host_memory_percent')).toBeLessThanOrEqual(100);
  });

  it('finds a process by name and by PID, sums CPU and RSS, and reports none as down', async () => {
    const child = spawn(
      process.execPath,
      ['-e', 'const t = Date.now(); while (Date.now() - t < 3000) {}', 'shipgate-busy-marker'],
      { stdio: 'ignore' },
    );
    try {
      const c = ctx();
      const spec = { name: 'busy', kind: 'process' as const, match: 'shipgate-busy-marker', timeout: 2000 };
      const first = await CHECK_KINDS.process.run(spec, c);
      expect(first.ok).toBe(true);
      expect(metric(first.samples, 'process_count')).toBe(1);
      expect(metric(first.samples, 'process_rss_bytes')).toBeGreaterThan(1_000_000);
      await new Promise((r) => setTimeout(r, 700));
      const second = await CHECK_KINDS.process.run(spec, c);
      // a busy loop uses a core when it gets one; a busy test machine shares them, so only "clearly busy" is asserted
      expect(metric(second.samples, 'process_cpu_percent')).toBeGreaterThan(10);
      const byPid = await CHECK_KINDS.process.run(
        { name: 'pid', kind: 'process', pid: child.pid ?? 0, timeout: 2000 },
        ctx(),
      );
      expect(byPid.ok).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
    const none = await CHECK_KINDS.process.run(
      { name: 'none', kind: 'process', match: 'no-such-process-xyz-123', timeout: 2000 },
      ctx(),
    );
    expect(none).toMatchObject({
      ok: false,
      problem: 'no process processes matching "no-such-process-xyz-123"',
    });
  });
});
