// Dashboard page load over a year of history: a store seeded with 365 nightly runs of load,
// coverage, tests, monitor and weekly deploys (~1,500 runs, ~8,000 figures). Anchor: a bare
// node:sqlite SELECT of the same runs and their figures — the least any view of that history
// must cost. Then the dashboard's GET / (collect, change points, tests report, render, over HTTP)
// and, when Debian's chromium is there, the whole page in a browser until the first charts are
// drawn. Interleaved rounds, medians.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSqlite } from '../src/core/sqlite.ts';
import { startDashboard } from '../src/dashboard/server.ts';
import { openStore } from '../src/store/index.ts';
import { seedHistory } from '../test/dashboard/seed.ts';
import { fmt, median } from './util.ts';

const ROUNDS = 15;
const dir = mkdtempSync(join(tmpdir(), 'shipgate-bench-dashboard-'));
const file = join(dir, 'year.db');
const store = await openStore(file);
const end = new Date(Date.now() - 86_400_000);
const seeded = await seedHistory(store, 365, end);
const since = new Date(Date.now() - 366 * 86_400_000);

const { DatabaseSync } = await loadSqlite();
const db = new DatabaseSync(file, { readOnly: true });
const select = db.prepare(
  'SELECT r.id, r.kind, r.verdict, r.summary, r.started_at, r.labels, f.name, f.value FROM runs r LEFT JOIN run_figures f ON f.run_id = r.id WHERE r.started_at >= ? ORDER BY r.started_at DESC',
);
function bareSelect(): number {
  const t = performance.now();
  const rows = select.all(since.getTime());
  if (rows.length < seeded.runs) throw new Error(`anchor read ${rows.length} rows`);
  return performance.now() - t;
}

const dashboard = await startDashboard({
  store,
  host: '127.0.0.1',
  port: 0,
  sinceMs: 366 * 86_400_000,
  refreshSeconds: 30,
});
async function pageLoad(): Promise<number> {
  const t = performance.now();
  const res = await fetch(dashboard.url);
  const html = await res.text();
  if (res.status !== 200 || !html.includes('p95_ms')) throw new Error(`dashboard answered ${res.status}`);
  return performance.now() - t;
}

await pageLoad(); // first request pays module compilation; measured separately below
const bare: number[] = [];
const page: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  bare.push(bareSelect());
  page.push(await pageLoad());
}
const bytes = (await (await fetch(dashboard.url)).text()).length;

console.log(`history: ${seeded.runs} runs over 365 days (SQLite), page ${Math.round(bytes / 1024)} KiB`);
console.log(`bare SELECT of the runs + figures  ${fmt(median(bare), 1)} ms`);
console.log(
  `dashboard GET / (HTTP, all views)   ${fmt(median(page), 1)} ms  = ${fmt(median(page) / median(bare), 1)}x the bare SELECT`,
);

const CHROMIUM = '/usr/bin/chromium';
if (existsSync(CHROMIUM)) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const tab = await context.newPage();
  const loads: number[] = [];
  for (let r = 0; r < 8; r++) {
    const t = performance.now();
    await tab.goto(dashboard.url, { waitUntil: 'load' });
    await tab.waitForSelector('[data-rendered]');
    loads.push(performance.now() - t);
  }
  await browser.close();
  console.log(
    `chromium: navigation → first charts ${fmt(median(loads), 0)} ms median (${fmt(Math.min(...loads), 0)}–${fmt(Math.max(...loads), 0)} ms) = ${fmt(median(loads) / median(bare), 1)}x the bare SELECT`,
  );
} else {
  console.log('chromium: not installed, browser load not measured');
}
await dashboard.close();
db.close();
await store.close();
