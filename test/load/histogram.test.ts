import { describe, expect, it } from 'vitest';
import { DEFAULT_HIGHEST_US, Histogram, type SerializedHistogram } from '../../src/load/histogram.ts';
import { rng } from '../helpers/random.ts';

/** The value of rank ceil(p% · n) in the sorted data: the definition the histogram approximates. */
function exactPercentile(sorted: number[], p: number): number {
  if (p === 0) return sorted[0] as number;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length - 1e-9));
  return sorted[rank - 1] as number;
}

const PERCENTILES = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

function checkAgainstExact(values: number[], h: Histogram): void {
  const sorted = values.map((v) => Math.round(v)).sort((a, b) => a - b);
  for (const p of PERCENTILES) {
    const exact = exactPercentile(sorted, p);
    const got = h.percentile(p);
    // The reported value is the top of the bucket holding the exact value: never below it, and no
    // more than one bucket width (< 0.1 % at 3 digits) above.
    expect(got, `p${p}`).toBeGreaterThanOrEqual(exact);
    expect(got, `p${p}`).toBeLessThanOrEqual(exact * 1.001);
  }
  expect(h.min).toBe(sorted[0]);
  expect(h.max).toBe(sorted[sorted.length - 1]);
}

function fill(values: number[], h = new Histogram()): Histogram {
  for (const v of values) h.record(v);
  return h;
}

describe('Histogram percentiles against exact sorted data', () => {
  const rand = rng(42);
  const N = 50_000;

  it('uniform 1 µs … 100 ms', () => {
    const values = Array.from({ length: N }, () => 1 + rand() * 100_000);
    checkAgainstExact(values, fill(values));
  });

  it('exponential, mean 5 ms', () => {
    const values = Array.from({ length: N }, () => -5000 * Math.log(1 - rand()));
    checkAgainstExact(values, fill(values));
  });

  it('bimodal: fast responses plus 2 % stuck behind a 1 s stall', () => {
    const values = Array.from({ length: N }, () =>
      rand() < 0.02 ? 1_000_000 + rand() * 50_000 : 1500 + rand() * 1000,
    );
    const h = fill(values);
    checkAgainstExact(values, h);
    expect(h.percentile(50)).toBeLessThan(2600);
    expect(h.percentile(99)).toBeGreaterThan(1_000_000);
  });

  it('log-normal tail spanning five decades', () => {
    const values = Array.from({ length: N }, () => {
      const g = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
      return Math.exp(8 + 2 * g);
    });
    checkAgainstExact(values, fill(values));
  });

  it('a constant 20 ms service reads 20 ms at every percentile', () => {
    const h = new Histogram();
    h.recordMany(20_000, 10_000);
    expect(Math.abs(h.percentile(50) - 20_000) / 20_000).toBeLessThanOrEqual(0.001);
    expect(h.percentile(99.9)).toBe(20_000);
    expect(h.mean).toBe(20_000);
    expect(h.stdDev).toBe(0);
  });

  it('a percentile never reports a value from the wrong neighbour at rank boundaries', () => {
    const h = new Histogram();
    for (let v = 1; v <= 100; v++) h.record(v * 1000);
    // 95 % of 100 values is exactly rank 95; floating point must not push it to rank 96.
    expect(h.percentile(95)).toBeGreaterThanOrEqual(95_000);
    expect(h.percentile(95)).toBeLessThan(96_000);
    expect(h.percentile(0)).toBe(1000);
    expect(h.percentile(100)).toBe(100_000);
  });

  it('holds the promised relative precision for every significantDigits setting', () => {
    const bounds: Array<[1 | 2 | 3 | 4 | 5, number]> = [
      [1, 0.1],
      [2, 0.01],
      [3, 0.001],
      [4, 0.0001],
      [5, 0.00001],
    ];
    for (const [digits, bound] of bounds) {
      const h = new Histogram({ significantDigits: digits, highestUs: 10_000_000 });
      for (let v = 3; v < 10_000_000; v = Math.ceil(v * 1.37)) {
        h.reset();
        // A larger second value keeps the max cap from hiding the bucket's upper edge.
        h.record(v);
        h.record(10_000_000);
        const got = h.percentile(50);
        expect(got).toBeGreaterThanOrEqual(v);
        expect((got - v) / v, `digits ${digits}, value ${v}`).toBeLessThan(bound);
      }
    }
  });
});

