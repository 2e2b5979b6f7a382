import { describe, expect, it } from 'vitest';
import { BLUETOOTH_DEVICE_COUNT, WIFI_NETWORK_COUNT } from '../../examples/sample-service/db.ts';
import { request, useSampleService } from './helpers.ts';

interface WifiNetwork {
  bssid: string;
  ssid: string | null;
  signal_dbm: number;
  channel: number;
  encryption: string;
  first_seen: string;
  last_seen: string;
  lat: number;
  lon: number;
}
interface WifiList {
  total: number;
  limit: number;
  offset: number;
  networks: WifiNetwork[];
}
interface Detail {
  detail: { type: string; loc: string[]; msg: string }[];
}

describe('GET /api/wifi/networks', () => {
  const service = useSampleService({ auth: false });
  const get = async (query: string) => request(service.current, `/api/wifi/networks${query}`);

  it('returns the first 50 of the seeded networks by default, with every field', async () => {
    const res = await get('');
    expect(res.status).toBe(200);
    const body = res.body as WifiList;
    expect(body.total).toBe(WIFI_NETWORK_COUNT);
    expect(body.limit).toBe(50);
    expect(body.offset).toBe(0);
    expect(body.networks).toHaveLength(50);
    const n = body.networks[0] as WifiNetwork;
    expect(Object.keys(n)).toEqual([
      'bssid',
      'ssid',
      'signal_dbm',
      'channel',
      'encryption',
      'first_seen',
      'last_seen',
      'lat',
      'lon',
    ]);
    expect(n.bssid).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(Number.isInteger(n.signal_dbm)).toBe(true);
    expect(Date.parse(n.last_seen)).toBeGreaterThanOrEqual(Date.parse(n.first_seen));
  });

  it('pages with limit and offset', async () => {
    const all = (await get('?limit=500')).body as WifiList;
    expect(all.networks).toHaveLength(WIFI_NETWORK_COUNT);
    expect(new Set(all.networks.map((n) => n.bssid)).size).toBe(WIFI_NETWORK_COUNT);
    const page = (await get('?limit=10&offset=20')).body as WifiList;
    expect(page.networks.map((n) => n.bssid)).toEqual(all.networks.slice(20, 30).map((n) => n.bssid));
    const past = (await get('?offset=1000')).body as WifiList;
    expect(past.networks).toEqual([]);
    expect(past.total).toBe(WIFI_NETWORK_COUNT);
  });

  it('filters by min_signal and counts the filtered total', async () => {
    const all = ((await get('?limit=500')).body as WifiList).networks;
    const strong = (await get('?limit=500&min_signal=-60')).body as WifiList;
    const expected = all.filter((n) => n.signal_dbm >= -60);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(strong.total).toBe(expected.length);
    expect(strong.networks.map((n) => n.bssid)).toEqual(expected.map((n) => n.bssid));
  });

  it('answers bad parameters with 422 naming each one', async () => {
    const tooMany = await get('?limit=501');
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toEqual({
      detail: [
        {
          type: 'less_than_equal',
          loc: ['query', 'limit'],
          msg: 'Input should be less than or equal to 500',
          input: '501',
          ctx: { le: 500 },
        },
      ],
    });
    const several = await get('?limit=abc&offset=-1&min_signal=5');
    expect(several.status).toBe(422);
    expect((several.body as Detail).detail.map((d) => [d.loc[1], d.type])).toEqual([
      ['limit', 'int_parsing'],
      ['offset', 'greater_than_equal'],
      ['min_signal', 'less_than_equal'],
    ]);
    expect((await get('?limit=0')).status).toBe(422);
    expect((await get('?limit=1.5')).status).toBe(422);
  });

  it('serves the same data from every instance', async () => {
    const { startSampleService } = await import('../../examples/sample-service/server.ts');
    const other = await startSampleService({ port: 0, auth: false, seed: 99 });
    try {
      const a = (await get('?limit=500')).body;
      const b = (await request(other, '/api/wifi/networks?limit=500')).body;
      expect(b).toEqual(a);
    } finally {
      await other.close();
    }
  });
});

describe('GET /api/bluetooth/devices', () => {
  const service = useSampleService({ auth: false });

  it('returns devices up to limit and validates it', async () => {
    const res = await request(service.current, '/api/bluetooth/devices?limit=7');
    expect(res.status).toBe(200);
    const body = res.body as { total: number; limit: number; devices: { address: string; rssi: number }[] };
    expect(body.total).toBe(BLUETOOTH_DEVICE_COUNT);
    expect(body.limit).toBe(7);
    expect(body.devices).toHaveLength(7);
    const all = (await request(service.current, '/api/bluetooth/devices?limit=500')).body as typeof body;
    expect(all.devices).toHaveLength(BLUETOOTH_DEVICE_COUNT);
    expect((await request(service.current, '/api/bluetooth/devices?limit=-3')).status).toBe(422);
  });
});

describe('GET /api/status and /api/metrics', () => {
  const service = useSampleService({ auth: false, version: '3.0.0' });

  it('counts requests and database rows', async () => {
    await request(service.current, '/health');
    await request(service.current, '/nope');
    const status = (await request(service.current, '/api/status')).body as {
      version: string;
      api_version: number;
      requests: { total: number };
      database: Record<string, number>;
    };
    expect(status.version).toBe('3.0.0');
    expect(status.api_version).toBe(1);
    expect(status.requests.total).toBe(2);
    expect(status.database).toEqual({
      wifi_networks: WIFI_NETWORK_COUNT,
      bluetooth_devices: BLUETOOTH_DEVICE_COUNT,
    });
    const metrics = (await request(service.current, '/api/metrics')).body as {
      requests: { total: number; by_status: Record<string, number>; by_route: Record<string, number> };
      latency_ms: { count: number; p50: number; max: number };
    };
    expect(metrics.requests.total).toBe(3);
    expect(metrics.requests.by_status).toEqual({ '200': 2, '404': 1 });
    expect(metrics.requests.by_route).toEqual({ 'GET /health': 1, unmatched: 1, 'GET /api/status': 1 });
    expect(metrics.latency_ms.count).toBe(3);
    expect(metrics.latency_ms.max).toBeGreaterThanOrEqual(metrics.latency_ms.p50);
  });
});
