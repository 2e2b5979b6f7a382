import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/perf/compare.ts';
import { type SyntheticRun, syntheticResult } from './synthetic.ts';

const THRESHOLD = { thresholdPct: 10 };

function compare(base: SyntheticRun, cur: SyntheticRun, options = THRESHOLD) {
  return compareResults(
    { ref: 'base.json', result: syntheticResult({ seed: 11, ...base }) },
    { ref: 'cur.json', result: syntheticResult({ seed: 22, ...cur }) },
    options,
  );
}

function verdictOf(c: ReturnType<typeof compare>, metric: string) {
  const all = [
    ...c.fields.regressions,
    ...c.fields.improvements,
    ...c.fields.unchanged,
    ...c.fields.inconclusive,
  ];
  const found = all.find((m) => m.metric === metric);
  if (!found) throw new Error(`no ${metric} in comparison`);
  return found;
}

describe('compare: known truth', () => {
  it('calls +15 % p95 with tight noise a regression, with an interval that contains the truth', () => {
    const c = compare({}, { p95Ms: 115 });
    const p95 = verdictOf(c, 'p95_ms');
    expect(p95.verdict).toBe('regression');
    expect(p95.ci?.[0]).toBeGreaterThan(10);
    expect(p95.ci?.[0]).toBeLessThan(15);
    expect(p95.ci?.[1]).toBeGreaterThan(15);
    expect(c.verdict).toBe('fail');
    expect(c.fields.regression_detected).toBe(true);
    expect(c.summary).toContain('p95_ms +15');
  });

  it('calls +3 % unchanged', () => {
    const c = compare({}, { p95Ms: 103 });
    expect(verdictOf(c, 'p95_ms').verdict).toBe('unchanged');
    expect(c.verdict).toBe('pass');
  });

  it('calls +15 % buried in large noise inconclusive, never a pass', () => {
    const c = compare({ noise: 0.4 }, { p95Ms: 115, noise: 0.4 });
    const p95 = verdictOf(c, 'p95_ms');
    expect(p95.verdict).toBe('inconclusive');
    expect(p95.reason).toMatch(/too noisy/);
    expect(c.verdict).toBe('inconclusive');
  });

  it('knows throughput is better higher: −20 % is a regression, +20 % an improvement', () => {
    const down = compare({}, { rps: 400 });
    expect(verdictOf(down, 'rps').verdict).toBe('regression');
    expect(verdictOf(down, 'rps').change).toBeLessThan(-15);
    expect(down.verdict).toBe('fail');
    const up = compare({}, { rps: 600 });
    expect(verdictOf(up, 'rps').verdict).toBe('improvement');
    expect(up.verdict).toBe('pass');
    expect(up.fields.improvement_detected).toBe(true);
  });

  it('judges a zero baseline on the absolute difference', () => {
    const same = compare({}, {});
    const errors = verdictOf(same, 'error_rate');
    expect(errors).toMatchObject({ verdict: 'unchanged', change: 0 });
    const broke = compare({}, { errorRate: 0.05 });
    const now = verdictOf(broke, 'error_rate');
    expect(now.verdict).toBe('regression');
    expect(now.change).toBeNull();
    expect(now.scale).toBe('absolute');
    expect(now.ci?.[0]).toBeGreaterThan(0.04);
    expect(now.reason).toMatch(/baseline is zero/);
  });

  it('refuses to compare results from different machine types', () => {
    const c = compare({}, { p95Ms: 150, cpuModel: 'Some Other CPU @ 9.9GHz' });
    expect(c.verdict).toBe('inconclusive');
    expect(c.summary).toMatch(/CPU model differs/);
    expect(c.fields.fingerprintDifferences[0]).toMatchObject({ field: 'CPU model', blocking: true });
  });

  it('refuses to compare different scenarios', () => {
    const c = compare({}, { users: 50 });
    expect(c.verdict).toBe('inconclusive');
    expect(c.summary).toMatch(/scenario/);
  });

  it('is inconclusive with too few windows', () => {
    const c = compare({ windows: 4 }, { windows: 4 });
    expect(verdictOf(c, 'p95_ms')).toMatchObject({ verdict: 'inconclusive', ci: null });
    expect(c.verdict).toBe('inconclusive');
  });

  it('is inconclusive when the threshold is below the calibrated noise band', () => {
    const c = compare({}, { p95Ms: 103 }, { thresholdPct: 10, noiseBandPct: { p95_ms: 18 } } as never);
    const p95 = verdictOf(c, 'p95_ms');
    expect(p95.verdict).toBe('inconclusive');
    expect(p95.reason).toMatch(/noise band of 18.0%/);
  });

  it('names a tail-only regression', () => {
    const base = syntheticResult({ seed: 3 });
    const cur = syntheticResult({ seed: 4 });
    for (const w of cur.series) w.p99Ms *= 1.4;
    cur.metrics.latencyMs.p99 *= 1.4;
    const c = compareResults({ ref: 'a', result: base }, { ref: 'b', result: cur }, THRESHOLD);
    expect(c.fields.tailOnly).toBe('tail-only regression: p99 worse, p50 not');
    expect(c.summary).toMatch(/^tail-only regression/);
  });

  it('does not let one stalled window swing the verdict', () => {
    const base = syntheticResult({ seed: 5 });
    const cur = syntheticResult({ seed: 6 });
    (cur.series[10] as { p50Ms: number }).p50Ms = 5000;
    const c = compareResults({ ref: 'a', result: base }, { ref: 'b', result: cur }, THRESHOLD);
    const p50 = verdictOf(c, 'p50_ms');
    expect(p50.verdict).toBe('unchanged');
    expect(p50.samples.clamped).toBe(1);
  });

  it('gives the same interval for the same inputs (seeded)', () => {
    const a = compare({}, { p95Ms: 108 });
    const b = compare({}, { p95Ms: 108 });
    expect(verdictOf(a, 'p95_ms').ci).toEqual(verdictOf(b, 'p95_ms').ci);
  });
});
