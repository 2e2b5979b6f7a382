import { describe, expect, it } from 'vitest';
import {
  isDrifting,
  type LinearTrend,
  linearTrend,
  type TrendPoint,
  theilSen,
} from '../../src/load/trend.ts';
import { rng } from '../helpers/random.ts';

/** Standard normal noise (Box-Muller). */
function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function series(n: number, f: (x: number) => number): TrendPoint[] {
  return Array.from({ length: n }, (_, x) => ({ x, y: f(x) }));
}

function fitted(points: TrendPoint[], confidence?: number): LinearTrend {
  const t = linearTrend(points, confidence);
  if (!t.sufficient) throw new Error(t.reason);
  return t;
}

describe('linearTrend', () => {
  it('recovers an exact line with a zero-width interval', () => {
    const t = fitted(series(10, (x) => 3 * x + 7));
    expect(t.slope).toBeCloseTo(3, 12);
    expect(t.intercept).toBeCloseTo(7, 12);
    expect(t.r2).toBeCloseTo(1, 12);
    expect(t.residualStdDev).toBeLessThan(1e-9);
    expect(t.slopeHigh - t.slopeLow).toBeLessThan(1e-9);
    expect(t.n).toBe(10);
  });

  it('computes the textbook interval (hand-checked small example)', () => {
    // x = 1..5, y = 2, 4, 5, 4, 5: slope 0.6, intercept 2.2, SSE 2.4, s = sqrt(0.8), Sxx = 10.
    const t = fitted([
      { x: 1, y: 2 },
      { x: 2, y: 4 },
      { x: 3, y: 5 },
      { x: 4, y: 4 },
      { x: 5, y: 5 },
    ]);
    expect(t.slope).toBeCloseTo(0.6, 12);
    expect(t.intercept).toBeCloseTo(2.2, 12);
    expect(t.residualStdDev).toBeCloseTo(Math.sqrt(0.8), 12);
    const half = 3.182446 * Math.sqrt(0.8 / 10);
    expect(t.slopeLow).toBeCloseTo(0.6 - half, 5);
    expect(t.slopeHigh).toBeCloseTo(0.6 + half, 5);
    expect(t.r2).toBeCloseTo(0.6, 12);
  });

  it('is stable with epoch-millisecond x values', () => {
    const t0 = 1_780_000_000_000;
    const t = fitted(series(100, (i) => 50 + 0.5 * i).map((p) => ({ x: t0 + p.x * 60_000, y: p.y })));
    expect(t.slope * 60_000).toBeCloseTo(0.5, 9);
  });

  it('a noisy flat series: the interval contains 0 and it is not drifting', () => {
    const noise = gaussian(rng(1));
    const t = fitted(series(120, () => 20 + 2 * noise()));
    expect(t.slopeLow).toBeLessThan(0);
    expect(t.slopeHigh).toBeGreaterThan(0);
    expect(isDrifting(t, 0.01)).toBe(false);
    expect(isDrifting(t, 0)).toBe(false);
  });

  it('a noisy rising series is drifting', () => {
    const noise = gaussian(rng(2));
    const t = fitted(series(120, (x) => 20 + 0.1 * x + 2 * noise()));
    expect(t.slopeLow).toBeGreaterThan(0.05);
    expect(isDrifting(t, 0.05)).toBe(true);
    // A threshold above what the data can confirm must not fire.
    expect(isDrifting(t, 0.2)).toBe(false);
  });

  it('a falling series drifts against a negative threshold only', () => {
    const noise = gaussian(rng(3));
    const t = fitted(series(120, (x) => 1000 - 2 * x + 5 * noise()));
    expect(isDrifting(t, -1)).toBe(true);
    expect(isDrifting(t, 1)).toBe(false);
  });

  it('a higher confidence widens the interval', () => {
    const noise = gaussian(rng(4));
    const pts = series(30, (x) => x + noise());
    const a = fitted(pts, 0.9);
    const b = fitted(pts, 0.99);
    expect(b.slopeHigh - b.slopeLow).toBeGreaterThan(a.slopeHigh - a.slopeLow);
  });

  it('fewer than 3 points or no spread in x: explicit "not enough data", never NaN', () => {
    for (const pts of [[], [{ x: 1, y: 1 }], series(2, (x) => x)]) {
      const t = linearTrend(pts);
      expect(t.sufficient).toBe(false);
      if (!t.sufficient) expect(t.reason).toMatch(/not enough data/);
      expect(isDrifting(t, 0)).toBe(false);
    }
    const sameX = linearTrend([
      { x: 5, y: 1 },
      { x: 5, y: 2 },
      { x: 5, y: 3 },
    ]);
    expect(sameX.sufficient).toBe(false);
  });

  it('rejects non-finite points and bad confidence', () => {
    expect(() => linearTrend([...series(3, (x) => x), { x: 4, y: Number.NaN }])).toThrow(RangeError);
    expect(() =>
      linearTrend(
        series(5, (x) => x),
        1,
      ),
    ).toThrow(RangeError);
  });
});

describe('theilSen', () => {
  it('recovers an exact line', () => {
    const t = theilSen(series(20, (x) => -2 * x + 40));
    expect(t.sufficient && t.slope).toBeCloseTo(-2, 12);
    expect(t.sufficient && t.intercept).toBeCloseTo(40, 12);
  });

  it('ignores one huge spike in a flat series, where OLS does not', () => {
    const noise = gaussian(rng(5));
    const pts = series(60, () => 20 + 0.5 * noise());
    (pts[55] as TrendPoint).y = 5000;
    const robust = theilSen(pts);
    if (!robust.sufficient) throw new Error(robust.reason);
    expect(Math.abs(robust.slope)).toBeLessThan(0.02);
    expect(robust.intercept).toBeCloseTo(20, 0);
    expect(Math.abs(fitted(pts).slope)).toBeGreaterThan(1);
  });

  it('handles even and odd pair counts and ties in x', () => {
    const t = theilSen([
      { x: 0, y: 0 },
      { x: 1, y: 1 },
      { x: 1, y: 3 },
      { x: 2, y: 2 },
    ]);
    // Slopes of pairs with distinct x: 1, 3, 1, 1, -1 → median 1.
    expect(t.sufficient && t.slope).toBe(1);
  });

  it('says "not enough data" for fewer than 2 points or a single x', () => {
    expect(theilSen([{ x: 1, y: 1 }]).sufficient).toBe(false);
    const same = theilSen([
      { x: 1, y: 1 },
      { x: 1, y: 2 },
    ]);
    expect(same.sufficient).toBe(false);
    if (!same.sufficient) expect(same.reason).toMatch(/not enough data/);
  });
});
