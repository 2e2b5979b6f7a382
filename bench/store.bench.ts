// History store write cost: shipgate's SQLite store (redaction, figures table, JSON, one
// transaction per run) against a bare node:sqlite INSERT of the same JSON per run — the
// overhead the store's guarantees cost. Both on a fresh file, WAL, same machine, interleaved.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentFingerprint } from '../src/core/environment.ts';
import { loadSqlite } from '../src/core/sqlite.ts';
import { openStore } from '../src/store/index.ts';
import { fmt, median } from './util.ts';

const N = 2000;
const dir = mkdtempSync(join(tmpdir(), 'shipgate-bench-store-'));
const environment = environmentFingerprint();
const result = {
  kind: 'load',
  metrics: { p95: 12.5, rps: 1500 },
  series: Array.from({ length: 60 }, (_, i) => ({ t: i, rps: 1500 + i })),
};
const run = (i: number) => ({
  kind: 'load',
  verdict: 'pass' as const,
  summary: `run ${i}`,
  startedAt: new Date(),
  finishedAt: new Date(),
  environment,
  figures: { p95_ms: 12.5 + i, rps: 1500, error_rate: 0 },
  labels: { scenario: 'bench' },
  result,
});

async function shipgateStore(round: number): Promise<number> {
  const store = await openStore(join(dir, `store-${round}.db`));
  const t = performance.now();
  for (let i = 0; i < N; i++) await store.recordRun(run(i));
  const ms = performance.now() - t;
  await store.close();
  return ms;
}

async function bareInsert(round: number): Promise<number> {
  const { DatabaseSync } = await loadSqlite();
  const db = new DatabaseSync(join(dir, `bare-${round}.db`));
  db.exec('PRAGMA journal_mode=WAL; CREATE TABLE runs (id INTEGER PRIMARY KEY, kind TEXT, body TEXT)');
  const insert = db.prepare('INSERT INTO runs (kind, body) VALUES (?, ?)');
  const t = performance.now();
  for (let i = 0; i < N; i++) insert.run('load', JSON.stringify(run(i)));
  const ms = performance.now() - t;
  db.close();
  return ms;
}

const rounds = 5;
const ours: number[] = [];
const bare: number[] = [];
for (let r = 0; r < rounds; r++) {
  bare.push(await bareInsert(r));
  ours.push(await shipgateStore(r));
}
const perRun = (ms: number) => (ms * 1000) / N;
console.log(`bare node:sqlite INSERT   ${fmt(perRun(median(bare)), 1)} µs/run`);
console.log(
  `shipgate SQLite store     ${fmt(perRun(median(ours)), 1)} µs/run  = ${fmt(median(ours) / median(bare))}x the bare insert (${Math.round(N / (median(ours) / 1000))} runs/s)`,
);
