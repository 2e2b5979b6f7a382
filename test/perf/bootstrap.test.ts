import { describe, expect, it } from 'vitest';
import { blockLength, bootstrapMean, bootstrapTwoSample, winsorize } from '../../src/perf/bootstrap.ts';
import { samplesOf } from '../../src/perf/metrics.ts';
import { syntheticResult } from './synthetic.ts';

const p95Windows = (seed: number, autocorrelation: number, windows = 40) =>
  samplesOf(syntheticResult({ seed, windows, noise: 0.05, autocorrelation })).find(
    (s) => s.metric === 'p95_ms',
  )?.windows as number[];

function coverage(autocorrelation: number, fixed?: number): number {
  let covered = 0;
  const trials = 200;
  for (let i = 0; i < trials; i++) {
    const ci = bootstrapTwoSample(
      p95Windows(1000 + i, autocorrelation),
      p95Windows(5000 + i, autocorrelation),
      (a, b) => b / a - 1,
      {
        seed: i,
        ...(fixed ? { blockLength: fixed } : {}),
      },
    );
    if (ci.lo <= 0 && ci.hi >= 0) covered++;
  }
  return covered / trials;
}

describe('block bootstrap', () => {
  it('chooses longer blocks for autocorrelated windows than for independent ones', () => {
    const independent = blockLength(p95Windows(7, 0, 200));
    const sticky = blockLength(p95Windows(7, 0.8, 200));
    expect(independent).toBeLessThanOrEqual(3);
    expect(sticky).toBeGreaterThan(independent + 2);
    expect(blockLength([1, 1, 1, 1, 1, 1])).toBe(1);
  });

  it('covers the true (zero) change of A/A runs about 95 % of the time where single-window resampling does not', () => {
    const blocks = coverage(0.6);
    const singles = coverage(0.6, 1);
    expect(blocks).toBeGreaterThan(0.85);
    expect(singles).toBeLessThan(0.8);
  });

  it('bootstraps a mean of independent values with the right width', () => {
    const values = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 1 : -1));
    const ci = bootstrapMean(values, { seed: 3, resamples: 4000 });
    // sd 1, n 50: the 95 % interval of the mean is about ±0.28.
    expect(ci.lo).toBeGreaterThan(-0.36);
    expect(ci.lo).toBeLessThan(-0.2);
    expect(ci.hi).toBeGreaterThan(0.2);
    expect(ci.hi).toBeLessThan(0.36);
  });
});

describe('winsorize', () => {
  it('pulls a stalled window in to the outer fence and leaves ordinary ones alone', () => {
    const windows = [8.4, 10.2, 19.3, 16.7, 13.4, 7.7, 15.4, 9.3, 186];
    const { values, clamped } = winsorize(windows);
    expect(clamped).toBe(1);
    expect(values.slice(0, 8)).toEqual(windows.slice(0, 8));
    // Q1 9.3, Q3 16.7: the outer fence is 16.7 + 3 × 7.4.
    expect(values[8]).toBeCloseTo(38.9, 6);
  });

  it('keeps a real shift: half the windows at a new level are not outliers', () => {
    const windows = [10, 10, 11, 10, 30, 31, 30, 29];
    expect(winsorize(windows)).toEqual({ values: windows, clamped: 0 });
  });
});
