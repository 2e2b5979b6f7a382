import { mean } from './bootstrap.ts';
import type { MetricSamples } from './metrics.ts';

/**
 * A runner's noise band: how far apart identical runs of one scenario land on this machine.
 * Bencher's `noise` measures machine jitter but never feeds a verdict; here the band does. A
 * comparison whose threshold is below the band cannot tell a regression from a bad minute and
 * says so (inconclusive) instead of guessing.
 *
 * Per metric, the band is the 95th percentile (nearest rank) of |relative difference| between the
 * window means of every pair of runs — with 5 runs, 10 pairs, so in practice close to the worst.
 */
export function noiseBand(runs: ReadonlyArray<readonly MetricSamples[]>): Record<string, number> {
  const byMetric = new Map<string, number[]>();
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      for (const a of runs[i] ?? []) {
        const b = runs[j]?.find((s) => s.metric === a.metric);
        if (!b || a.windows.length === 0 || b.windows.length === 0) continue;
        const ma = mean(a.windows);
        const mb = mean(b.windows);
        // A percentage of zero does not exist; zero baselines are judged on absolute differences anyway.
        if (ma === 0 || mb === 0) continue;
        // Relative to the smaller of the two: the larger of "A to B" and "B to A", so order never matters.
        const diff = (Math.abs(mb - ma) / Math.min(Math.abs(ma), Math.abs(mb))) * 100;
        byMetric.set(a.metric, [...(byMetric.get(a.metric) ?? []), diff]);
      }
    }
  }
  const band: Record<string, number> = {};
  for (const [metric, diffs] of byMetric) {
    diffs.sort((x, y) => x - y);
    band[metric] = Math.round((diffs[Math.ceil(0.95 * diffs.length) - 1] as number) * 100) / 100;
  }
  return band;
}

/** Store figure names of a calibration, and back: `noise_p95_ms_pct`. */
export const noiseFigure = (metric: string): string => `noise_${metric}_pct`;

export function bandFromFigures(figures: Record<string, number>): Record<string, number> {
  const band: Record<string, number> = {};
  for (const [name, value] of Object.entries(figures)) {
    const m = /^noise_(.+)_pct$/.exec(name);
    if (m?.[1]) band[m[1]] = value;
  }
  return band;
}
