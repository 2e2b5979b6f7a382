/**
 * Time-trend statistics for endurance (soak) runs: is latency, memory or error rate creeping up over
 * the hours? Ordinary least squares gives a slope with a Student-t confidence interval, so "drifting"
 * can be decided on the whole interval instead of on a noisy point estimate; Theil-Sen gives a slope
 * that one GC pause or a single slow window cannot drag around, for the headline number.
 */

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

/**
 * Quantile of Student's t distribution: the t with P(T ≤ t) = p for `df` degrees of freedom (df > 0,
 * not necessarily an integer). Solved by bisection on the CDF, which comes from the regularized
 * incomplete beta function; accurate to ~1e-10 relative, far inside what a confidence interval needs.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`t quantile probability must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`t quantile degrees of freedom must be > 0, got ${df}`);
  if (p === 0.5) return 0;
  const tail = p > 0.5 ? 1 - p : p;
  // Beyond ~1e7 the t and normal quantiles agree to 1e-7, and the continued fraction converges slowly.
  const nu = Math.min(df, 1e7);
  let lo = 0;
  let hi = 1;
  while (upperTail(hi, nu) > tail) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (upperTail(mid, nu) > tail) lo = mid;
    else hi = mid;
  }
  const t = (lo + hi) / 2;
  return p > 0.5 ? t : -t;
}

/** P(T > t) for t ≥ 0: ½·I_x(ν/2, ½) with x = ν/(ν+t²). */
function upperTail(t: number, nu: number): number {
  const t2 = t * t;
  return 0.5 * regularizedIncompleteBeta(nu / (nu + t2), t2 / (nu + t2), nu / 2, 0.5);
}

/**
 * I_x(a, b), taking both x and y = 1 − x so neither has to be recovered by a cancelling subtraction.
 * Uses the continued fraction on whichever side of the mean converges fast, and the symmetry
 * I_x(a, b) = 1 − I_{1−x}(b, a) for the other.
 */
function regularizedIncompleteBeta(x: number, y: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log(y) - lnBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(y, b, a)) / b;
}

/**
 * The continued fraction I_x(a,b) = front/a · 1/(1+ d1/(1+ d2/(1+ …))) with
 * d(2m+1) = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)) and d(2m) = m(b−m)x / ((a+2m−1)(a+2m)),
 * evaluated with the modified Lentz method.
 */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const guard = (v: number) => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / guard(1 - ((a + b) * x) / (a + 1));
  let f = d;
  for (let m = 1; m <= 100_000; m++) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / guard(1 + even * d);
    c = guard(1 + even / c);
    f *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 / guard(1 + odd * d);
    c = guard(1 + odd / c);
    const step = d * c;
    f *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return f;
}

function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/**
 * ln Γ(x) for x > 0: Stirling's series (truncation error < 1e-12 once x ≥ 10), reaching small x
 * through Γ(x) = Γ(x + 1)/x.
 */
function lnGamma(x: number): number {
  let shift = 0;
  let z = x;
  while (z < 10) {
    shift += Math.log(z);
    z += 1;
  }
  const inv2 = 1 / (z * z);
  const series = (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680))) / z;
  return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + series - shift;
}
