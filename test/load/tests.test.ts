import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { enduranceTest, isLeak, loadTest, stressTest } from '../../src/load/tests.ts';
import { parseThreshold } from '../../src/load/thresholds.ts';
import type { Scenario } from '../../src/load/types.ts';
import { delayServer, startServer, type TestServer } from './engine/servers.ts';

const servers: TestServer[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function scenario(url: string, users: number, durationMs: number, thinkTimeMs = 0): Scenario {
  return {
    name: 'test',
    baseUrl: url,
    requests: [{ name: '/', method: 'GET', path: '/', headers: {}, weight: 1 }],
    auth: { kind: 'none' },
    model: { kind: 'closed', users, rampUpMs: 0, thinkTimeMs },
    durationMs,
    timeoutMs: 5000,
  };
}

/** A server that takes 20 ms and answers 503 whenever more than `limit` requests are in flight. */
async function limitedServer(limit: number): Promise<TestServer> {
  let inFlight = 0;
  const server = await startServer((_req, res) => {
    inFlight++;
    const over = inFlight > limit;
    setTimeout(() => {
      inFlight--;
      res.writeHead(over ? 503 : 200, { 'content-length': '2' });
      res.end('ok');
    }, 20);
  });
  servers.push(server);
  return server;
}

/** A server in its own process (so its memory can be sampled), retaining `leakKb` per request. */
async function serverProcess(leakKb: number): Promise<{ url: string; pid: number }> {
  const code = `
    const keep = [];
    const s = require('node:http').createServer((req, res) => {
      if (${leakKb} > 0) keep.push(Buffer.alloc(${leakKb} * 1024, 1));
      res.end('ok');
    });
    s.listen(0, '127.0.0.1', () => console.log('port ' + s.address().port));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const [line] = (await once(createInterface({ input: child.stdout as NodeJS.ReadableStream }), 'line')) as [
    string,
  ];
  return { url: `http://127.0.0.1:${line.split(' ')[1]}`, pid: child.pid as number };
}

describe('load test verdicts', () => {
  it('passes and fails exactly on the thresholds', async () => {
    const server = await delayServer(5);
    servers.push(server);
    const ok = await loadTest(
      scenario(server.url, 2, 800),
      [parseThreshold('http_req_duration: p(95)<500')],
      { workers: 0 },
    );
    expect(ok.verdict).toBe('pass');
    expect(ok.fields.thresholds[0]?.passed).toBe(true);
    const bad = await loadTest(scenario(server.url, 2, 800), [parseThreshold('http_req_duration: p(50)<4')], {
      workers: 0,
    });
    expect(bad.verdict).toBe('fail');
    expect(bad.summary).toContain('1 of 1 thresholds failed');
    expect(bad.fields.metrics.completed).toBe(server.seen - (ok.fields.metrics.completed as number));
  });
});

describe('stress test', () => {
  it('finds the break of a server that refuses more than 40 concurrent requests between 32 and 48 users', async () => {
    const server = await limitedServer(40);
    const result = await stressTest(
      scenario(server.url, 1, 0),
      { unit: 'users', max: 200, stepDurationMs: 600, maxErrorRate: 0.05, maxP95Ms: 2000 },
      { workers: 1 },
    );
    const s = result.fields.stress;
    expect(s?.broken).toBe(true);
    expect(s?.lastGood?.level).toBeGreaterThanOrEqual(32);
    expect(s?.lastGood?.level).toBeLessThanOrEqual(40);
    expect(s?.firstFailing?.level).toBeGreaterThan(40);
    expect(s?.firstFailing?.level).toBeLessThanOrEqual(48);
    expect(s?.reason).toMatch(/error/);
    expect(result.verdict).toBe('pass');
    expect(result.summary).toMatch(/^breaks between \d+ users and \d+ users/);
  });

  it('passes a service that never breaks, saying up to where it looked', async () => {
    const server = await delayServer(20);
    servers.push(server);
    const result = await stressTest(
      scenario(server.url, 1, 0),
      { unit: 'users', max: 8, stepDurationMs: 500, maxErrorRate: 0.05, maxP95Ms: 2000, minLevel: 4 },
      { workers: 1 },
    );
    expect(result.verdict).toBe('pass');
    expect(result.fields.stress?.broken).toBe(false);
    expect(result.summary).toMatch(/^no breaking point up to 8 users/);
    expect(result.fields.stress?.steps.map((s) => s.level)).toEqual([1, 2, 4, 8]);
  });

  it('fails the gate when the service breaks below the required level', async () => {
    const server = await limitedServer(3);
    const result = await stressTest(
      scenario(server.url, 1, 0),
      { unit: 'users', max: 16, stepDurationMs: 500, maxErrorRate: 0.05, maxP95Ms: 2000, minLevel: 8 },
      { workers: 1 },
    );
    expect(result.verdict).toBe('fail');
    expect(result.summary).toContain('below the required 8');
  });
});

describe('endurance test', () => {
  it('flags a server that leaks memory per request', async () => {
    const server = await serverProcess(32);
    const result = await enduranceTest(
      scenario(server.url, 4, 4000, 2),
      [],
      // These tests are about memory: a latency wobble over 4 s on a busy runner must not decide them.
      { serverPid: server.pid, leakMbPerHour: 10, degradeShare: 1000, sampleIntervalMs: 100 },
      { workers: 1 },
    );
    expect(result.fields.endurance?.verdict).toBe('leaking');
    expect(result.verdict).toBe('fail');
    expect(result.summary).toMatch(/server memory grows \+[\d.]+ MB\/h/);
  });

  it('does not flag a steady server', async () => {
    const server = await serverProcess(0);
    const result = await enduranceTest(
      scenario(server.url, 4, 4000, 2),
      [],
      // These tests are about memory: a latency wobble over 4 s on a busy runner must not decide them.
      { serverPid: server.pid, leakMbPerHour: 10, degradeShare: 1000, sampleIntervalMs: 100 },
      { workers: 1 },
    );
    expect(result.fields.endurance?.verdict).toBe('stable');
    expect(result.verdict).toBe('pass');
    expect(result.fields.endurance?.server?.samples.length).toBeGreaterThan(10);
  });

  it('tells warm-up growth from a leak', () => {
    // Memory filling up and levelling off: rises early, flat late.
    const warm = Array.from({ length: 40 }, (_, i) => ({
      x: i / 3600,
      y: 100 + 30 * (1 - Math.exp(-i / 5)),
    }));
    expect(isLeak(warm, 10)).toBe(false);
    const leak = Array.from({ length: 40 }, (_, i) => ({ x: i / 3600, y: 100 + i * 0.5 + (i % 3) * 0.1 }));
    expect(isLeak(leak, 10)).toBe(true);
  });
});
