import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ServiceProcess, spawnService } from '../../src/core/child.ts';
import { environmentFingerprint } from '../../src/core/environment.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { ROOT, runCli } from '../helpers/cli.ts';
import { postgresHarness } from '../store/harness.ts';
import { seedHistory } from './seed.ts';

/**
 * The dashboard as a browser sees it: Debian's chromium driven by playwright-core, against a store
 * with a year of nightly history. Screenshots go to a temporary folder (printed), not the repo.
 */
const CHROMIUM = '/usr/bin/chromium';
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const SHOTS = mkdtempSync(join(tmpdir(), 'shipgate-dashboard-shots-'));
const pgUrl = inject('postgresUrl');

function startDashboard(
  store: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<ServiceProcess> {
  return spawnService(
    process.execPath,
    [MAIN, 'dashboard', '--port', '0', '--store', store, '--since', '400d', ...extra],
    {
      ready: /dashboard on (http:\/\/\S+)/,
      timeoutMs: 20_000,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
    },
  );
}

async function visit(browser: Browser, url: string, shot: string, viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  const t0 = performance.now();
  const response = await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('[data-rendered]');
  const loadMs = performance.now() - t0;
  // Charts below the fold are drawn as they scroll into view: scroll through the page once.
  // (Browser code as text: the test's TypeScript has no DOM types.)
  await page.evaluate(`(async () => {
    for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
      scrollTo(0, y);
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 10)));
    }
  })()`);
  const timing = (await page.evaluate(`(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return { server: n.responseStart - n.requestStart };
  })()`)) as { server: number };
  console.log(
    `${shot}: ${Math.round(loadMs)} ms to load and first charts drawn, server ${Math.round(timing.server)} ms`,
  );
  const rendered = await page.$$eval('[data-chart]', (els) =>
    els.map((e) => Number(e.getAttribute('data-rendered') ?? 0)),
  );
  const canvases = await page.locator('.plot canvas').count();
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, shot), fullPage: true });
  return { page, errors, loadMs, serverMs: timing.server, rendered, canvases, status: response?.status() };
}

describe('shipgate dashboard in a browser', () => {
  let browser: Browser;
  let dir: string;
  let storePath: string;
  let store: Store;
  let seeded: Awaited<ReturnType<typeof seedHistory>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shipgate-dashboard-'));
    storePath = join(dir, 'year.db');
    store = await openStore(storePath);
    seeded = await seedHistory(store, 365, new Date(Date.now() - 86_400_000));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    console.log(`dashboard screenshots: ${SHOTS}`);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  it('serves a year of history: no console errors, every chart drawn with its points, in bounded time', async () => {
    const dashboard = await startDashboard(storePath);
    try {
      const url = dashboard.ready[1] as string;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const desk = await visit(browser, url, 'dashboard-desktop.png');
      expect(desk.status).toBe(200);
      expect(desk.errors).toEqual([]);
      expect(desk.canvases).toBeGreaterThanOrEqual(10);
      expect(desk.rendered.every((n) => n > 0)).toBe(true);
      expect(Math.max(...desk.rendered)).toBe(365);
      // The server's part is what a year of history costs; bench/dashboard.bench.ts measures the
      // whole page on a quiet machine. Here only a generous bound, as CI runners are shared.
      expect(desk.serverMs).toBeLessThan(2000);
      expect(desk.loadMs).toBeLessThan(5000);
      // The p95 step is found and marked.
      expect(
        await desk.page.locator('figure', { hasText: 'load · api · p95_ms' }).locator('.changes li').count(),
      ).toBe(1);
      expect(await desk.page.locator('#tests-detail').innerText()).toContain(
        'test/cache.test.ts › expires entries',
      );
      expect(await desk.page.locator('#deploys table').innerText()).toContain('rolled back');
      expect(await desk.page.locator('#alerts').innerText()).toContain('health_check answered in 2.7 s');

      const phone = await visit(browser, url, 'dashboard-phone.png', { width: 390, height: 844 });
      expect(phone.errors).toEqual([]);
      // Readable on a phone: nothing wider than the screen except inside scrolling tables.
      const overflow = await phone.page.evaluate('document.documentElement.scrollWidth');
      expect(overflow).toBeLessThanOrEqual(390);
    } finally {
      await dashboard.stop();
    }
  }, 60_000);

  it('refreshes on its own when a new run is recorded', async () => {
    const dashboard = await startDashboard(storePath, ['--refresh', '1s']);
    try {
      const { page, errors } = await visit(browser, dashboard.ready[1] as string, 'dashboard-refresh.png');
      const before = await page.locator('#updated').innerText();
      expect(before).toContain(`${seeded.runs} runs`);
      await store.recordRun({
        kind: 'load',
        verdict: 'fail',
        summary: 'p95 420 ms',
        startedAt: new Date(),
        finishedAt: new Date(),
        environment: environmentFingerprint(),
        figures: { p95_ms: 420 },
        labels: { scenario: 'api' },
        result: {},
      });
      // Polled from here: the page's CSP rightly refuses the eval that waitForFunction would need.
      const deadline = Date.now() + 10_000;
      while (!(await page.locator('#updated').innerText()).startsWith(`${seeded.runs + 1} runs`)) {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(errors).toEqual([]);
      await page.waitForSelector('[data-rendered]', { timeout: 5000 });
    } finally {
      await dashboard.stop();
    }
  }, 30_000);

  it('is read-only and, off loopback, demands the token', async () => {
    const refused = await runCli(['dashboard', '--host', '0.0.0.0', '--port', '0', '--store', storePath]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refusing to serve the dashboard on 0.0.0.0 without a token');

    const token = 'dash-token-1234567890';
    const dashboard = await startDashboard(storePath, ['--host', '0.0.0.0'], {
      SHIPGATE_DASHBOARD_TOKEN: token,
    });
    try {
      const url = (dashboard.ready[1] as string).replace('0.0.0.0', '127.0.0.1');
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(`${url}api/report`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(
        401,
      );
      expect(
        (await fetch(`${url}api/report`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(200);
      expect(
        (await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(405);
      const { page, errors, status } = await visit(browser, `${url}?token=${token}`, 'dashboard-token.png');
      expect(status).toBe(200);
      expect(page.url()).not.toContain(token);
      expect(errors).toEqual([]);
      const html = await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).text();
      expect(html).not.toContain(token);
    } finally {
      await dashboard.stop();
    }
  }, 30_000);

  it.skipIf(pgUrl === null)(
    'reads a PostgreSQL store the same way',
    async () => {
      const harness = postgresHarness(pgUrl ?? '');
      try {
        const location = await harness.freshLocation();
        const pg = await openStore(location);
        await seedHistory(pg, 60, new Date(Date.now() - 86_400_000));
        await pg.close();
        const dashboard = await startDashboard(location);
        try {
          const { errors, canvases, rendered } = await visit(
            browser,
            dashboard.ready[1] as string,
            'dashboard-postgres.png',
          );
          expect(errors).toEqual([]);
          expect(canvases).toBeGreaterThan(5);
          expect(Math.max(...rendered)).toBe(60);
        } finally {
          await dashboard.stop();
        }
      } finally {
        await harness.cleanup();
      }
    },
    60_000,
  );
});
