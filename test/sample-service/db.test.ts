import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BLUETOOTH_DEVICE_COUNT,
  openSampleDatabase,
  WIFI_NETWORK_COUNT,
} from '../../examples/sample-service/db.ts';
import { UserError } from '../../src/core/errors.ts';

const rowsOf = (json: string) => JSON.parse(json) as Record<string, unknown>[];

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sample-db-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('sample database', () => {
  it('seeds the same rows every time', async () => {
    const a = await openSampleDatabase(':memory:', 1);
    const b = await openSampleDatabase(':memory:', 1);
    expect(a.counts()).toEqual({
      wifi_networks: WIFI_NETWORK_COUNT,
      bluetooth_devices: BLUETOOTH_DEVICE_COUNT,
    });
    const all = { limit: 500, offset: 0, minSignal: undefined };
    expect(a.wifiNetworks(all)).toEqual(b.wifiNetworks(all));
    expect(a.bluetoothDevices({ limit: 500, minRssi: undefined })).toEqual(
      b.bluetoothDevices({ limit: 500, minRssi: undefined }),
    );
    a.close();
    b.close();
  });

  it('answers an empty page with an empty array', async () => {
    const db = await openSampleDatabase(':memory:', 1);
    expect(db.wifiNetworks({ limit: 10, offset: 10_000, minSignal: undefined }).json).toBe('[]');
    const channels = rowsOf(db.wifiChannels());
    expect(channels.reduce((n, c) => n + (c.networks as number), 0)).toBe(WIFI_NETWORK_COUNT);
    db.close();
  });

  it('looks like a survey: some hidden SSIDs, several channels and encryptions', async () => {
    const db = await openSampleDatabase(':memory:', 1);
    const rows = rowsOf(db.wifiNetworks({ limit: 500, offset: 0, minSignal: undefined }).json);
    expect(rows.some((r) => r.ssid === null)).toBe(true);
    expect(new Set(rows.map((r) => r.channel)).size).toBeGreaterThan(5);
    expect(new Set(rows.map((r) => r.encryption)).size).toBeGreaterThan(4);
    db.close();
  });

  it('filters version 2 rows on the numeric signal, not the reshaped text', async () => {
    const v1 = await openSampleDatabase(':memory:', 1);
    const v2 = await openSampleDatabase(':memory:', 2);
    const q = { limit: 500, offset: 0, minSignal: -50 };
    const one = v1.wifiNetworks(q);
    const two = v2.wifiNetworks(q);
    expect(two.total).toBe(one.total);
    const [rows1, rows2] = [rowsOf(one.json), rowsOf(two.json)];
    expect(rows1.length).toBe(one.total);
    expect(rows1.every((r) => (r.signal_dbm as number) >= -50)).toBe(true);
    expect(rows2.map((r) => r.bssid)).toEqual(rows1.map((r) => r.bssid));
    expect(rows2[0]?.signal_dbm).toBe(`${rows1[0]?.signal_dbm} dBm`);
    expect(rows2[0]?.name).toBe(rows1[0]?.ssid);
    v1.close();
    v2.close();
  });

  it('keeps a file database and does not seed it twice', async () => {
    const file = join(tempDir(), 'sample.db');
    const first = await openSampleDatabase(file, 1);
    first.close();
    const again = await openSampleDatabase(file, 1);
    expect(again.counts()).toEqual({
      wifi_networks: WIFI_NETWORK_COUNT,
      bluetooth_devices: BLUETOOTH_DEVICE_COUNT,
    });
    again.close();
  });

  it('reports an unusable path as a user error naming the file', async () => {
    const file = join(tempDir(), 'missing-dir', 'sample.db');
    const error = await openSampleDatabase(file, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).file).toBe(file);
  });

  it('fails the ping once closed, which is what /health reports as disconnected', async () => {
    const db = await openSampleDatabase(':memory:', 1);
    expect(db.ping()).toBeGreaterThan(0);
    db.close();
    expect(() => db.ping()).toThrow();
  });
});
