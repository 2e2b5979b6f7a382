/**
 * HDR histogram of latencies in integer microseconds.
 *
 * Layout (the HdrHistogram scheme): values below `subBucketCount` get one bucket each; above that,
 * every power-of-two range [2^k, 2^(k+1)) is split into `subBucketCount / 2` equal buckets, so a
 * bucket is never wider than 1/(subBucketCount/2) of the values it holds. With 3 significant digits
 * that is 1/1024 < 0.1 %. The counts array is sized once from `highestUs`, so a one-hour soak uses
 * exactly the memory of a one-minute run, and histograms from many workers or load-generator shards
 * merge exactly by adding counts.
 *
 * Counts live in a Float64Array rather than a Uint32Array: a Uint32 bucket wraps silently at 4.29e9,
 * which a long run against a fast endpoint — or the merge of many shards — can reach, while a double
 * holds every integer exactly up to 2^53 (9e15). The cost is 8 bytes per bucket: about 186 KB for the
 * default range at 3 digits (5 digits need 16 MB, which is why 3 is the default).
 */
import type { LatencySummaryMs } from './types.ts';

export type SignificantDigits = 1 | 2 | 3 | 4 | 5;

export interface HistogramOptions {
  /** Largest trackable value; larger values are clamped to it and counted in `overflow`. Default 1 hour. */
  highestUs?: number;
  /** Relative precision: 3 → every reported value is within 0.1 % of the true one. Default 3. */
  significantDigits?: SignificantDigits;
}

/** Compact wire/storage form: only non-zero buckets, as `[index, count]` pairs in ascending index order. */
export interface SerializedHistogram {
  format: 'shipgate-hdr@1';
  highestUs: number;
  significantDigits: SignificantDigits;
  count: number;
  /** 0 when empty. */
  min: number;
  /** 0 when empty. */
  max: number;
  mean: number;
  /** Sum of squared deviations from the mean (Welford's M2); stdDev = sqrt(m2 / count). */
  m2: number;
  overflow: number;
  counts: Array<[number, number]>;
}

export const DEFAULT_HIGHEST_US = 3_600_000_000;
/** Bucket values are computed in doubles; keep every value and bucket edge an exact integer. */
const MAX_HIGHEST_US = 2 ** 52;
const TWO_POW_32 = 4_294_967_296;

export class Histogram {
  readonly highestUs: number;
  readonly significantDigits: SignificantDigits;

  private readonly subBucketMagnitude: number;
  private readonly subBucketCount: number;
  private readonly subBucketHalfCount: number;
  private readonly counts: Float64Array;

  private total = 0;
  private overflowCount = 0;
  private minValue = Number.POSITIVE_INFINITY;
  private maxValue = 0;
  // Welford's running mean and M2 rather than raw sum/sum of squares: sum of squares of 1e9 values of
  // ~1e6 µs is ~1e21, far beyond 2^53, and `sumSq/n - mean²` then cancels catastrophically whenever
  // the spread is small next to the mean (a steady 20 ms service).
  private meanValue = 0;
  private m2Value = 0;

  constructor(options: HistogramOptions = {}) {
    const highestUs = options.highestUs ?? DEFAULT_HIGHEST_US;
    const digits = options.significantDigits ?? 3;
    if (!Number.isInteger(highestUs) || highestUs < 2 || highestUs > MAX_HIGHEST_US) {
      throw new RangeError(`histogram highestUs must be an integer in 2..2^52, got ${highestUs}`);
    }
    if (!Number.isInteger(digits) || digits < 1 || digits > 5) {
      throw new RangeError(`histogram significantDigits must be 1..5, got ${digits}`);
    }
    this.highestUs = highestUs;
    this.significantDigits = digits;
    // Single-unit resolution up to 2·10^d guarantees d significant digits above it.
    this.subBucketMagnitude = Math.ceil(Math.log2(2 * 10 ** digits));
    this.subBucketCount = 2 ** this.subBucketMagnitude;
    this.subBucketHalfCount = this.subBucketCount / 2;
    this.counts = new Float64Array(this.indexOf(highestUs) + 1);
  }

  /** Records one latency. Allocation-free and O(1): the engine calls this once per response. */
  record(us: number): void {
    this.add(us, 1);
  }

