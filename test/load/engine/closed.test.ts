import { describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/load/engine/index.ts';
import { evaluateThresholds, parseThresholds } from '../../../src/load/thresholds.ts';
import { ACCURATE_TIMING } from '../../helpers/timing.ts';
import {
  delayServerThread,
  helloServer,
  loginServer,
  scenarioFor,
  startServer,
  trackServers,
} from './servers.ts';

const track = trackServers();

describe('closed model', () => {
  it('measures a 20 ms service at 20 ms and reports exactly the requests the server saw', async () => {
    const server = await track(delayServerThread(20));
    const progress: number[] = [];
    const result = await runLoad(
      scenarioFor(server.url, {
        model: { kind: 'closed', users: 5, rampUpMs: 0, thinkTimeMs: 0 },
        durationMs: 2000,
      }),
      { workers: 0, onProgress: (p) => progress.push(p.requests) },
    );
    // The server, on its own thread like a real service, holds every request for 20 ms, so nothing
    // can be faster; loopback and parsing add a few tenths of a millisecond. A descheduled server
    // thread answers late, so the generator is judged against what the server actually took.
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(20);
    if (ACCURATE_TIMING)
      expect(result.latencyMs.p50).toBeLessThanOrEqual(Math.max(20, await server.heldMsP50()) + 1);
    expect(result.waitingMs.p50).toBeLessThanOrEqual(result.latencyMs.p50);
    expect(result.requests).toBe(server.seen);
    expect(result.completed).toBe(server.seen);
    expect(result.histograms.latency.count).toBe(result.completed);
    expect(result.errors).toBe(0);
    expect(result.statusCodes).toEqual({ '200': server.seen });
    // 5 users back to back on a ~20.5 ms cycle: about 240 responses per second.
    expect(result.rps).toBeGreaterThan(150);
    expect(result.rps).toBeLessThan(250);
    expect(result.bytesIn).toBeGreaterThan(result.completed * 2);
    expect(result.bytesOut).toBeGreaterThan(result.requests * 20);
    expect(result.series).toHaveLength(2);
    expect(progress).toHaveLength(2);
    expect(progress[1]).toBe(result.requests);
    expect(result.stopReason).toBe('duration');
    expect(result.durationMs).toBeGreaterThanOrEqual(2000);
    expect(result.durationMs).toBeLessThan(2500);
  });

  it('starts user i of N at rampUp·i/N and paces each user by its think time', async () => {
    const server = await track(helloServer());
    const result = await runLoad(
      scenarioFor(server.url, {
        model: { kind: 'closed', users: 4, rampUpMs: 800, thinkTimeMs: 100 },
        durationMs: 1000,
      }),
      { workers: 0, windowMs: 250 },
    );
    // Users start at 0, 200, 400, 600 ms and then send one request per ~100 ms until 1000 ms:
    // 10 + 8 + 6 + 4 = 28 requests, give or take one per user for timer jitter.
    expect(result.requests).toBeGreaterThanOrEqual(24);
    expect(result.requests).toBeLessThanOrEqual(29);
    expect(result.requests).toBe(server.seen);
    // Active users at the end of each 250 ms window: started at 0 and 200; + 400; + 600.
    expect(result.series.map((p) => p.users).slice(0, 3)).toEqual([2, 3, 4]);
  });

  it('stops at maxRequests exactly, in one thread and across worker threads', async () => {
    for (const workers of [0, 2]) {
      const server = await track(helloServer());
      const result = await runLoad(
        scenarioFor(server.url, {
          model: { kind: 'closed', users: 7, rampUpMs: 0, thinkTimeMs: 0 },
          durationMs: 10_000,
          maxRequests: 137,
        }),
        { workers },
      );
      expect(server.seen).toBe(137);
      expect(result.requests).toBe(137);
      expect(result.stopReason).toBe('maxRequests');
      expect(result.durationMs).toBeLessThan(5000);
    }
  });

  it('picks requests by weight, reproducibly for a given seed', async () => {
    const server = await track(helloServer());
    const scenario = scenarioFor(server.url, {
      requests: [
        { name: 'a', method: 'GET', path: '/a', headers: {}, weight: 1 },
        { name: 'b', method: 'GET', path: '/b', headers: {}, weight: 3 },
      ],
      model: { kind: 'closed', users: 1, rampUpMs: 0, thinkTimeMs: 0 },
      durationMs: 5000,
      maxRequests: 400,
    });
    const first = await runLoad(scenario, { workers: 0, seed: 11 });
    const again = await runLoad(scenario, { workers: 0, seed: 11 });
    expect(first.endpoints.a?.requests).toBe(again.endpoints.a?.requests);
    const a = first.endpoints.a?.requests ?? 0;
    expect(a).toBeGreaterThan(70);
    expect(a).toBeLessThan(130);
    expect(server.seenOn('/a') + server.seenOn('/b')).toBe(800);
  });

  it('logs each virtual user in once and sends its token with every request', async () => {
    const server = await track(loginServer());
    const result = await runLoad(
      scenarioFor(server.url, {
        requests: [{ name: 'data', method: 'GET', path: '/data', headers: {}, weight: 1 }],
        auth: {
          kind: 'login',
          request: {
            name: 'login',
            method: 'POST',
            path: '/login',
            headers: {},
            body: '{"user":"u"}',
            weight: 1,
          },
          tokenPath: 'auth.token',
          header: 'Authorization',
          scheme: 'Bearer',
        },
        model: { kind: 'closed', users: 4, rampUpMs: 0, thinkTimeMs: 0 },
        durationMs: 800,
      }),
      { workers: 0 },
    );
    expect(server.seenOn('/login')).toBe(4);
    expect(server.tokensIssued()).toBe(4);
    expect(result.errors).toBe(0);
    expect(result.endpoints.login?.requests).toBe(4);
    expect(result.endpoints.data?.requests).toBe(server.seenOn('/data'));
    expect(result.requests).toBe(server.seen);
    // Logins are requests (the server saw them) but not iterations.
    expect(result.view.counter('iterations', {})?.count).toBe(result.requests - 4);
  });

  it('counts a failed login as an error and retries it a bounded number of times', async () => {
    const server = await track(startServer((_req, res) => res.writeHead(500).end('down')));
    const result = await runLoad(
      scenarioFor(server.url, {
        auth: {
          kind: 'login',
          request: { name: 'login', method: 'POST', path: '/login', headers: {}, weight: 1 },
          tokenPath: 'token',
          header: 'authorization',
          scheme: 'Bearer',
        },
        model: { kind: 'closed', users: 2, rampUpMs: 0, thinkTimeMs: 0 },
        durationMs: 1500,
      }),
      { workers: 0 },
    );
    // 5 attempts per user, 250 ms apart, then the user gives up rather than hammer the login.
    expect(server.seenOn('/login')).toBe(10);
    expect(server.seenOn('/')).toBe(0);
    expect(result.errors).toBe(10);
    expect(result.errorKinds.non2xx).toBe(10);
  });

  it('exposes merged metrics that k6-style thresholds evaluate, per tag', async () => {
    const server = await track(
      startServer((req, res) => {
        if (req.url === '/bad') res.writeHead(503).end('no');
        else res.writeHead(200).end('yes');
      }),
    );
    const result = await runLoad(
      scenarioFor(server.url, {
        requests: [
          { name: 'good', method: 'GET', path: '/good', headers: {}, weight: 3 },
          { name: 'bad', method: 'GET', path: '/bad', headers: {}, weight: 1 },
        ],
        durationMs: 3000,
        maxRequests: 200,
      }),
      { workers: 0 },
    );
    const view = result.view;
    const bad = server.seenOn('/bad');
    expect(view.counter('http_reqs', {})?.count).toBe(200);
    expect(view.counter('http_reqs', { status: '503' })?.count).toBe(bad);
    expect(view.rate('http_req_failed', {})).toEqual({ passes: bad, total: 200 });
    expect(view.rate('http_req_failed', { name: 'good' })).toEqual({ passes: 0, total: 200 - bad });
    expect(view.trend('http_req_duration', { expected_response: 'true' })?.count).toBe(200 - bad);
    expect(view.trend('http_req_duration', { name: 'nope' })).toBeUndefined();
    expect(view.gauge('vus_max')).toBe(2);
    const results = evaluateThresholds(
      [
        ...parseThresholds('http_req_failed{name:good}: rate<0.01'),
        ...parseThresholds('http_req_failed: rate<0.01'),
        ...parseThresholds('http_req_duration: p(95)<1000'),
      ],
      view,
    );
    expect(results.map((r) => r.passed)).toEqual([true, false, true]);
  });

  it('stops early on abortCheck and on the abort signal', async () => {
    const server = await track(startServer((_req, res) => res.writeHead(503).end()));
    const checked = await runLoad(scenarioFor(server.url, { durationMs: 8000 }), {
      workers: 0,
      abortCheck: (view) => (view.rate('http_req_failed', {})?.passes ?? 0) > 0,
    });
    expect(checked.stopReason).toBe('abortCheck');
    expect(checked.durationMs).toBeLessThan(3500);
    expect(checked.requests).toBe(server.seen);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const before = server.seen;
    const aborted = await runLoad(scenarioFor(server.url, { durationMs: 8000 }), {
      workers: 0,
      signal: controller.signal,
    });
    expect(aborted.stopReason).toBe('signal');
    expect(aborted.durationMs).toBeLessThan(1000);
    expect(aborted.requests).toBe(server.seen - before);
  });
});
