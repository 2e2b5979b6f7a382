import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { type RunningSampleService, startSampleService } from '../../examples/sample-service/server.ts';
import { request, useSampleService } from './helpers.ts';

async function timed(service: RunningSampleService, path: string): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const res = await request(service, path);
  return { ms: performance.now() - started, status: res.status };
}

async function statuses(service: RunningSampleService, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await request(service, '/api/bluetooth/devices?limit=1')).status);
  return out;
}

describe('latency knob', () => {
  const fixed = useSampleService({ auth: false, latency: { minMs: 120, maxMs: 120 } });
  const jitter = useSampleService({ auth: false, latency: { minMs: 30, maxMs: 90 } });

  it('holds every /api/* response at least the configured time, and leaves /health alone', async () => {
    const api = await Promise.all(Array.from({ length: 8 }, () => timed(fixed.current, '/api/status')));
    for (const r of api) {
      expect(r.status).toBe(200);
      expect(r.ms).toBeGreaterThanOrEqual(120);
      expect(r.ms).toBeLessThan(600);
    }
    const health = await timed(fixed.current, '/health');
    expect(health.ms).toBeLessThan(100);
  });

  it('spreads a range across the requests', async () => {
    const api = await Promise.all(Array.from({ length: 12 }, () => timed(jitter.current, '/api/status')));
    const ms = api.map((r) => r.ms);
    expect(Math.min(...ms)).toBeGreaterThanOrEqual(30);
    expect(Math.max(...ms) - Math.min(...ms)).toBeGreaterThan(10);
    const metrics = (await request(jitter.current, '/api/metrics')).body as { latency_ms: { p50: number } };
    expect(metrics.latency_ms.p50).toBeGreaterThanOrEqual(30);
  });
});

describe('error-rate knob', () => {
  it('fails the configured fraction of /api/* requests, repeatably for a seed', async () => {
    const a = await startSampleService({ port: 0, auth: false, errorRate: 0.2, seed: 7 });
    const b = await startSampleService({ port: 0, auth: false, errorRate: 0.2, seed: 7 });
    const c = await startSampleService({ port: 0, auth: false, errorRate: 0.2, seed: 8 });
    try {
      const first = await statuses(a, 400);
      const failed = first.filter((s) => s === 500).length;
      expect(first.every((s) => s === 200 || s === 500)).toBe(true);
      expect(failed / 400).toBeGreaterThanOrEqual(0.16);
      expect(failed / 400).toBeLessThanOrEqual(0.24);
      expect(await statuses(b, 400)).toEqual(first);
      expect(await statuses(c, 400)).not.toEqual(first);

      const injected = await request(a, '/api/bluetooth/devices?limit=1');
      if (injected.status === 500) expect(injected.body).toHaveProperty('detail');
      // /health is outside the knob.
      for (let i = 0; i < 20; i++) expect((await request(a, '/health')).status).toBe(200);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});

describe('leak knob', () => {
  const service = useSampleService({ auth: false, leakKb: 256 });

  it('retains memory per request, visible in /api/metrics', async () => {
    type Metrics = { memory: { rss_bytes: number; external_bytes: number; leaked_bytes: number } };
    const before = ((await request(service.current, '/api/metrics')).body as Metrics).memory;
    expect(before.leaked_bytes).toBe(256 * 1024);
    for (let i = 0; i < 100; i++) await request(service.current, '/health');
    const after = ((await request(service.current, '/api/metrics')).body as Metrics).memory;
    const leaked = 100 * 256 * 1024;
    expect(after.leaked_bytes - before.leaked_bytes).toBe(leaked + 256 * 1024);
    // Other external buffers come and go meanwhile; the leak dominates.
    expect(after.external_bytes - before.external_bytes).toBeGreaterThanOrEqual(leaked * 0.9);
    expect(after.rss_bytes - before.rss_bytes).toBeGreaterThanOrEqual(leaked / 2);
  });
});
