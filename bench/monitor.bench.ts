// Monitoring cost. (1) CPU per check: each check kind run repeatedly against local targets, CPU
// time (user + system) of this process per run. (2) Store growth over simulated days of 20 checks
// every 60 s, evaluated and stored exactly as `shipgate monitor` does (samples, rules, alert
// states, hourly compaction), side by side with the anchor: Uptime Kuma v1's model, where every
// heartbeat stays raw (no roll-ups), which its users report growing to gigabytes (#4041, #6013).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../src/config/schema.ts';
import { loadSqlite } from '../src/core/sqlite.ts';
import { CHECK_KINDS } from '../src/monitor/checks/index.ts';
import type { CheckContext, CheckSpec } from '../src/monitor/checks/types.ts';
import { evaluateRound } from '../src/monitor/pipeline.ts';
import { defaultRules } from '../src/monitor/plan.ts';
import type { AlertState } from '../src/monitor/rules.ts';
import { type Sample, seriesId } from '../src/monitor/series.ts';
import { openStore } from '../src/store/index.ts';
import { fmt, median } from './util.ts';

const dir = mkdtempSync(join(tmpdir(), 'shipgate-bench-monitor-'));
const RUNS = 200;

// --- (1) CPU per check ------------------------------------------------------------------------

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"status":"ok","data":{"count":3}}');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const httpUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;

const { DatabaseSync } = await loadSqlite();
const dbFile = join(dir, 'app.db');
const db = new DatabaseSync(dbFile);
db.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3)');
db.close();

let redis: ChildProcess | undefined;
let redisPort = 0;
if (existsSync('/usr/bin/redis-server')) {
  redisPort = 20_000 + Math.floor(Math.random() * 20_000);
  redis = spawn(
    '/usr/bin/redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'pipe' },
  );
  await new Promise<void>((resolve) =>
    redis?.stdout?.on('data', (d) => /Ready to accept/.test(String(d)) && resolve()),
  );
}

const specs: CheckSpec[] = [
  {
    name: 'http',
    kind: 'http',
    url: httpUrl,
    method: 'GET',
    expectStatus: [200],
    headers: {},
    body: [{ path: 'data.count', op: '>=', value: 3 }],
    timeout: 5000,
  },
  { name: 'sqlite', kind: 'sqlite', path: dbFile, query: 'SELECT count(*) FROM t', timeout: 5000 },
  ...(redis
    ? [
        {
          name: 'redis',
          kind: 'redis' as const,
          url: `redis://127.0.0.1:${redisPort}`,
          command: ['DBSIZE'],
          timeout: 5000,
        },
      ]
    : []),
  { name: 'host', kind: 'host', mounts: ['/'], timeout: 5000 },
  { name: 'process', kind: 'process', match: 'node', timeout: 5000 },
];

console.log(`CPU per check (${RUNS} runs each, this process's user+system CPU; median wall time)`);
console.log(`${'check'.padEnd(10)} ${'CPU µs/run'.padStart(11)} ${'wall ms'.padStart(9)}`);
for (const spec of specs) {
  const ctx: CheckContext = { env: {}, memory: new Map() };
  const kind = CHECK_KINDS[spec.kind] as unknown as {
    run: (s: CheckSpec, c: CheckContext) => Promise<unknown>;
  };
  await kind.run(spec, ctx); // warm-up (and the host check's first two-reading window)
  const walls: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await kind.run(spec, ctx);
    walls.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `${spec.name.padEnd(10)} ${fmt((cpu.user + cpu.system) / RUNS, 0).padStart(11)} ${fmt(median(walls), 3).padStart(9)}`,
  );
}
redis?.kill('SIGTERM');
server.close();

// --- (2) store growth over simulated days -------------------------------------------------------

const CHECKS = 20;
const INTERVAL_MS = 60_000;
const DAYS = 12;
const REPORT_DAYS = [1, 2, 3, 4, 7, 12];
const ROUNDS_PER_DAY = 86_400_000 / INTERVAL_MS;
const config = defaultConfig();
const rules = defaultRules(config);
const retention = { rawMs: 86_400_000, minuteMs: 2 * 86_400_000, hourMs: 90 * 86_400_000 };

