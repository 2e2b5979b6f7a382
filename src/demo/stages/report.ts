import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/fs.ts';
import { collectReport } from '../../dashboard/collect.ts';
import { renderPage } from '../../dashboard/page.ts';
import { openStore } from '../../store/open.ts';
import type { Store } from '../../store/store.ts';
import type { DemoStage } from '../stage.ts';

/** The stores the demo's stages recorded into, and the demo's own (earlier runs with --dir). */
const STORES = ['perf.db', 'monitor.db', join('.shipgate', 'shipgate.db')];
const YEAR_MS = 365 * 86_400_000;

/**
 * What `shipgate report --html` writes, over what the demo recorded: the load runs of the
 * baseline and the slowed build, the monitor's alerts, and earlier demo runs when the workspace is
 * reused. Last, so it sees everything the stages before it left.
 */
export const reportStage: DemoStage = {
  id: 'report',
  title: 'HTML report',
  async run(ctx) {
    const stores: Store[] = [];
    try {
      for (const file of STORES.map((f) => join(ctx.workspace, f)).filter((f) => existsSync(f)))
        stores.push(await openStore(file, { env: {} }));
      const now = new Date();
      const data = await collectReport(stores, { since: new Date(now.getTime() - YEAR_MS), now });
      const file = join(ctx.workspace, 'reports', 'history', 'index.html');
      writeFileAtomic(file, renderPage(data, { title: 'shipgate demo — history' }));
      const charts = data.sections.reduce((n, s) => n + s.charts.length, 0);
      return {
        verdict: data.runs > 0 ? 'pass' : 'warn',
        summary: `${data.runs} recorded runs, ${charts} charts, ${data.alerts.length} alert events: ${file}`,
        blocks: [
          {
            type: 'fields',
            fields: [
              ['HTML report', file],
              ['stores read', stores.length],
            ],
          },
        ],
        figures: { runs: data.runs, charts, alerts: data.alerts.length },
      };
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  },
};
