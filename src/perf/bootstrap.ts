/**
 * Confidence intervals for "how much did this metric change" from per-window samples of two runs.
 *
 * Windows of a load test are autocorrelated (a slow second is usually followed by another), so
 * resampling single windows, as autocannon-compare does with single requests, would pretend to
 * more independent evidence than there is and give intervals that are too narrow. The circular
 * block bootstrap (Politis & Romano) resamples runs of consecutive windows instead, keeping the
 * dependence inside each block.
 *
 * Speed matters (a compare may cover thousands of metrics): block sums are precomputed, so one
 * resample of a run costs one read per block rather than one per window.
 */

import { studentTQuantile } from '../core/student-t.ts';

export interface Interval {
  lo: number;
  hi: number;
}

export interface BootstrapOptions {
  /** Resamples per interval (default 250: the standard error to within about 5 %). */
  resamples?: number;
  /** Two-sided confidence level (default 0.95). */
  confidence?: number;
  /** Seed, so the same inputs always give the same interval. */
  seed?: number;
  /** Fixed block length instead of the data-driven one (1 = resample single windows). */
  blockLength?: number;
}

export const DEFAULT_RESAMPLES = 250;

/**
 * Block length chosen from the data (Politis & White 2004, with Patton et al.'s 2009 correction,
 * circular-bootstrap constant): long blocks for strongly autocorrelated windows, short ones for
 * near-independent ones. A fixed n^(1/3) under-covers badly when a slow period lasts several windows.
 */
export function blockLength(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 4) return 1;
  const m = mean(values);
  const cov = (k: number) => {
    let s = 0;
    for (let i = 0; i + k < n; i++) s += ((values[i] as number) - m) * ((values[i + k] as number) - m);
    return s / n;
  };
  const r0 = cov(0);
  if (r0 === 0) return 1;
  const maxLag = Math.min(n - 1, Math.ceil(Math.sqrt(n)) + 5);
  const rho = Array.from({ length: maxLag + 1 }, (_, k) => (k === 0 ? 1 : cov(k) / r0));
  // The first lag after which K consecutive autocorrelations are insignificant.
  const bound = 2 * Math.sqrt(Math.log10(n) / n);
  const runs = Math.max(5, Math.ceil(Math.sqrt(Math.log10(n))));
  let mHat = maxLag;
  for (let k = 1; k <= maxLag; k++) {
    let quiet = true;
    for (let j = k; j < Math.min(maxLag + 1, k + runs); j++)
      if (Math.abs(rho[j] as number) >= bound) quiet = false;
    if (quiet) {
      mHat = k - 1;
      break;
    }
  }
  const lagWindow = Math.min(2 * Math.max(mHat, 1), maxLag);
  const flatTop = (t: number) => (Math.abs(t) <= 0.5 ? 1 : Math.abs(t) <= 1 ? 2 * (1 - Math.abs(t)) : 0);
  let g = 0;
  let g0 = r0;
  for (let k = 1; k <= lagWindow; k++) {
    const weight = flatTop(k / lagWindow) * (rho[k] as number) * r0;
    g += 2 * k * weight;
    g0 += 2 * weight;
  }
  const d = (4 / 3) * g0 * g0;
  const length = d > 0 ? Math.cbrt((2 * g * g) / d) * Math.cbrt(n) : 1;
  return Math.max(1, Math.min(Math.round(length), Math.ceil(3 * Math.sqrt(n)), Math.floor(n / 3)));
}

/** A stable 32-bit seed from a string (FNV-1a), so each metric gets its own reproducible stream. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return values.length ? sum / values.length : Number.NaN;
}

/**
 * Pulls values beyond Tukey's outer fences (quartiles ∓ 3 × IQR) in to the fence. A second in which
 * the runner stalled (another job, a GC storm in the generator) is not the service's latency, and
 * in a mean of 30 windows one such second can swing the verdict. Real shifts move the quartiles and
 * survive. Returns the clamped copy and how many values were clamped.
 */
