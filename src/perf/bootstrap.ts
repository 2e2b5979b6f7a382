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
  /** Resamples per interval (default 1000, enough for a 95 % percentile interval). */
  resamples?: number;
  /** Two-sided confidence level (default 0.95). */
  confidence?: number;
  /** Seed, so the same inputs always give the same interval. */
  seed?: number;
  /** Fixed block length instead of the data-driven one (1 = resample single windows). */
  blockLength?: number;
}

export const DEFAULT_RESAMPLES = 1000;

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

/** mulberry32: tiny, fast and seedable, which Math.random is not. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
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

/** Draws resampled means of one series with the circular block bootstrap. */
class BlockResampler {
  readonly #sums: Float64Array;
  readonly #blocks: number;
  readonly #divisor: number;

  constructor(values: ArrayLike<number>, fixedLength?: number) {
    const n = values.length;
    const length = Math.min(n, fixedLength ?? blockLength(values));
    this.#blocks = Math.ceil(n / length);
    this.#divisor = this.#blocks * length;
    this.#sums = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < length; i++) sum += values[i % n] as number;
    for (let i = 0; i < n; i++) {
      this.#sums[i] = sum;
      sum += (values[(i + length) % n] as number) - (values[i] as number);
    }
  }

  get blocks(): number {
    return this.#blocks;
  }

  mean(random: () => number): number {
    const sums = this.#sums;
    const n = sums.length;
    let total = 0;
    for (let b = 0; b < this.#blocks; b++) total += sums[Math.floor(random() * n)] as number;
    return total / this.#divisor;
  }
}

/**
 * Percentile bootstrap interval of `statistic(mean(a*), mean(b*))` where a* and b* are
 * independent block resamples of the two series (two runs measured separately).
 */
export function bootstrapTwoSample(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  statistic: (meanA: number, meanB: number) => number,
  options: BootstrapOptions = {},
): Interval {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? 0.95;
  const random = seededUniform(options.seed ?? 1);
  const ra = new BlockResampler(a, options.blockLength);
  const rb = new BlockResampler(b, options.blockLength);
  const stats = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) stats[i] = statistic(ra.mean(random), rb.mean(random));
  const interval = percentileInterval(stats, confidence);
  // A run of 40 windows in blocks of 5 holds only 8 independent pieces of evidence, and the
  // bootstrap treats its spread as exact. Widening by t(k−1)/z, as a t-interval would, restores
  // the coverage the percentile interval loses on short autocorrelated series.
  const blocks = Math.min(ra.blocks, rb.blocks);
  const tail = 1 - (1 - confidence) / 2;
  const widen = blocks > 1 ? tQuantile(tail, blocks - 1) / tQuantile(tail, 1e9) : 1;
  const centre = statistic(mean(a), mean(b));
  return { lo: centre - (centre - interval.lo) * widen, hi: centre + (interval.hi - centre) * widen };
}

/**
 * Percentile bootstrap interval of the mean of paired values (one per A/B round). Rounds are
 * independent of each other by design (each is its own short run), so plain resampling fits.
 */
export function bootstrapMean(values: ArrayLike<number>, options: BootstrapOptions = {}): Interval {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const random = seededUniform(options.seed ?? 1);
  const n = values.length;
  const stats = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += values[Math.floor(random() * n)] as number;
    stats[i] = sum / n;
  }
  return percentileInterval(stats, options.confidence ?? 0.95);
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

function percentileInterval(stats: Float64Array, confidence: number): Interval {
  stats.sort();
  const tail = (1 - confidence) / 2;
  const at = (p: number) =>
    stats[Math.min(stats.length - 1, Math.max(0, Math.round(p * (stats.length - 1))))];
  return { lo: at(tail) as number, hi: at(1 - tail) as number };
}
