import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.ts';
import { makeStyle } from '../../src/core/style.ts';
import { collectReport } from '../../src/dashboard/collect.ts';
import { renderPage } from '../../src/dashboard/page.ts';
import { isLoopback } from '../../src/dashboard/server.ts';
import { reportStage } from '../../src/demo/stages/report.ts';
import { openStore } from '../../src/store/open.ts';
import { seedHistory } from './seed.ts';

describe('dashboard pieces', () => {
  it('knows loopback addresses from the rest', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'])
      expect(isLoopback(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.5', 'example.com', '128.0.0.1'])
      expect(isLoopback(host)).toBe(false);
  });

  it('finds the p95 step where it was made, and no change in a steady series', async () => {
    const store = await openStore(join(mkdtempSync(join(tmpdir(), 'shipgate-collect-')), 's.db'));
    try {
      const seeded = await seedHistory(store, 90);
      const data = await collectReport(store, { since: seeded.from, now: seeded.to });
      const charts = data.sections.flatMap((s) => s.charts);
      const p95 = charts.find((c) => c.kind === 'load' && c.metric === 'p95_ms');
      expect(p95?.changePoints).toHaveLength(1);
      const shiftAt = Math.round((seeded.from.getTime() + seeded.shiftDay * 86_400_000) / 1000);
      expect(p95?.changePoints[0]?.x).toBe(shiftAt);
      expect(p95?.changePoints[0]?.changePct).toBeGreaterThan(30);
      expect(charts.find((c) => c.kind === 'load' && c.metric === 'rps')?.changePoints).toEqual([]);
      // derived from the tests' counts
      expect(charts.find((c) => c.metric === 'pass_rate')?.values.every((v) => v !== null && v > 99)).toBe(
        true,
      );
    } finally {
      await store.close();
    }
  });

  it('escapes what the store holds and cannot be broken out of its data script', async () => {
    const store = await openStore(join(mkdtempSync(join(tmpdir(), 'shipgate-escape-')), 's.db'));
    try {
      const { environmentFingerprint } = await import('../../src/core/environment.ts');
      await store.recordRun({
        kind: '<img src=x onerror=alert(1)>',
        verdict: 'fail',
        summary: '</script><script>alert(2)</script>',
        startedAt: new Date(),
        finishedAt: new Date(),
        environment: environmentFingerprint(),
        figures: { n: 1 },
        labels: { env: '"><b>x</b>' },
        result: {},
      });
      const html = renderPage(await collectReport(store, { since: new Date(Date.now() - 86_400_000) }));
      expect(html).not.toContain('<img src=x');
      expect(html).not.toContain('</script><script>alert(2)');
      expect(html).not.toContain('"><b>x</b>');
    } finally {
      await store.close();
    }
  });

  it('the demo stage writes the report over the stores the stages left', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'shipgate-demo-report-'));
    const perf = await openStore(join(workspace, 'perf.db'));
    await seedHistory(perf, 20, new Date(Date.now() - 86_400_000));
    await perf.close();
    mkdirSync(join(workspace, '.shipgate'));
    const outcome = await reportStage.run({
      workspace,
      service: { url: 'http://127.0.0.1:1', version: '1.0.0' },
      credentials: { username: 'admin', password: 'x' },
      log: createLogger({ level: 'warn', style: makeStyle(false) }),
    });
    expect(outcome.verdict).toBe('pass');
    const file = join(workspace, 'reports', 'history', 'index.html');
    expect(outcome.summary).toContain(file);
    expect(outcome.figures.runs).toBeGreaterThan(80);
    expect(readFileSync(file, 'utf8')).toContain('shipgate demo — history');
  });
});
