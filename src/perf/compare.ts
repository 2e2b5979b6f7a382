import type { z } from 'zod';
import type { Verdict } from '../core/verdict.ts';
import { type FingerprintDifference, fingerprintDifferences, fingerprintOf } from './fingerprint.ts';
import { type JudgeOptions, judgeRuns, type MetricComparison, tailOnly } from './judge.ts';
import { type LoadEnvelope, samplesOf } from './metrics.ts';
import type { compareKind } from './result.ts';

export type CompareFields = z.infer<typeof compareKind.fields>;

export interface Comparison {
  verdict: Verdict;
  summary: string;
  fields: CompareFields;
  warnings: string[];
}

export interface Side {
  ref: string;
  runId?: number;
  result?: LoadEnvelope;
}

/** Compares a current load result against a baseline result, metric by metric. */
export function compareResults(
  baseline: Side & { result: LoadEnvelope },
  current: Side & { result: LoadEnvelope },
  options: JudgeOptions,
): Comparison {
  const base = samplesOf(baseline.result);
  const cur = new Map(samplesOf(current.result).map((s) => [s.metric, s]));
  const results: MetricComparison[] = [];
  for (const b of base) {
    const c = cur.get(b.metric);
    if (c) results.push(judgeRuns(b, c, options));
  }
  const baseFp = fingerprintOf(baseline.result);
  const curFp = fingerprintOf(current.result);
  return assemble({
    mode: 'results',
    results,
    options,
    baseline: {
      ref: baseline.ref,
      ...(baseline.runId ? { runId: baseline.runId } : {}),
      fingerprint: baseFp,
    },
    current: { ref: current.ref, ...(current.runId ? { runId: current.runId } : {}), fingerprint: curFp },
    differences: fingerprintDifferences(baseFp, curFp),
  });
}

export interface AssembleInput {
  mode: CompareFields['mode'];
  results: MetricComparison[];
  options: JudgeOptions;
  baseline: CompareFields['baseline'];
  current: CompareFields['current'];
  differences: FingerprintDifference[];
  rounds?: number;
}

/** Sorts metric verdicts into the seed's lists and decides the overall verdict. */
export function assemble(input: AssembleInput): Comparison {
  const { results, differences } = input;
  const of = (v: MetricComparison['verdict']) => results.filter((r) => r.verdict === v);
  const regressions = of('regression');
  const improvements = of('improvement');
  const unchanged = of('unchanged');
  const inconclusive = of('inconclusive');
  const blocking = differences.filter((d) => d.blocking);
  const warnings = differences
    .filter((d) => !d.blocking)
    .map((d) => `${d.field} differs: baseline ${d.baseline}, current ${d.current}`);
  const tail = tailOnly(results);

  let verdict: Verdict;
  let summary: string;
  const threshold = `${input.options.thresholdPct}%`;
  if (blocking.length > 0) {
    verdict = 'inconclusive';
    summary = `not comparable: ${blocking.map((d) => `${d.field} differs (baseline ${d.baseline}, current ${d.current})`).join('; ')}`;
  } else if (results.length === 0) {
    verdict = 'inconclusive';
    summary = 'no metric was measured in both results';
  } else if (regressions.length > 0) {
    verdict = 'fail';
    summary = `${tail ?? 'regression'}: ${regressions.map(describe).join(', ')} (threshold ${threshold})`;
  } else if (inconclusive.length > 0) {
    verdict = 'inconclusive';
    summary = `cannot tell for ${inconclusive.map((r) => r.metric).join(', ')}: ${inconclusive[0]?.reason ?? ''}`;
  } else {
    verdict = 'pass';
    summary =
      improvements.length > 0
        ? `no regression beyond ${threshold}; improved: ${improvements.map(describe).join(', ')}`
        : `no change beyond ${threshold} in ${results.length} metrics`;
  }
  return {
    verdict,
    summary,
    warnings,
    fields: {
      mode: input.mode,
      thresholdPct: input.options.thresholdPct,
      baseline: input.baseline,
      current: input.current,
      fingerprintDifferences: differences,
      ...(input.options.noiseBandPct ? { noiseBandPct: input.options.noiseBandPct } : {}),
      ...(input.rounds !== undefined ? { rounds: input.rounds } : {}),
      regression_detected: regressions.length > 0,
      improvement_detected: improvements.length > 0,
      regressions,
      improvements,
      unchanged,
      inconclusive,
      ...(tail ? { tailOnly: tail } : {}),
      summary_counts: {
        total_metrics: results.length,
        regression_count: regressions.length,
        improvement_count: improvements.length,
        unchanged_count: unchanged.length,
        inconclusive_count: inconclusive.length,
      },
    },
  };
}

function describe(r: MetricComparison): string {
  if (r.change === null) return `${r.metric} ${r.baseline} → ${r.current} ${r.unit}`;
  return `${r.metric} ${r.change > 0 ? '+' : ''}${r.change.toFixed(1)}%`;
}
