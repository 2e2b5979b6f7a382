import { type EngineHooks, loadTest, type TestOutcome } from '../load/tests.ts';
import type { Scenario } from '../load/types.ts';
import { assemble, type Comparison } from './compare.ts';
import { type JudgeOptions, judgePaired, type MetricComparison } from './judge.ts';
import { type MetricSamples, samplesOf } from './metrics.ts';

export interface AbOptions extends JudgeOptions {
  /** The scenario of one round; its base URL is replaced by each side's. */
  scenario: Scenario;
  baselineUrl: string;
  candidateUrl: string;
  rounds: number;
  hooks?: EngineHooks;
  onRound?: (round: number, side: 'baseline' | 'candidate') => void;
}

/**
 * Interleaved A/B on one machine: short runs against A and B alternate (A B, B A, A B …, so neither
 * side always runs first, on a warmer cache or a quieter neighbour), and round i of A is compared
 * with round i of B. Whatever drifts across the minutes of the job drifts for both sides of a pair
 * and cancels in the ratio — the runner noise that makes run-against-stored-baseline comparisons
 * on shared CI machines so unreliable.
 */
export async function runAb(options: AbOptions): Promise<Comparison> {
  const perRound: Array<{ baseline: MetricSamples[]; candidate: MetricSamples[] }> = [];
  const warnings: string[] = [];
  let saturated = 0;
  for (let round = 0; round < options.rounds; round++) {
    const order: Array<'baseline' | 'candidate'> =
      round % 2 === 0 ? ['baseline', 'candidate'] : ['candidate', 'baseline'];
    const measured: Partial<Record<'baseline' | 'candidate', MetricSamples[]>> = {};
    for (const side of order) {
      options.onRound?.(round, side);
      const url = side === 'baseline' ? options.baselineUrl : options.candidateUrl;
      const outcome: TestOutcome = await loadTest({ ...options.scenario, baseUrl: url }, [], options.hooks);
      if (outcome.fields.generator.saturated) saturated++;
      measured[side] = samplesOf(outcome.fields);
    }
    perRound.push({ baseline: measured.baseline ?? [], candidate: measured.candidate ?? [] });
  }
  const results: MetricComparison[] = [];
  for (const first of perRound[0]?.baseline ?? []) {
    const pairs: Array<[number, number]> = [];
    for (const r of perRound) {
      const b = r.baseline.find((s) => s.metric === first.metric);
      const c = r.candidate.find((s) => s.metric === first.metric);
      if (b && c) pairs.push([b.overall, c.overall]);
    }
    const mean = (i: 0 | 1) => pairs.reduce((s, p) => s + p[i], 0) / pairs.length;
    const side = (i: 0 | 1) => ({
      metric: first.metric,
      unit: first.unit,
      direction: first.direction,
      overall: round(mean(i)),
    });
    results.push(judgePaired(side(0), side(1), pairs, { ...options, minSamples: options.minSamples ?? 3 }));
  }
  if (saturated > 0)
    warnings.push(`the load generator was saturated in ${saturated} of ${options.rounds * 2} runs`);
  const comparison = assemble({
    mode: 'ab',
    results,
    options,
    baseline: { ref: options.baselineUrl },
    current: { ref: options.candidateUrl },
    differences: [],
    rounds: options.rounds,
  });
  comparison.warnings.push(...warnings);
  if (saturated > 0 && comparison.verdict === 'pass') {
    comparison.verdict = 'inconclusive';
    comparison.summary = `inconclusive: ${warnings[0]}`;
  }
  return comparison;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
