import { formatDuration } from '../../core/units.ts';
import { loginAuth } from '../../load/plan.ts';
import { loadDocument } from '../../load/report.ts';
import { loadTest, stressTest } from '../../load/tests.ts';
import { parseThreshold } from '../../load/thresholds.ts';
import type { Scenario } from '../../load/types.ts';
import type { DemoContext, DemoStage, StageOutcome } from '../stage.ts';

/** The sample service's API as a scenario: a login per virtual user, then a weighted request mix. */
export function apiScenario(ctx: DemoContext, users: number, durationMs: number): Scenario {
  return {
    name: 'sample-api',
    baseUrl: ctx.service.url,
    requests: [
      { name: 'status', method: 'GET', path: '/api/status', headers: {}, weight: 3, expectStatus: [200] },
      {
        name: 'networks',
        method: 'GET',
        path: '/api/wifi/networks?limit=20',
        headers: {},
        weight: 1,
        expectStatus: [200],
      },
      {
        name: 'devices',
        method: 'GET',
        path: '/api/bluetooth/devices?limit=20',
        headers: {},
        weight: 1,
        expectStatus: [200],
      },
    ],
    auth: loginAuth({ path: '/token', ...ctx.credentials }),
    model: { kind: 'closed', users, rampUpMs: 500, thinkTimeMs: 0 },
    durationMs,
    timeoutMs: 5000,
  };
}

function stageOf(
  outcome: Awaited<ReturnType<typeof loadTest>>,
  figures: Record<string, number>,
): StageOutcome {
  const doc = loadDocument(outcome.fields, outcome.verdict, outcome.summary, outcome.warnings);
  return { verdict: outcome.verdict, summary: outcome.summary, blocks: doc.blocks, figures };
}

export const loadStage: DemoStage = {
  id: 'load',
  title: 'Load test',
  async run(ctx) {
    const outcome = await loadTest(apiScenario(ctx, 8, 4000), [
      parseThreshold('http_req_duration: p(95)<2000'),
      parseThreshold('http_req_failed: rate<0.01'),
      parseThreshold('http_req_duration{name:networks}: p(99)<2000'),
    ]);
    const m = outcome.fields.metrics;
    return stageOf(outcome, {
      requests: m.completed,
      rps: round(m.rps),
      p95_ms: round(m.latencyMs.p95),
      error_rate: m.errorRate,
    });
  },
};

export const stressStage: DemoStage = {
  id: 'stress',
  title: 'Stress test',
  async run(ctx) {
    const stepMs = 1000;
    const outcome = await stressTest(apiScenario(ctx, 1, stepMs), {
      unit: 'users',
      max: 64,
      stepDurationMs: stepMs,
      maxErrorRate: 0.05,
      maxP95Ms: 2000,
    });
    const s = outcome.fields.stress;
    const result = stageOf(outcome, {
      steps: s?.steps.length ?? 0,
      max_sustainable_rps: round(s?.maxSustainableRps ?? 0),
      ...(s?.lastGood ? { last_good_users: s.lastGood.level } : {}),
    });
    result.summary = `${outcome.summary} (${s?.steps.length ?? 0} steps of ${formatDuration(stepMs)})`;
    return result;
  },
};

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
