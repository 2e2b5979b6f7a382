import { describe, expect, it } from 'vitest';
import { request, useSampleService } from './helpers.ts';

interface Health {
  status: string;
  version: string;
  timestamp: string;
  uptime_seconds: number;
  database: { connected: boolean; connection_ms: number };
}

describe('GET /health', () => {
  const service = useSampleService({ version: '2.4.1' });

  it('reports healthy with version, time, uptime and a measured database round trip', async () => {
    const before = Date.now();
    const res = await request(service.current, '/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = res.body as Health;
    expect(body.status).toBe('healthy');
    expect(body.version).toBe('2.4.1');
    expect(Math.abs(Date.parse(body.timestamp) - before)).toBeLessThan(5000);
    expect(body.uptime_seconds).toBeGreaterThanOrEqual(0);
    expect(body.database.connected).toBe(true);
    expect(body.database.connection_ms).toBeGreaterThan(0);
    expect(body.database.connection_ms).toBeLessThan(1000);
  });

  it('answers 404 for unknown routes and 405 for a wrong method, FastAPI style', async () => {
    const missing = await request(service.current, '/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ detail: 'Not Found' });
    const wrong = await request(service.current, '/health', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.body).toEqual({ detail: 'Method Not Allowed' });
    expect(wrong.headers.get('allow')).toBe('GET');
  });

  it('keeps connections alive with a bounded idle timeout', async () => {
    const res = await fetch(`${service.current.url}/health`);
    await res.text();
    expect(res.headers.get('connection')).toBe('keep-alive');
    expect(res.headers.get('keep-alive')).toBe('timeout=5');
  });
});

describe('GET /health with fail-health', () => {
  const service = useSampleService({ failHealth: true });

  it('answers 503 unhealthy with the same shape', async () => {
    const res = await request(service.current, '/health');
    expect(res.status).toBe(503);
    const body = res.body as Health;
    expect(body.status).toBe('unhealthy');
    expect(body.database.connected).toBe(true);
  });
});
