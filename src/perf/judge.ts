import { bootstrapMean, bootstrapTwoSample, type Interval, mean, seedOf, winsorize } from './bootstrap.ts';
import type { Direction, MetricSamples } from './metrics.ts';

/**
 * The decision rule, criterion.rs's ported to load tests and made to fail the process:
 *
 * - regression: the whole 95 % interval of the change lies beyond the threshold in the bad direction;
 * - improvement: the whole interval lies beyond it in the good direction;
 * - inconclusive: a regression of threshold size cannot be ruled out AND the interval is wider than
 *   the threshold — the runs are too noisy to tell (more windows, more rounds or a quieter runner
 *   help); also when there are too few samples or the threshold is below the runner's calibrated
 *   noise band;
 * - unchanged: otherwise.
 *
 * Changes and intervals are in percent of the baseline, signed as measured (+ means the number
 * went up); `direction` says whether up is bad.
 */

export type MetricVerdict = 'regression' | 'improvement' | 'unchanged' | 'inconclusive';

export interface MetricComparison {
  metric: string;
  unit: string;
  direction: Direction;
  baseline: number;
  current: number;
  /** Percent change of the compared statistic; null when the baseline is zero. */
  change: number | null;
  /** 95 % interval of `change` (percent); with a zero baseline, of the absolute difference. */
  ci: [number, number] | null;
  /** 'relative' (percent of baseline) or 'absolute' (zero baseline: difference in the metric's unit). */
  scale: 'relative' | 'absolute';
  verdict: MetricVerdict;
  reason?: string;
  /** Samples on each side, and how many were pulled in from beyond Tukey's outer fences. */
  samples: { baseline: number; current: number; clamped: number };
}

export interface JudgeOptions {
  /** Percent, e.g. 10. */
  thresholdPct: number;
  /** The runner's calibrated noise band per metric, in percent. */
  noiseBandPct?: Record<string, number>;
  resamples?: number;
  /** Fewest samples per side to judge at all. */
  minSamples?: number;
}

export const MIN_SAMPLES = 5;

/** Compares two runs' samples of one metric (windows of two separate runs). */
export function judgeRuns(base: MetricSamples, cur: MetricSamples, options: JudgeOptions): MetricComparison {
  const seed = seedOf(base.metric);
  const b = winsorize(base.windows);
  const c = winsorize(cur.windows);
  const bootstrap = (statistic: (b: number, c: number) => number) =>
    bootstrapTwoSample(b.values, c.values, statistic, {
      seed,
      ...(options.resamples ? { resamples: options.resamples } : {}),
    });
  return decide(
    base,
    cur,
    { baseline: base.windows.length, current: cur.windows.length, clamped: b.clamped + c.clamped },
    {
      relative: () => ({
        estimate: (mean(c.values) / mean(b.values) - 1) * 100,
        interval: scale(bootstrap((b, c) => c / b - 1)),
      }),
      absolute: () => ({
        estimate: mean(c.values) - mean(b.values),
        interval: bootstrap((b, c) => c - b),
      }),
      baseMean: () => mean(b.values),
      allZero: () => c.values.every((v) => v === 0),
    },
    options,
  );
}

/**
 * Compares paired rounds of an interleaved A/B run: `pairs[i]` is round i's [baseline, candidate]
 * value. Pairing cancels what drifts between rounds (other jobs on the runner, thermal state).
 */
export function judgePaired(
  base: Omit<MetricSamples, 'windows'>,
  cur: Omit<MetricSamples, 'windows'>,
  pairs: ReadonlyArray<readonly [number, number]>,
  options: JudgeOptions,
): MetricComparison {
  const seed = seedOf(base.metric);
  const boot = (values: number[]) =>
    bootstrapMean(values, { seed, ...(options.resamples ? { resamples: options.resamples } : {}) });
  const ratios = pairs.map(([b, c]) => (b === 0 ? Number.NaN : c / b - 1));
  const diffs = pairs.map(([b, c]) => c - b);
  return decide(
    base,
    cur,
    { baseline: pairs.length, current: pairs.length, clamped: 0 },
    {
      relative: () => ({ estimate: mean(ratios) * 100, interval: scale(boot(ratios)) }),
      absolute: () => ({ estimate: mean(diffs), interval: boot(diffs) }),
      baseMean: () => (pairs.some(([b]) => b === 0) ? 0 : mean(pairs.map(([b]) => b))),
      allZero: () => pairs.every(([, c]) => c === 0),
    },
    options,
  );
}