export function winsorize(values: readonly number[]): { values: number[]; clamped: number } {
  if (values.length < 4) return { values: [...values], clamped: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const quantile = (p: number) => {
    const at = p * (sorted.length - 1);
    const lo = Math.floor(at);
    return (sorted[lo] as number) + ((sorted[Math.ceil(at)] as number) - (sorted[lo] as number)) * (at - lo);
  };
  const q1 = quantile(0.25);
  const q3 = quantile(0.75);
  const low = q1 - 3 * (q3 - q1);
  const high = q3 + 3 * (q3 - q1);
  let clamped = 0;
  const out = values.map((v) => {
    if (v < low || v > high) clamped++;
    return Math.min(high, Math.max(low, v));
  });
  return { values: out, clamped };
}

/** Block sums of one series for the circular block bootstrap: one read per block per resample. */
interface Blocks {
  sums: Float64Array;
  count: number;
  divisor: number;
}

function blocksOf(values: ArrayLike<number>, fixedLength?: number): Blocks {
  const n = values.length;
  const length = Math.min(n, fixedLength ?? blockLength(values));
  const count = Math.ceil(n / length);
  const sums = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < length; i++) sum += values[i % n] as number;
  for (let i = 0; i < n; i++) {
    sums[i] = sum;
    sum += (values[(i + length) % n] as number) - (values[i] as number);
  }
  return { sums, count, divisor: count * length };
}

/**
 * 95 % interval of `statistic(mean(a), mean(b))` for two separately measured runs: the block
 * bootstrap gives its standard error (a* and b* resampled independently), and the interval is
 * estimate ± t(k−1) × SE, with k the number of blocks. A run of 40 windows in blocks of 5 holds
 * only 8 independent pieces of evidence; the t quantile accounts for that where a percentile
 * interval would treat the bootstrap's spread as exact and cover too little. The standard error
 * needs far fewer resamples than percentile tails do, which keeps 10,000 metrics under a second.
 */
export function bootstrapTwoSample(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  statistic: (meanA: number, meanB: number) => number,
  options: BootstrapOptions = {},
): Interval {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const ba = blocksOf(a, options.blockLength);
  const bb = blocksOf(b, options.blockLength);
  // xorshift32 and both draws written out inline: this loop is the whole cost of a compare.
  let state = (options.seed ?? 1) >>> 0 || 1;
  const sa = ba.sums;
  const sb = bb.sums;
  const scaleA = sa.length / 4_294_967_296;
  const scaleB = sb.length / 4_294_967_296;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < resamples; i++) {
    let ta = 0;
    for (let k = 0; k < ba.count; k++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      ta += sa[Math.floor((state >>> 0) * scaleA)] as number;
    }
    let tb = 0;
    for (let k = 0; k < bb.count; k++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      tb += sb[Math.floor((state >>> 0) * scaleB)] as number;
    }
    const v = statistic(ta / ba.divisor, tb / bb.divisor);
    sum += v;
    sumSq += v * v;
  }
  const se = Math.sqrt(Math.max(0, (sumSq - (sum * sum) / resamples) / (resamples - 1)));
  const centre = statistic(mean(a), mean(b));
  return tInterval(centre, se, Math.min(ba.count, bb.count) - 1, options.confidence ?? 0.95);
}

/**
 * Interval of the mean of paired values (one per A/B round). Rounds are independent by design
 * (each is its own short run), so values are resampled singly; t(n−1) as above.
 */
export function bootstrapMean(values: ArrayLike<number>, options: BootstrapOptions = {}): Interval {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const n = values.length;
  let state = (options.seed ?? 1) >>> 0 || 1;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < resamples; i++) {
    let total = 0;
    for (let k = 0; k < n; k++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      total += values[(state >>> 0) % n] as number;
    }
    const m = total / n;
    sum += m;
    sumSq += m * m;
  }
  const se = Math.sqrt(Math.max(0, (sumSq - (sum * sum) / resamples) / (resamples - 1)));
  return tInterval(mean(values), se, n - 1, options.confidence ?? 0.95);
}

function tInterval(centre: number, se: number, df: number, confidence: number): Interval {
  const q = tQuantile(1 - (1 - confidence) / 2, Math.max(1, df));
  return { lo: centre - q * se, hi: centre + q * se };
}

const quantiles = new Map<string, number>();

/** Memoised: a compare of thousands of metrics asks for the same few quantiles over and over. */
function tQuantile(p: number, df: number): number {
  const key = `${p}/${df}`;
  let q = quantiles.get(key);
  if (q === undefined) {
    q = studentTQuantile(p, df);
    quantiles.set(key, q);
  }
  return q;
}
