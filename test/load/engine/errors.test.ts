import { describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/load/engine/index.ts';
import { freePort } from '../../helpers/ports.ts';
import { jsonServer, resetServer, scenarioFor, silentServer, statusServer, trackServers } from './servers.ts';

const track = trackServers();

describe('error kinds', () => {
  it('refused: nothing listens on the port', async () => {
    const port = await freePort();
    const result = await runLoad(
      scenarioFor(`http://127.0.0.1:${port}`, { durationMs: 3000, maxRequests: 20 }),
      {
        workers: 0,
      },
    );
    expect(result.requests).toBe(20);
    expect(result.completed).toBe(0);
    expect(result.errors).toBe(20);
    expect(result.errorKinds).toEqual({ refused: 20 });
    expect(result.errorExamples.refused?.[0]).toMatch(/ECONNREFUSED/);
    expect(result.histograms.latency.count).toBe(0);
    expect(result.statusCodes).toEqual({});
  });

  it('reset: the server tears the connection down', async () => {
    const server = await track(resetServer());
    const result = await runLoad(scenarioFor(server.url, { durationMs: 3000, maxRequests: 20 }), {
      workers: 0,
    });
    expect(result.requests).toBe(20);
    expect(server.seen).toBe(20);
    expect(result.errorKinds).toEqual({ reset: 20 });
  });

  it('non2xx without expectations, unexpectedStatus with them, and no error when the status is expected', async () => {
    const server = await track(statusServer(503));
    const plain = await runLoad(scenarioFor(server.url, { maxRequests: 30 }), { workers: 0 });
    expect(plain.errorKinds).toEqual({ non2xx: 30 });
    expect(plain.errorRate).toBe(1);
    expect(plain.completed).toBe(30);
    expect(plain.statusCodes).toEqual({ '503': 30 });
    expect(plain.errorExamples.non2xx).toEqual(['root: HTTP 503']);

    const strict = scenarioFor(server.url, {
      maxRequests: 30,
      requests: [{ name: 'root', method: 'GET', path: '/', headers: {}, weight: 1, expectStatus: [200] }],
    });
    expect((await runLoad(strict, { workers: 0 })).errorKinds).toEqual({ unexpectedStatus: 30 });

    const tolerant = scenarioFor(server.url, {
      maxRequests: 30,
      requests: [{ name: 'root', method: 'GET', path: '/', headers: {}, weight: 1, expectStatus: [503] }],
    });
    const ok = await runLoad(tolerant, { workers: 0 });
    expect(ok.errors).toBe(0);
    expect(ok.view.rate('checks', {})).toEqual({ passes: 30, total: 30 });
  });

  it('bodyCheck: the JSON answer does not match expectJson', async () => {
    const server = await track(jsonServer({ status: 'degraded', db: { ok: true } }));
    const check = (expectJson: Record<string, string | number | boolean | null>) =>
      scenarioFor(server.url, {
        maxRequests: 25,
        requests: [{ name: 'health', method: 'GET', path: '/health', headers: {}, weight: 1, expectJson }],
      });
    const bad = await runLoad(check({ status: 'healthy', 'db.ok': true }), { workers: 0 });
    expect(bad.errorKinds).toEqual({ bodyCheck: 25 });
    expect(bad.errorExamples.bodyCheck).toEqual(['health: status is "degraded", expected "healthy"']);
    expect(bad.view.rate('checks', {})).toEqual({ passes: 0, total: 25 });
    const good = await runLoad(check({ status: 'degraded', 'db.ok': true }), { workers: 0 });
    expect(good.errors).toBe(0);
    expect(good.completed).toBe(25);
  });

  it('timeout: no answer within timeoutMs, and what is still in flight at the end counts too', async () => {
    const server = await track(silentServer());
    const result = await runLoad(
      scenarioFor(server.url, {
        durationMs: 700,
        timeoutMs: 250,
        model: { kind: 'closed', users: 2, rampUpMs: 0, thinkTimeMs: 0 },
      }),
      { workers: 0 },
    );
    // Each user times out every ~250 ms: 3 requests each started before 700 ms, the last of them
    // ending in the drain. Every request the server saw is reported, each as a timeout.
    expect(result.requests).toBe(6);
    expect(server.seen).toBe(6);
    expect(result.errorKinds).toEqual({ timeout: 6 });
    expect(result.completed).toBe(0);
    expect(result.errorExamples.timeout?.[0]).toMatch(/no complete response within 250 ms/);
    expect(result.durationMs).toBeLessThan(1200);
  });
});