interface Estimator {
  relative(): { estimate: number; interval: Interval };
  absolute(): { estimate: number; interval: Interval };
  baseMean(): number;
  allZero(): boolean;
}

function decide(
  base: Omit<MetricSamples, 'windows'>,
  cur: Omit<MetricSamples, 'windows'>,
  samples: MetricComparison['samples'],
  estimator: Estimator,
  options: JudgeOptions,
): MetricComparison {
  const common = {
    metric: base.metric,
    unit: base.unit,
    direction: base.direction,
    baseline: base.overall,
    current: cur.overall,
    samples,
  };
  const minSamples = options.minSamples ?? MIN_SAMPLES;
  if (Math.min(samples.baseline, samples.current) < minSamples) {
    return {
      ...common,
      change: base.overall === 0 ? null : round((cur.overall / base.overall - 1) * 100),
      ci: null,
      scale: 'relative',
      verdict: 'inconclusive',
      reason: `too few samples (${samples.baseline} baseline, ${samples.current} current; need ${minSamples} each)`,
    };
  }
  const bad = base.direction === 'lower' ? 1 : -1;
  if (estimator.baseMean() === 0) {
    if (estimator.allZero()) {
      return { ...common, change: 0, ci: [0, 0], scale: 'relative', verdict: 'unchanged' };
    }
    // No percentage of zero exists: judge the absolute difference against "no change".
    const { interval } = estimator.absolute();
    const worseLo = bad > 0 ? interval.lo : -interval.hi;
    return {
      ...common,
      change: null,
      ci: [round(interval.lo), round(interval.hi)],
      scale: 'absolute',
      verdict: worseLo > 0 ? 'regression' : 'unchanged',
      reason: 'baseline is zero: judged on the absolute difference, which must exclude zero',
    };
  }
  const { estimate, interval } = estimator.relative();
  const threshold = options.thresholdPct;
  const worse = bad > 0 ? interval : { lo: -interval.hi, hi: -interval.lo };
  const halfWidth = (interval.hi - interval.lo) / 2;
  const band = options.noiseBandPct?.[base.metric];
  let verdict: MetricVerdict;
  let reason: string | undefined;
  if (worse.lo > threshold) verdict = 'regression';
  else if (worse.hi < -threshold) verdict = 'improvement';
  else if (worse.hi > threshold && halfWidth > threshold) {
    verdict = 'inconclusive';
    reason = `interval ±${halfWidth.toFixed(1)}% is wider than the ${threshold}% threshold: too noisy to tell`;
  } else verdict = 'unchanged';
  if (band !== undefined && band > threshold && verdict !== 'regression' && verdict !== 'improvement') {
    verdict = 'inconclusive';
    reason = `the ${threshold}% threshold is below this runner's calibrated noise band of ${band.toFixed(1)}%`;
  }
  return {
    ...common,
    change: round(estimate),
    ci: [round(interval.lo), round(interval.hi)],
    scale: 'relative',
    verdict,
    ...(reason ? { reason } : {}),
  };
}

function scale(i: Interval): Interval {
  return { lo: i.lo * 100, hi: i.hi * 100 };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Names a tail-only regression: p99 (or p95) regressed while p50 did not. */
export function tailOnly(results: readonly MetricComparison[]): string | undefined {
  const by = new Map(results.map((r) => [r.metric, r.verdict]));
  const tails = ['p95_ms', 'p99_ms'].filter((m) => by.get(m) === 'regression');
  if (tails.length === 0 || by.get('p50_ms') === 'regression' || !by.has('p50_ms')) return undefined;
  return `tail-only regression: ${tails.map((m) => m.replace('_ms', '')).join(' and ')} worse, p50 not`;
}