/** One round's samples: what an HTTP check reports (time, status, up, error rate), with one check slow at times so alerts fire and resolve. */
function roundSamples(k: number): Sample[] {
  const out: Sample[] = [];
  for (let c = 0; c < CHECKS; c++) {
    const check = `endpoint_${c}`;
    const slow = c === 0 && Math.floor(k / 30) % 4 === 1;
    out.push({
      metric: 'http_response_time_ms',
      labels: { check },
      value: slow ? 2500 : 20 + ((k * 7 + c * 13) % 40),
    });
    out.push({ metric: 'http_status', labels: { check }, value: 200 });
    out.push({ metric: 'check_up', labels: { check, kind: 'http' }, value: 1 });
    out.push({ metric: 'http_error_rate_percent', labels: { check }, value: 0 });
  }
  return out;
}

/** Day 1 runs round by round exactly as the monitor does (and is what CPU per round is measured on); later days are fast-forwarded an hour of rounds per write, with the same hourly compaction. */
async function simulate(label: string, rollups: boolean): Promise<void> {
  const file = join(dir, `${label.replace(/\W+/g, '-')}.db`);
  const store = await openStore(file, { env: {} });
  const m = store.monitoring();
  let states: ReadonlyMap<string, AlertState> = new Map();
  const start = Date.UTC(2026, 0, 1);
  const report = async (day: number) => {
    const counts = await m.sampleCounts();
    const bytes = statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
    console.log(
      `${label.padEnd(27)} day ${String(day).padStart(2)}: ${String(counts.raw).padStart(7)} raw ${String(counts.minute).padStart(7)} minute ${String(counts.hour).padStart(5)} hour rows ${fmt(bytes / 1_048_576, 1).padStart(7)} MB`,
    );
  };
  const cpu0 = process.cpuUsage();
  for (let k = 0; k < ROUNDS_PER_DAY; k++) {
    const now = start + k * INTERVAL_MS;
    const samples = roundSamples(k);
    await m.recordSamples(
      samples.map((s) => ({ series: seriesId(s.metric, s.labels), at: new Date(now), value: s.value })),
    );
    const result = evaluateRound({
      rules,
      states,
      samples,
      now,
      silences: [],
      windows: [],
      repeatIntervalMs: 4 * 3_600_000,
      sendResolved: true,
      groupBy: ['alertname'],
      channels: ['webhook'],
    });
    await m.commitAlerts(
      result.states.map((s) => ({ key: s.key, data: s })),
      result.messages,
      new Date(now),
    );
    states = new Map(result.states.map((s) => [s.key, s]));
    if (rollups && k % 60 === 0) await m.compactSamples({ now: new Date(now), ...retention });
  }
  const cpu = process.cpuUsage(cpu0);
  const queued = (await m.listOutbox({ limit: 100_000 })).length;
  await report(1);
  for (let hour = 24; hour < DAYS * 24; hour++) {
    const batch = [];
    for (let k = hour * 60; k < (hour + 1) * 60; k++) {
      const at = new Date(start + k * INTERVAL_MS);
      for (const s of roundSamples(k))
        batch.push({ series: seriesId(s.metric, s.labels), at, value: s.value });
    }
    await m.recordSamples(batch);
    if (rollups) await m.compactSamples({ now: new Date(start + (hour + 1) * 3_600_000), ...retention });
    const day = (hour + 1) / 24;
    if (Number.isInteger(day) && REPORT_DAYS.includes(day)) await report(day);
  }
  console.log(
    `${label.padEnd(27)} day 1 took ${fmt((cpu.user + cpu.system) / ROUNDS_PER_DAY / 1000, 3)} ms CPU per round of ${CHECKS} checks (rules + alert states + samples + compaction); ${queued} notifications queued`,
  );
  await store.close();
}

console.log(
  `\nStore growth: ${CHECKS} checks × 4 series every ${INTERVAL_MS / 1000} s, ${DAYS} simulated days, SQLite`,
);
await simulate('shipgate (raw 24h+roll-ups)', true);
await simulate('anchor: raw forever', false);
console.log(
  '(at a 60 s interval a minute roll-up holds one sample, so roll-ups pay once minutes turn into hours after 2 days; from then on shipgate stays bounded while the anchor grows by a day of raw rows every day)',
);
rmSync(dir, { recursive: true, force: true });