describe('Histogram statistics', () => {
  it('mean and stdDev come from the recorded values, not bucket midpoints', () => {
    const h = fill([1_000_003, 2_000_001, 3_000_005]);
    expect(h.mean).toBeCloseTo(2_000_003, 6);
    const m = 2_000_003;
    const sd = Math.sqrt(((1_000_003 - m) ** 2 + (2_000_001 - m) ** 2 + (3_000_005 - m) ** 2) / 3);
    expect(h.stdDev).toBeCloseTo(sd, 6);
    expect(h.count).toBe(3);
  });

  it('stays exact for a tight spread around a large mean', () => {
    const h = new Histogram();
    for (let i = 0; i < 100_000; i++) h.record(i % 2 === 0 ? 1_000_000_000 : 1_000_000_002);
    expect(h.mean).toBeCloseTo(1_000_000_001, 4);
    expect(h.stdDev).toBeCloseTo(1, 6);
  });

  it('empty: everything reads 0', () => {
    const h = new Histogram();
    expect([h.count, h.min, h.max, h.mean, h.stdDev, h.percentile(50), h.percentile(0)]).toEqual([
      0, 0, 0, 0, 0, 0, 0,
    ]);
    expect(h.percentileSpectrum()).toEqual([]);
    expect(h.buckets()).toEqual([]);
  });

  it('rounds fractional microseconds and records sub-microsecond and negative values as 0', () => {
    const h = fill([0.3, 0.6, 1.49, -5]);
    expect(h.min).toBe(0);
    expect(h.max).toBe(1);
    expect(h.buckets()).toEqual([
      { us: 0, count: 2 },
      { us: 1, count: 2 },
    ]);
  });

  it('rejects NaN, bad counts and bad percentiles', () => {
    const h = new Histogram();
    expect(() => h.record(Number.NaN)).toThrow(/NaN/);
    expect(() => h.recordMany(10, -1)).toThrow(RangeError);
    expect(() => h.recordMany(10, 1.5)).toThrow(RangeError);
    expect(() => h.percentile(101)).toThrow(RangeError);
    expect(() => h.percentile(Number.NaN)).toThrow(RangeError);
    expect(h.count).toBe(0);
  });

  it('rejects bad options', () => {
    expect(() => new Histogram({ highestUs: 1 })).toThrow(RangeError);
    expect(() => new Histogram({ highestUs: 1.5 })).toThrow(RangeError);
    expect(() => new Histogram({ significantDigits: 6 as 5 })).toThrow(RangeError);
  });
});