  /** Records `count` occurrences of the same latency (e.g. replaying an aggregated source). */
  recordMany(us: number, count: number): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`histogram recordMany count must be a non-negative integer, got ${count}`);
    }
    if (count > 0) this.add(us, count);
  }

  private add(us: number, c: number): void {
    if (Number.isNaN(us)) throw new RangeError('histogram cannot record NaN');
    // Negative latencies only come from clock steps; counting them as 0 keeps the count honest.
    let v = us > 0 ? Math.round(us) : 0;
    if (v > this.highestUs) {
      v = this.highestUs;
      this.overflowCount += c;
    }
    const i = this.indexOf(v);
    this.counts[i] = (this.counts[i] as number) + c;
    const n = this.total + c;
    const delta = v - this.meanValue;
    this.meanValue += (delta * c) / n;
    this.m2Value += delta * (v - this.meanValue) * c;
    this.total = n;
    if (v < this.minValue) this.minValue = v;
    if (v > this.maxValue) this.maxValue = v;
  }

  /**
   * Adds another histogram's data. Counts, min, max and overflow come out identical to having
   * recorded everything here; mean and stdDev are combined with Chan's formula (equal up to
   * floating-point rounding).
   */
  merge(other: Histogram): void {
    if (other.highestUs !== this.highestUs || other.significantDigits !== this.significantDigits) {
      throw new Error(
        `cannot merge histograms with different configurations ` +
          `(highestUs ${this.highestUs} vs ${other.highestUs}, ` +
          `significantDigits ${this.significantDigits} vs ${other.significantDigits})`,
      );
    }
    const n2 = other.total;
    if (n2 === 0) return;
    const n1 = this.total;
    const n = n1 + n2;
    const delta = other.meanValue - this.meanValue;
    const m2 = this.m2Value + other.m2Value + (delta * delta * n1 * n2) / n;
    const mean = this.meanValue + (delta * n2) / n;
    const src = other.counts;
    const dst = this.counts;
    for (let i = 0; i < dst.length; i++) dst[i] = (dst[i] as number) + (src[i] as number);
    this.total = n;
    this.meanValue = mean;
    this.m2Value = m2;
    this.overflowCount += other.overflowCount;
    if (other.minValue < this.minValue) this.minValue = other.minValue;
    if (other.maxValue > this.maxValue) this.maxValue = other.maxValue;
  }

  get count(): number {
    return this.total;
  }

  /** How many recorded values exceeded `highestUs` and were clamped to it. */
  get overflow(): number {
    return this.overflowCount;
  }

  get min(): number {
    return this.total === 0 ? 0 : this.minValue;
  }

  get max(): number {
    return this.maxValue;
  }

  get mean(): number {
    return this.meanValue;
  }

  /** Population standard deviation of the recorded values. */
  get stdDev(): number {
    return this.total === 0 ? 0 : Math.sqrt(Math.max(0, this.m2Value) / this.total);
  }

  /** Number of buckets; fixed at construction whatever is recorded. */
  get countsLength(): number {
    return this.counts.length;
  }

  /**
   * Value at percentile `p` (0..100): the highest value equivalent to the bucket holding the
   * ceil(p% · count)-th smallest value, capped at the exact max so no percentile exceeds what was
   * seen. p=0 → min, p=100 → max, empty → 0.
   */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in 0..100, got ${p}`);
    if (this.total === 0) return 0;
    if (p === 0) return this.minValue;
    if (p === 100) return this.maxValue;
    const target = this.rankOf(p);
    const counts = this.counts;
    let seen = 0;
    for (let i = this.indexOf(this.minValue); i < counts.length; i++) {
      seen += counts[i] as number;
      if (seen >= target) return Math.min(this.highestEquivalent(i), this.maxValue);
    }
    return this.maxValue;
  }

  /** Percentiles the way people read them, in milliseconds. */
  summaryMs(): LatencySummaryMs {
    const ms = (us: number) => us / 1000;
    return {
      min: ms(this.min),
      mean: ms(this.mean),
      p50: ms(this.percentile(50)),
      p90: ms(this.percentile(90)),
      p95: ms(this.percentile(95)),
      p99: ms(this.percentile(99)),
      p999: ms(this.percentile(99.9)),
      max: ms(this.max),
      stdDev: ms(this.stdDev),
    };
  }

  /**
   * The wrk2/HdrHistogram-style spectrum: each point halves the distance to 100 (0, 50, 75, 87.5, …)
   * until 99.999, then 99.999 and 100. Plotted against 1/(1-p) it shows the whole tail at once.
   */
  percentileSpectrum(): Array<{ percentile: number; us: number }> {
    const out: Array<{ percentile: number; us: number }> = [];
    if (this.total === 0) return out;
    for (let k = 0; ; k++) {
      const p = 100 - 100 / 2 ** k;
      if (p >= 99.999) break;
      out.push({ percentile: p, us: this.percentile(p) });
    }
    out.push({ percentile: 99.999, us: this.percentile(99.999) });
    out.push({ percentile: 100, us: this.maxValue });
    return out;
  }

  /**
   * Non-empty buckets as (upper value, count), ascending. With `maxPoints`, neighbouring buckets are
   * pooled over equal spans of the bucket index — which is already log-spaced — so a chart keeps its
   * shape and the counts still add up to `count`.
   */
  buckets(maxPoints?: number): Array<{ us: number; count: number }> {
    if (maxPoints !== undefined && (!Number.isInteger(maxPoints) || maxPoints < 1)) {
      throw new RangeError(`buckets maxPoints must be a positive integer, got ${maxPoints}`);
    }
    const out: Array<{ us: number; count: number }> = [];
    if (this.total === 0) return out;
    const counts = this.counts;
    const first = this.indexOf(this.minValue);
    const last = this.indexOf(this.maxValue);
    let nonZero = 0;
    for (let i = first; i <= last; i++) if ((counts[i] as number) > 0) nonZero++;
    const span = maxPoints === undefined || nonZero <= maxPoints ? 1 : (last - first + 1) / maxPoints;
    let group = -1;
    for (let i = first; i <= last; i++) {
      const c = counts[i] as number;
      if (c === 0) continue;
      const g = Math.floor((i - first) / span);
      const us = Math.min(this.highestEquivalent(i), this.maxValue);
      const tail = out[out.length - 1];
      if (g === group && tail) {
        tail.count += c;
        tail.us = us;
      } else {
        out.push({ us, count: c });
        group = g;
      }
    }
    return out;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.overflowCount = 0;
    this.minValue = Number.POSITIVE_INFINITY;
    this.maxValue = 0;
    this.meanValue = 0;
    this.m2Value = 0;
  }

  clone(): Histogram {
    const copy = new Histogram({ highestUs: this.highestUs, significantDigits: this.significantDigits });
    copy.counts.set(this.counts);
    copy.total = this.total;
    copy.overflowCount = this.overflowCount;
    copy.minValue = this.minValue;
    copy.maxValue = this.maxValue;
    copy.meanValue = this.meanValue;
    copy.m2Value = this.m2Value;
    return copy;
  }

  toJSON(): SerializedHistogram {
    const pairs: Array<[number, number]> = [];
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i] as number;
      if (c > 0) pairs.push([i, c]);
    }
    return {
      format: 'shipgate-hdr@1',
      highestUs: this.highestUs,
      significantDigits: this.significantDigits,
      count: this.total,
      min: this.min,
      max: this.maxValue,
      mean: this.meanValue,
      m2: this.m2Value,
      overflow: this.overflowCount,
      counts: pairs,
    };
  }

  /** Rebuilds a histogram from `toJSON()` output, checking it is self-consistent (it crosses threads and disks). */
  static fromJSON(s: SerializedHistogram): Histogram {
    const bad = (why: string) => new Error(`invalid serialized histogram: ${why}`);
    if (typeof s !== 'object' || s === null || s.format !== 'shipgate-hdr@1') {
      throw bad(`expected format "shipgate-hdr@1"`);
    }
    const h = new Histogram({ highestUs: s.highestUs, significantDigits: s.significantDigits });
    if (!Array.isArray(s.counts)) throw bad('counts is not an array');
    let sum = 0;
    let previous = -1;
    for (const pair of s.counts) {
      const [index, count] = Array.isArray(pair) ? pair : [];
      if (
        !Number.isInteger(index) ||
        !Number.isInteger(count) ||
        (index as number) <= previous ||
        (index as number) >= h.counts.length ||
        (count as number) <= 0
      ) {
        throw bad(`bad bucket ${JSON.stringify(pair)}`);
      }
      h.counts[index as number] = count as number;
      sum += count as number;
      previous = index as number;
    }
    const numbers = [s.count, s.min, s.max, s.overflow].every(Number.isInteger);
    if (!numbers || !Number.isFinite(s.mean) || !Number.isFinite(s.m2)) throw bad('non-numeric header');
    if (sum !== s.count) throw bad(`bucket counts add up to ${sum}, header says ${s.count}`);
    if (sum > 0) {
      const firstIndex = s.counts[0]?.[0];
      if (h.indexOf(s.min) !== firstIndex || h.indexOf(s.max) !== previous || s.min > s.max) {
        throw bad('min/max do not match the buckets');
      }
    }
    if (!(s.overflow >= 0 && s.overflow <= s.count)) throw bad('overflow out of range');
    h.total = s.count;
    h.overflowCount = s.overflow;
    h.minValue = sum > 0 ? s.min : Number.POSITIVE_INFINITY;
    h.maxValue = sum > 0 ? s.max : 0;
    h.meanValue = s.mean;
    h.m2Value = s.m2;
    return h;
  }

  /** 1-based rank of the p-th percentile; the tiny shave stops 95 × 100 / 100 rounding up to the next value. */
  private rankOf(p: number): number {
    return Math.max(1, Math.ceil(((p * this.total) / 100) * (1 - 1e-12)));
  }

  /**
   * Bucket index of an integer value in 0..highestUs. The power-of-two range comes from the bit
   * length: Math.clz32 covers values below 2^32 (1 hour is 3.6e9 > 2^31, so `>>>`, not `>>`), and
   * larger ones take the high word.
   */
  private indexOf(v: number): number {
    if (v < this.subBucketCount) return v;
    if (v < TWO_POW_32) {
      const b = 32 - Math.clz32(v) - this.subBucketMagnitude;
      return b * this.subBucketHalfCount + (v >>> b);
    }
    const b = 64 - Math.clz32(v / TWO_POW_32) - this.subBucketMagnitude;
    return b * this.subBucketHalfCount + Math.floor(v / 2 ** b);
  }

  /** Largest value that lands in bucket `i`. */
  private highestEquivalent(i: number): number {
    if (i < this.subBucketCount) return i;
    const b = Math.floor(i / this.subBucketHalfCount) - 1;
    const sub = i - b * this.subBucketHalfCount;
    return (sub + 1) * 2 ** b - 1;
  }
}
