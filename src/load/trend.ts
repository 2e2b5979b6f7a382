/**
 * Time-trend statistics for endurance (soak) runs: is latency, memory or error rate creeping up over
 * the hours? Ordinary least squares gives a slope with a Student-t confidence interval, so "drifting"
 * can be decided on the whole interval instead of on a noisy point estimate; Theil-Sen gives a slope
 * that one GC pause or a single slow window cannot drag around, for the headline number.
 */

import { studentTQuantile } from '../core/student-t.ts';

export interface TrendPoint {
  x: number;
  y: number;
}

/** Returned instead of NaNs when the data cannot support a fit. */
export interface NotEnoughData {
  sufficient: false;
  n: number;
  reason: string;
}

export interface LinearTrend {
  sufficient: true;
  /** y units per x unit. */
  slope: number;
  intercept: number;
  /** Confidence interval on the slope (two-sided, at the requested confidence). */
  slopeLow: number;
  slopeHigh: number;
  confidence: number;
  n: number;
  /** Share of the variance of y explained by the line (1 when y is constant and the fit exact). */
  r2: number;
  /** Standard deviation of the residuals, with n − 2 degrees of freedom. */
  residualStdDev: number;
}

export interface RobustTrend {
  sufficient: true;
  slope: number;
  intercept: number;
  n: number;
}

export type LinearTrendResult = LinearTrend | NotEnoughData;
export type RobustTrendResult = RobustTrend | NotEnoughData;

function checkPoints(points: readonly TrendPoint[]): void {
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      throw new RangeError(`trend points must be finite numbers, got (${p.x}, ${p.y})`);
    }
  }
}

/** OLS fit of y on x with a Student-t confidence interval on the slope. Needs ≥ 3 points and ≥ 2 distinct x. */
export function linearTrend(points: readonly TrendPoint[], confidence = 0.95): LinearTrendResult {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be between 0 and 1 (exclusive), got ${confidence}`);
  }
  checkPoints(points);
  const n = points.length;
  if (n < 3) {
    return { sufficient: false, n, reason: `not enough data: a trend needs at least 3 points, got ${n}` };
  }
  let mx = 0;
  let my = 0;
  for (const p of points) {
    mx += p.x;
    my += p.y;
  }
  mx /= n;
  my /= n;
  // Centred sums: x is often an epoch timestamp (~1.7e12 ms), whose raw squares would swamp the signal.
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    const dx = p.x - mx;
    const dy = p.y - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) return { sufficient: false, n, reason: 'not enough data: all points share the same x' };
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (const p of points) {
    const r = p.y - (intercept + slope * p.x);
    sse += r * r;
  }
  const df = n - 2;
  const residualStdDev = Math.sqrt(sse / df);
  const halfWidth = studentTQuantile(1 - (1 - confidence) / 2, df) * (residualStdDev / Math.sqrt(sxx));
  return {
    sufficient: true,
    slope,
    intercept,
    slopeLow: slope - halfWidth,
    slopeHigh: slope + halfWidth,
    confidence,
    n,
    r2: syy === 0 ? 1 : Math.max(0, 1 - sse / syy),
    residualStdDev,
  };
}

/**
 * Theil-Sen estimator: the median of the slopes of all pairs of points with distinct x, and the
 * median of y − slope·x as intercept. Up to ~29 % of the points can be arbitrary outliers before it
 * moves. O(n²) pairs: feed it per-window aggregates (minutes), not per-request samples.
 */
export function theilSen(points: readonly TrendPoint[]): RobustTrendResult {
  checkPoints(points);
  const n = points.length;
  if (n < 2)
    return { sufficient: false, n, reason: `not enough data: a slope needs at least 2 points, got ${n}` };
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const a = points[i] as TrendPoint;
    for (let j = i + 1; j < n; j++) {
      const b = points[j] as TrendPoint;
      if (a.x !== b.x) slopes[m++] = (b.y - a.y) / (b.x - a.x);
    }
  }
  if (m === 0) return { sufficient: false, n, reason: 'not enough data: all points share the same x' };
  const slope = median(slopes.subarray(0, m));
  const residuals = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = points[i] as TrendPoint;
    residuals[i] = p.y - slope * p.x;
  }
  return { sufficient: true, slope, intercept: median(residuals), n };
}

/**
 * True only when the whole confidence interval lies beyond `minSlope`: above it for a positive
 * threshold (latency, memory creeping up), below it for a negative one (throughput sagging), and
 * clear of zero on either side for 0. A flat but noisy series has an interval straddling the
 * threshold and raises no alarm; too little data never does.
 */
export function isDrifting(trend: LinearTrendResult, minSlope: number): boolean {
  if (!trend.sufficient) return false;
  if (minSlope > 0) return trend.slopeLow > minSlope;
  if (minSlope < 0) return trend.slopeHigh < minSlope;
  return trend.slopeLow > 0 || trend.slopeHigh < 0;
}

/** Median of a scratch array (reordered in place) by quickselect: O(n) on average. */
function median(values: Float64Array): number {
  const n = values.length;
  const k = n >> 1;
  const upper = select(values, k);
  if (n % 2 === 1) return upper;
  // After selecting k, everything left of k is ≤ values[k]: the lower middle is their maximum.
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < k; i++) if ((values[i] as number) > lower) lower = values[i] as number;
  return (lower + upper) / 2;
}

function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    // Median of three keeps sorted or constant inputs (common in time series) from going quadratic.
    const mid = (lo + hi) >> 1;
    const pivot = medianOfThree(a[lo] as number, a[mid] as number, a[hi] as number);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k] as number;
  }
  return a[k] as number;
}

function medianOfThree(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : a < c ? c : a;
  return a < c ? a : b < c ? c : b;
}