describe('Histogram range', () => {
  it('records values up to one hour, beyond 2^31, with full precision', () => {
    const h = new Histogram();
    const values = [2 ** 31 - 1, 2 ** 31, 2 ** 31 + 12_345, 3_000_000_000, DEFAULT_HIGHEST_US];
    for (const v of values) h.record(v);
    expect(h.overflow).toBe(0);
    expect(h.max).toBe(DEFAULT_HIGHEST_US);
    expect(h.min).toBe(2 ** 31 - 1);
    for (const [i, v] of values.entries()) {
      const got = h.percentile(((i + 1) / values.length) * 100);
      expect(got).toBeGreaterThanOrEqual(v);
      expect(got).toBeLessThanOrEqual(v * 1.001);
    }
  });

  it('handles values beyond 2^32 when the range is raised (a 24 h ceiling)', () => {
    const h = new Histogram({ highestUs: 86_400_000_000 });
    const values = [2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 5e9, 7.2e10, 86_400_000_000];
    for (const v of values) h.record(v);
    for (const [i, v] of values.entries()) {
      const got = h.percentile(((i + 1) / values.length) * 100);
      expect(got).toBeGreaterThanOrEqual(v);
      expect(got).toBeLessThanOrEqual(v * 1.001);
    }
    // Adjacent values around 2^32 land in ordered buckets (no wrap-around).
    const b = h.buckets().map((x) => x.us);
    expect(b).toEqual([...b].sort((x, y) => x - y));
  });

  it('clamps values above highestUs and counts them as overflow', () => {
    const h = new Histogram({ highestUs: 10_000 });
    h.record(5_000);
    h.record(50_000);
    h.recordMany(Number.POSITIVE_INFINITY, 2);
    expect(h.count).toBe(4);
    expect(h.overflow).toBe(3);
    expect(h.max).toBe(10_000);
    expect(h.percentile(100)).toBe(10_000);
    expect(h.percentile(25)).toBeGreaterThanOrEqual(5_000);
    expect(h.percentile(25)).toBeLessThanOrEqual(5_005);
    expect(h.percentile(50)).toBe(10_000);
  });

  it('uses fixed memory: the counts array does not grow with the number of records', () => {
    const h = new Histogram();
    const before = h.countsLength;
    const rand = rng(7);
    for (let i = 0; i < 10_000_000; i++) h.record(rand() * 4e9);
    expect(h.countsLength).toBe(before);
    expect(h.count).toBe(10_000_000);
    expect(before).toBeLessThan(25_000);
  });
});

describe('Histogram merge', () => {
  it('merging a random 4-way split equals recording everything in one, bucket for bucket', () => {
    const rand = rng(99);
    const all = new Histogram();
    const parts = [new Histogram(), new Histogram(), new Histogram(), new Histogram()];
    for (let i = 0; i < 40_000; i++) {
      const v = rand() < 0.01 ? rand() * 3e9 : -2000 * Math.log(1 - rand());
      all.record(v);
      (parts[Math.floor(rand() * 4)] as Histogram).record(v);
    }
    const merged = new Histogram();
    for (const p of parts) merged.merge(p);
    const a = all.toJSON();
    const m = merged.toJSON();
    expect(m.counts).toEqual(a.counts);
    expect([m.count, m.min, m.max, m.overflow]).toEqual([a.count, a.min, a.max, a.overflow]);
    expect(merged.mean).toBeCloseTo(all.mean, 3);
    expect(merged.stdDev / all.stdDev).toBeCloseTo(1, 10);
    for (const p of PERCENTILES) expect(merged.percentile(p)).toBe(all.percentile(p));
  });

  it('merging an empty histogram changes nothing, merging into an empty one copies', () => {
    const h = fill([10, 20, 30]);
    const before = h.toJSON();
    h.merge(new Histogram());
    expect(h.toJSON()).toEqual(before);
    const empty = new Histogram();
    empty.merge(h);
    expect(empty.toJSON()).toEqual(before);
  });

  it('rejects histograms with a different configuration', () => {
    expect(() => new Histogram().merge(new Histogram({ significantDigits: 2 }))).toThrow(/different/);
    expect(() => new Histogram().merge(new Histogram({ highestUs: 60_000_000 }))).toThrow(/different/);
  });
});

