import { performance } from 'node:perf_hooks';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { UserError } from '../../src/core/errors.ts';
import { loadSqlite } from '../../src/core/sqlite.ts';
import type { SampleApiVersion } from './options.ts';
import { pick, type Random, randomInt, seededRandom } from './prng.ts';

export const WIFI_NETWORK_COUNT = 200;
export const BLUETOOTH_DEVICE_COUNT = 100;

/** Lower than any real reading: stands for "no minimum" so one prepared statement serves both cases. */
const NO_MINIMUM = -1000;

/** The data never depends on --seed: blue and green instances must serve the same rows. */
const DATA_SEED = 0x5eed_da7a;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS wifi_networks (
  id INTEGER PRIMARY KEY,
  bssid TEXT NOT NULL UNIQUE,
  ssid TEXT,
  signal_dbm INTEGER NOT NULL,
  channel INTEGER NOT NULL,
  encryption TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  lat REAL NOT NULL,
  lon REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS wifi_networks_signal ON wifi_networks (signal_dbm);
CREATE TABLE IF NOT EXISTS bluetooth_devices (
  id INTEGER PRIMARY KEY,
  address TEXT NOT NULL UNIQUE,
  name TEXT,
  rssi INTEGER NOT NULL,
  device_type TEXT NOT NULL,
  manufacturer TEXT,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  lat REAL NOT NULL,
  lon REAL NOT NULL
);
`;

/** One field of a JSON row: its name in the API and the SQL expression that produces it. */
type Projection = readonly (readonly [field: string, sql: string])[];

const SIGHTING: Projection = [
  ['first_seen', 'first_seen'],
  ['last_seen', 'last_seen'],
  ['lat', 'lat'],
  ['lon', 'lon'],
];

/**
 * What each API version returns for a network. v2 is a projection of the same table, so SQLite
 * builds the changed shape and no per-row work happens in JavaScript.
 */
const WIFI_FIELDS: Record<SampleApiVersion, Projection> = {
  1: [
    ['bssid', 'bssid'],
    ['ssid', 'ssid'],
    ['signal_dbm', 'signal_dbm'],
    ['channel', 'channel'],
    ['encryption', 'encryption'],
    ...SIGHTING,
  ],
  2: [
    ['bssid', 'bssid'],
    ['name', 'ssid'],
    ['signal_dbm', "signal_dbm || ' dBm'"],
    ['channel', 'channel'],
    ['encryption', 'encryption'],
    ...SIGHTING,
  ],
};

const BLUETOOTH_FIELDS: Projection = [
  ['address', 'address'],
  ['name', 'name'],
  ['rssi', 'rssi'],
  ['device_type', 'device_type'],
  ['manufacturer', 'manufacturer'],
  ...SIGHTING,
];

const CHANNEL_FIELDS: Projection = [
  ['channel', 'channel'],
  ['networks', 'networks'],
  ['avg_signal_dbm', 'avg_signal_dbm'],
];

/**
 * A query answering with one JSON array text. Lists are the hot path of load tests: letting SQLite
 * serialise the rows skips building an object per row and stringifying it again.
 */
function jsonArraySql(fields: Projection, from: string, orderBy: string): string {
  const object = fields.map(([field, sql]) => `'${field}', ${sql}`).join(', ');
  return `SELECT json_group_array(json_object(${object}) ORDER BY ${orderBy}) AS json FROM (${from})`;
}

/** A page of rows as a JSON array text, and how many rows match in all. */
export interface JsonPage {
  total: number;
  json: string;
}

export interface TableCounts {
  wifi_networks: number;
  bluetooth_devices: number;
}

export interface SampleDatabase {
  wifiNetworks(query: { limit: number; offset: number; minSignal: number | undefined }): JsonPage;
  bluetoothDevices(query: { limit: number; minRssi: number | undefined }): JsonPage;
  /** Networks per channel, as a JSON array text. */
  wifiChannels(): string;
  /** Milliseconds a trivial query takes; throws when the database is unusable. */
  ping(): number;
  counts(): TableCounts;
  close(): void;
}

export async function openSampleDatabase(
  file: string,
  apiVersion: SampleApiVersion,
): Promise<SampleDatabase> {
  const { DatabaseSync } = await loadSqlite();
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file);
    // Two instances (blue and green) may share one file: wait for locks instead of failing.
    db.exec('PRAGMA busy_timeout = 5000');
    if (file !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
    db.exec(SCHEMA);
    seedIfEmpty(db);
  } catch (e) {
    throw new UserError(`cannot open the sample database: ${(e as Error).message}`, {
      file,
      hint: 'pass --db with a writable file path, or leave it out to keep the data in memory',
    });
  }
  return new SqliteSampleDatabase(db, apiVersion);
}

class SqliteSampleDatabase implements SampleDatabase {
  readonly #db: DatabaseSync;
  readonly #wifiPage: StatementSync;
  readonly #wifiTotal: StatementSync;
  readonly #bluetoothPage: StatementSync;
  readonly #bluetoothTotal: StatementSync;
  readonly #channels: StatementSync;
  readonly #ping: StatementSync;
  readonly #counts: StatementSync;

  constructor(db: DatabaseSync, apiVersion: SampleApiVersion) {
    this.#db = db;
    this.#wifiPage = db.prepare(
      jsonArraySql(
        WIFI_FIELDS[apiVersion],
        'SELECT * FROM wifi_networks WHERE signal_dbm >= ? ORDER BY id LIMIT ? OFFSET ?',
        'id',
      ),
    );
    this.#wifiTotal = db.prepare('SELECT COUNT(*) AS n FROM wifi_networks WHERE signal_dbm >= ?');
    this.#bluetoothPage = db.prepare(
      jsonArraySql(
        BLUETOOTH_FIELDS,
        'SELECT * FROM bluetooth_devices WHERE rssi >= ? ORDER BY id LIMIT ?',
        'id',
      ),
    );
    this.#bluetoothTotal = db.prepare('SELECT COUNT(*) AS n FROM bluetooth_devices WHERE rssi >= ?');
    this.#channels = db.prepare(
      jsonArraySql(
        CHANNEL_FIELDS,
        `SELECT channel, COUNT(*) AS networks, ROUND(AVG(signal_dbm), 1) AS avg_signal_dbm
         FROM wifi_networks GROUP BY channel`,
        'channel',
      ),
    );
    this.#ping = db.prepare('SELECT 1');
    this.#counts = db.prepare(
      `SELECT (SELECT COUNT(*) FROM wifi_networks) AS wifi_networks,
              (SELECT COUNT(*) FROM bluetooth_devices) AS bluetooth_devices`,
    );
  }

  wifiNetworks(query: { limit: number; offset: number; minSignal: number | undefined }): JsonPage {
    const min = query.minSignal ?? NO_MINIMUM;
    return { total: count(this.#wifiTotal, min), json: json(this.#wifiPage, min, query.limit, query.offset) };
  }

  bluetoothDevices(query: { limit: number; minRssi: number | undefined }): JsonPage {
    const min = query.minRssi ?? NO_MINIMUM;
    return { total: count(this.#bluetoothTotal, min), json: json(this.#bluetoothPage, min, query.limit) };
  }

  wifiChannels(): string {
    return json(this.#channels);
  }

  ping(): number {
    const started = performance.now();
    this.#ping.get();
    return performance.now() - started;
  }

  counts(): TableCounts {
    return this.#counts.get() as unknown as TableCounts;
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}

function count(statement: StatementSync, ...params: SQLInputValue[]): number {
  return Number((statement.get(...params) as { n: number }).n);
}

function json(statement: StatementSync, ...params: SQLInputValue[]): string {
  return (statement.get(...params) as { json: string }).json;
}

function seedIfEmpty(db: DatabaseSync): void {
  // IMMEDIATE takes the write lock before counting, so two instances seeding one new file cannot both insert.
  db.exec('BEGIN IMMEDIATE');
  try {
    const { n } = db.prepare('SELECT COUNT(*) AS n FROM wifi_networks').get() as { n: number };
    if (Number(n) === 0) {
      const random = seededRandom(DATA_SEED);
      insertAll(db, 'wifi_networks', wifiNetworkRows(random, WIFI_NETWORK_COUNT));
      insertAll(db, 'bluetooth_devices', bluetoothDeviceRows(random, BLUETOOTH_DEVICE_COUNT));
    }
    db.exec('COMMIT');
  } catch (e) {
    db.exec('ROLLBACK');
    throw e;
  }
}

function insertAll(db: DatabaseSync, table: string, rows: Record<string, SQLInputValue>[]): void {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const insert = db.prepare(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
  );
  for (const row of rows) insert.run(...columns.map((c) => row[c] as SQLInputValue));
}

// A city-sized survey area, so coordinates look like one war-driving session.
const AREA = { lat: 47.6062, lon: -122.3321, spread: 0.05 };
const SURVEY_START = Date.UTC(2025, 5, 1);
const DAY_MS = 86_400_000;

const SSID_STEMS = [
  'HomeNet',
  'NETGEAR',
  'TP-Link',
  'Linksys',
  'xfinitywifi',
  'ATT',
  'eduroam',
  'CoffeeShop_Guest',
  'Library-Public',
  'CorpNet',
  'ASUS',
  'DIRECT-printer',
  'Pixel',
  'iPhone',
  'FRITZ!Box',
];
const WIFI_OUIS = ['00:1a:2b', '3c:84:6a', 'a4:2b:b0', 'f8:1a:67', '10:0c:6b', 'b0:be:76', 'dc:a6:32'];
const CHANNELS = [1, 6, 11, 1, 6, 11, 36, 40, 44, 48, 149, 153, 157, 161];
const ENCRYPTIONS = ['WPA2', 'WPA2', 'WPA2', 'WPA3', 'WPA2/WPA3', 'WPA2-Enterprise', 'WEP', 'Open'];

function wifiNetworkRows(random: Random, n: number): Record<string, SQLInputValue>[] {
  const seen = new Set<string>();
  return Array.from({ length: n }, () => {
    const bssid = uniqueMac(random, WIFI_OUIS, seen);
    const hidden = random() < 0.08;
    return {
      bssid,
      ssid: hidden ? null : `${pick(random, SSID_STEMS)}-${randomInt(random, 1, 999)}`,
      signal_dbm: randomInt(random, -95, -30),
      channel: pick(random, CHANNELS),
      encryption: pick(random, ENCRYPTIONS),
      ...sighting(random),
    };
  });
}

const BT_OUIS = ['f4:5c:89', '28:11:a5', '04:52:c7', 'c8:ff:77', 'e8:9f:6d'];
const BT_NAMES = [
  'JBL Flip 5',
  'AirPods Pro',
  'Galaxy Buds2',
  'Fitbit Charge 5',
  'Tile',
  'Apple Watch',
  'Bose QC45',
  'Mi Band 6',
  'Garmin Forerunner',
];
const MANUFACTURERS = [
  'Apple, Inc.',
  'Samsung Electronics',
  'Bose',
  'Harman',
  'Fitbit',
  'Xiaomi',
  'Garmin',
  'Tile',
];
const DEVICE_TYPES = ['ble', 'ble', 'classic', 'dual'];

function bluetoothDeviceRows(random: Random, n: number): Record<string, SQLInputValue>[] {
  const seen = new Set<string>();
  return Array.from({ length: n }, () => ({
    address: uniqueMac(random, BT_OUIS, seen),
    name: random() < 0.3 ? null : pick(random, BT_NAMES),
    rssi: randomInt(random, -100, -35),
    device_type: pick(random, DEVICE_TYPES),
    manufacturer: random() < 0.15 ? null : pick(random, MANUFACTURERS),
    ...sighting(random),
  }));
}

function sighting(random: Random): { first_seen: string; last_seen: string; lat: number; lon: number } {
  const first = SURVEY_START + Math.floor(random() * 20 * DAY_MS);
  const last = first + Math.floor(random() * 10 * DAY_MS);
  return {
    first_seen: new Date(first).toISOString(),
    last_seen: new Date(last).toISOString(),
    lat: round6(AREA.lat + (random() * 2 - 1) * AREA.spread),
    lon: round6(AREA.lon + (random() * 2 - 1) * AREA.spread),
  };
}

function uniqueMac(random: Random, ouis: readonly string[], seen: Set<string>): string {
  for (;;) {
    const tail = Array.from({ length: 3 }, () => randomInt(random, 0, 255).toString(16).padStart(2, '0'));
    const mac = `${pick(random, ouis)}:${tail.join(':')}`;
    if (!seen.has(mac)) {
      seen.add(mac);
      return mac;
    }
  }
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
