import { join } from 'node:path';
import { startSampleService } from '../../../examples/sample-service/server.ts';
import { makeEnvelope } from '../../core/envelope.ts';
import type { Verdict } from '../../core/verdict.ts';
import { loadKind } from '../../load/result.ts';
import { loadTest } from '../../load/tests.ts';
import { recordLoadResult } from '../../perf/baselines.ts';
import { compareResults } from '../../perf/compare.ts';
import type { LoadEnvelope } from '../../perf/metrics.ts';
import { compareDocumentForComment } from '../../perf/report.ts';
import { renderMarkdown } from '../../report/markdown.ts';
import { openStore } from '../../store/open.ts';
import type { DemoContext, DemoStage } from '../stage.ts';
import { apiScenario } from './load.ts';

const RUN_MS = 3000;
const WINDOW_MS = 250;
const ADDED_LATENCY_MS = 40;

async function measure(ctx: DemoContext, baseUrl: string): Promise<LoadEnvelope> {
  const startedAt = new Date();
  const test = await loadTest({ ...apiScenario(ctx, 4, RUN_MS), baseUrl }, [], { windowMs: WINDOW_MS });
  return makeEnvelope(loadKind, {
    verdict: test.verdict,
    summary: test.summary,
    startedAt,
    warnings: test.warnings,
    fields: test.fields,
  }) as unknown as LoadEnvelope;
}

/**
 * Baselines the sample service, then measures a build of it that is slower by 40 ms a call and
 * lets the regression gate judge it, showing the Markdown a PR comment would carry. The demo
 * passes when the gate catches the slowdown.
 */
export const compareStage: DemoStage = {
  id: 'compare',
  title: 'Baseline and regression gate',
  async run(ctx) {
    const store = await openStore(join(ctx.workspace, 'perf.db'));
    const slowed = await startSampleService({
      port: 0,
      latency: { minMs: ADDED_LATENCY_MS, maxMs: ADDED_LATENCY_MS },
      username: ctx.credentials.username,
      password: ctx.credentials.password,
    });
    try {
      const baseline = await measure(ctx, ctx.service.url);
      const baselineRun = await recordLoadResult(store, baseline);
      await store.setBaseline('main', baselineRun, 'demo: the sample service as shipped');
      const current = await measure(ctx, slowed.url);
      const currentRun = await recordLoadResult(store, current);
      const c = compareResults(
        { ref: 'name:main', runId: baselineRun, result: baseline },
        { ref: `slowed build (+${ADDED_LATENCY_MS} ms)`, runId: currentRun, result: current },
        { thresholdPct: 10 },
      );
      const doc = compareDocumentForComment(c.fields, c.verdict, c.summary, c.warnings);
      const caught = c.verdict === 'fail';
      const verdict: Verdict = caught ? 'pass' : c.verdict === 'inconclusive' ? 'inconclusive' : 'fail';
      return {
        verdict,
        summary: caught
          ? `the gate caught the slowed build: ${c.summary}`
          : `the gate did not catch a ${ADDED_LATENCY_MS} ms slowdown: ${c.summary}`,
        blocks: [
          ...doc.blocks,
          { type: 'code', title: 'The PR comment (Markdown)', lang: 'markdown', text: renderMarkdown(doc) },
        ],
        figures: {
          regressions: c.fields.summary_counts.regression_count,
          baseline_p50_ms: round(baseline.metrics.latencyMs.p50),
          current_p50_ms: round(current.metrics.latencyMs.p50),
        },
      };
    } finally {
      await slowed.close();
      await store.close();
    }
  },
};

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
