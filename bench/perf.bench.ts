// Regression gate cost. compare: 10,000 metrics of 30 windows each, judged with 250 block
// bootstrap resamples per metric, against github-action-benchmark's rule (one ratio per metric,
// no statistics) on the same data. trend: 10,000 stored runs read from a SQLite store and searched
// for change points, against a bare node:sqlite SELECT of the same figures.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentFingerprint } from '../src/core/environment.ts';
import { loadSqlite } from '../src/core/sqlite.ts';
import { judgeRuns } from '../src/perf/judge.ts';
import type { MetricSamples } from '../src/perf/metrics.ts';
import { trendOf } from '../src/perf/trend.ts';
import { openStore } from '../src/store/index.ts';
import { rng } from '../test/helpers/random.ts';
import { fmt, median } from './util.ts';

const METRICS = 10_000;
const WINDOWS = 30;
const RUNS = 10_000;

const random = rng(42);
const sample = (metric: string, level: number): MetricSamples => {
  const windows = Array.from({ length: WINDOWS }, () => level * (1 + 0.05 * (random() - 0.5)));
  return { metric, unit: 'ms', direction: 'lower', overall: level, windows };
};
const pairs = Array.from(
  { length: METRICS },
  (_, i) => [sample(`m${i}`, 100), sample(`m${i}`, i % 10 === 0 ? 115 : 100)] as const,
);

function naive(): number {
  const t = performance.now();
  let flagged = 0;
  for (const [b, c] of pairs) if (c.overall / b.overall > 1.1) flagged++;
  if (flagged === 0) throw new Error('naive compare found nothing');
  return performance.now() - t;
}

const cpuMs: number[] = [];
function ours(): number {
  const t = performance.now();
  const cpu = process.cpuUsage();
  let regressions = 0;
  for (const [b, c] of pairs)
    if (judgeRuns(b, c, { thresholdPct: 10 }).verdict === 'regression') regressions++;
  const used = process.cpuUsage(cpu);
  cpuMs.push((used.user + used.system) / 1000);
  if (regressions !== METRICS / 10)
    throw new Error(`expected ${METRICS / 10} regressions, found ${regressions}`);
  return performance.now() - t;
}

const naiveMs: number[] = [];
const oursMs: number[] = [];
for (let r = 0; r < 3; r++) {
  naiveMs.push(naive());
  oursMs.push(ours());
}
console.log(`compare, ${METRICS} metrics × ${WINDOWS} windows`);
console.log(`  single-ratio rule (github-action-benchmark)  ${fmt(median(naiveMs), 1)} ms`);
console.log(
  `  shipgate, block bootstrap ×250 per metric    ${fmt(median(oursMs), 0)} ms wall, ${fmt(median(cpuMs), 0)} ms CPU  (${fmt((median(cpuMs) * 1000) / METRICS, 1)} µs CPU/metric)`,
);

// trend
const dir = mkdtempSync(join(tmpdir(), 'shipgate-bench-trend-'));
const path = join(dir, 'trend.db');
const store = await openStore(path);
const environment = environmentFingerprint();
const t0 = Date.UTC(2026, 0, 1);
const { DatabaseSync } = await loadSqlite();
const db = new DatabaseSync(path);
db.exec('BEGIN');
// Bulk-load through SQL: recording 10,000 runs one transaction each is the store benchmark's job.
const insertRun = db.prepare(
  `INSERT INTO runs (kind, verdict, summary, started_at, finished_at, recorded_at, git_commit, git_branch, environment, labels, result)
   VALUES ('load', 'pass', 'bench', ?, ?, ?, ?, 'main', ?, '{"scenario":"bench"}', '{"series":[]}') RETURNING id`,
);
const insertFigure = db.prepare('INSERT INTO run_figures (run_id, name, value) VALUES (?, ?, ?)');
for (let i = 0; i < RUNS; i++) {
  const at = t0 + i * 3_600_000;
  const row = insertRun.get(at, at + 60_000, at + 60_000, `c${i}`, JSON.stringify(environment)) as {
    id: number;
  };
  const level = i < 4000 ? 100 : i < 7000 ? 112 : 104;
  insertFigure.run(row.id, 'p95_ms', level * (1 + 0.05 * (random() - 0.5)));
}
db.exec('COMMIT');

function bareSelect(): number {
  const t = performance.now();
  const rows = db
    .prepare(
      `SELECT r.id, r.started_at, r.git_commit, f.value FROM runs r JOIN run_figures f ON f.run_id = r.id
       WHERE r.kind = 'load' AND f.name = 'p95_ms' ORDER BY r.started_at`,
    )
    .all();
  if (rows.length !== RUNS) throw new Error('bare select missed runs');
  return performance.now() - t;
}

const trendCpuMs: number[] = [];
async function trend(): Promise<number> {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const result = await trendOf(store, { metric: 'p95_ms' });
  if (result.fields.points.length !== RUNS) throw new Error('trend missed runs');
  const at = result.fields.changePoints.map((c) => c.index);
  if (!at.some((i) => Math.abs(i - 4000) <= 1) || !at.some((i) => Math.abs(i - 7000) <= 1)) {
    throw new Error(`planted change points not found: ${at.join(', ')}`);
  }
  const used = process.cpuUsage(cpu);
  trendCpuMs.push((used.user + used.system) / 1000);
  return performance.now() - t;
}

const bareMs: number[] = [];
const trendMs: number[] = [];
for (let r = 0; r < 3; r++) {
  bareMs.push(bareSelect());
  trendMs.push(await trend());
}
db.close();
await store.close();
console.log(`trend, ${RUNS} stored runs`);
console.log(`  bare node:sqlite SELECT of the figures       ${fmt(median(bareMs), 1)} ms`);
console.log(
  `  shipgate trend (read + change points)        ${fmt(median(trendMs), 0)} ms wall, ${fmt(median(trendCpuMs), 0)} ms CPU  = ${fmt(median(trendMs) / median(bareMs), 1)}x the bare read`,
);