describe('Histogram serialization and copies', () => {
  it('round-trips through JSON text exactly', () => {
    const rand = rng(3);
    const h = new Histogram({ highestUs: 120_000_000 });
    for (let i = 0; i < 20_000; i++) h.record(rand() * 2e8);
    const text = JSON.stringify(h);
    const back = Histogram.fromJSON(JSON.parse(text) as SerializedHistogram);
    expect(back.toJSON()).toEqual(h.toJSON());
    expect(back.stdDev).toBe(h.stdDev);
    for (const p of PERCENTILES) expect(back.percentile(p)).toBe(h.percentile(p));
    // Only non-zero buckets travel.
    expect(h.toJSON().counts.length).toBeLessThan(h.countsLength);
  });

  it('round-trips an empty histogram', () => {
    const back = Histogram.fromJSON(JSON.parse(JSON.stringify(new Histogram())) as SerializedHistogram);
    expect(back.count).toBe(0);
    expect(back.min).toBe(0);
    back.record(5);
    expect(back.min).toBe(5);
  });

  it('refuses inconsistent input', () => {
    const good = fill([100, 200, 300]).toJSON();
    const broken: Array<Partial<SerializedHistogram> & Record<string, unknown>> = [
      { format: 'other' as 'shipgate-hdr@1' },
      { count: 4 },
      { counts: [[5, 1]] },
      { counts: [[1e9, 3]] },
      {
        counts: [
          [200, 2],
          [100, 1],
        ],
      },
      { min: 5 },
      { significantDigits: 9 as 5 },
    ];
    for (const patch of broken) {
      expect(
        () => Histogram.fromJSON({ ...good, ...patch } as SerializedHistogram),
        JSON.stringify(patch),
      ).toThrow();
    }
  });

  it('clone is independent and reset empties', () => {
    const h = fill([10, 20]);
    const c = h.clone();
    c.record(1_000_000);
    expect(h.count).toBe(2);
    expect(c.count).toBe(3);
    expect(h.max).toBe(20);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.toJSON().counts).toEqual([]);
    expect(c.percentile(100)).toBe(1_000_000);
  });
});

describe('Histogram reports', () => {
  it('percentileSpectrum halves the distance to 100 and ends at 99.999 and 100', () => {
    const rand = rng(11);
    const h = new Histogram();
    for (let i = 0; i < 10_000; i++) h.record(-3000 * Math.log(1 - rand()));
    const s = h.percentileSpectrum();
    expect(s.slice(0, 5).map((x) => x.percentile)).toEqual([0, 50, 75, 87.5, 93.75]);
    expect(s.slice(-2).map((x) => x.percentile)).toEqual([99.999, 100]);
    expect(s[0]?.us).toBe(h.min);
    expect(s[s.length - 1]?.us).toBe(h.max);
    for (let i = 1; i < s.length; i++) {
      expect((s[i] as { us: number }).us).toBeGreaterThanOrEqual((s[i - 1] as { us: number }).us);
      expect((s[i] as { percentile: number }).percentile).toBeGreaterThan(
        (s[i - 1] as { percentile: number }).percentile,
      );
    }
  });

  it('buckets(maxPoints) pools neighbours but keeps every count', () => {
    const rand = rng(5);
    const h = new Histogram();
    for (let i = 0; i < 20_000; i++) h.record(rand() * 1e6);
    const full = h.buckets();
    expect(full.length).toBeGreaterThan(100);
    const pooled = h.buckets(50);
    expect(pooled.length).toBeLessThanOrEqual(50);
    expect(pooled.reduce((a, b) => a + b.count, 0)).toBe(h.count);
    expect(pooled[pooled.length - 1]?.us).toBe(h.max);
    for (let i = 1; i < pooled.length; i++) {
      expect((pooled[i] as { us: number }).us).toBeGreaterThan((pooled[i - 1] as { us: number }).us);
    }
    expect(() => h.buckets(0)).toThrow(RangeError);
  });

  it('summaryMs converts to milliseconds', () => {
    const h = new Histogram();
    h.recordMany(20_000, 99);
    h.record(500_000);
    const s = h.summaryMs();
    // The top of 20 000's bucket (16 µs wide), within the 0.1 % precision.
    expect(s.p50).toBeGreaterThanOrEqual(20);
    expect(s.p50).toBeLessThanOrEqual(20.02);
    expect(s.p99).toBe(s.p50);
    expect(s.max).toBe(500);
    expect(s.min).toBe(20);
    expect(s.mean).toBeCloseTo(24.8, 9);
  });
});
