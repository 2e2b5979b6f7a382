import { describe, expect, it } from 'vitest';
import { ArrivalSchedule, rateAt, totalArrivals } from '../../../src/load/engine/arrivals.ts';
import { apportion, effectiveWorkers, planShards, planWindows } from '../../../src/load/engine/plan.ts';
import { mix32, pickWeighted, Stream, seedFrom, uniformAt } from '../../../src/load/engine/prng.ts';
import type { OpenModel, Scenario } from '../../../src/load/types.ts';

function drain(s: ArrivalSchedule): number[] {
  const out: number[] = [];
  for (let t = s.next(); Number.isFinite(t); t = s.next()) out.push(t);
  return out;
}

const constant = (rate: number, maxInFlight = 100): OpenModel => ({
  kind: 'open',
  startRate: rate,
  stages: [],
  maxInFlight,
});

describe('arrival schedule', () => {
  it('spaces a constant rate exactly 1/rate apart and stops at the end of the run', () => {
    const times = drain(new ArrivalSchedule(constant(200), 3000));
    expect(times).toHaveLength(600);
    expect(totalArrivals(constant(200), 3000)).toBe(600);
    expect(times[0]).toBe(0);
    for (let i = 1; i < times.length; i++)
      expect((times[i] as number) - (times[i - 1] as number)).toBeCloseTo(5, 9);
    expect(times[times.length - 1]).toBeLessThan(3000);
  });

  it('integrates a linear ramp: arrivals by time t follow the area under the rate', () => {
    // 0 → 100/s over 10 s: C(t) = 5·t² (t in s), so 500 arrivals, the n-th at sqrt(n/5) s.
    const model: OpenModel = {
      kind: 'open',
      startRate: 0,
      stages: [{ durationMs: 10_000, targetRate: 100 }],
      maxInFlight: 10,
    };
    const times = drain(new ArrivalSchedule(model, 10_000));
    expect(times).toHaveLength(500);
    for (const n of [1, 20, 125, 499]) expect(times[n]).toBeCloseTo(Math.sqrt(n / 5) * 1000, 6);
    expect(rateAt(model, 10_000, 5000)).toBeCloseTo(50, 9);
  });

  it('chains stages (ramp up, hold, ramp down) without losing or duplicating arrivals', () => {
    const model: OpenModel = {
      kind: 'open',
      startRate: 10,
      stages: [
        { durationMs: 2000, targetRate: 50 },
        { durationMs: 1000, targetRate: 50 },
        { durationMs: 2000, targetRate: 0 },
      ],
      maxInFlight: 10,
    };
    // Areas: (10+50)/2·2 + 50·1 + 50/2·2 = 60 + 50 + 50 = 160.
    const times = drain(new ArrivalSchedule(model, 5000));
    expect(times).toHaveLength(160);
    for (let i = 1; i < times.length; i++) expect(times[i] as number).toBeGreaterThan(times[i - 1] as number);
    // The 60th arrival is the first of the hold stage, the 110th the first of the ramp down.
    expect(times[60]).toBeCloseTo(2000, 6);
    expect(times[110]).toBeCloseTo(3000, 6);
  });

  it('interleaved slices are disjoint and together are exactly the single-thread schedule', () => {
    const model: OpenModel = {
      kind: 'open',
      startRate: 30,
      stages: [{ durationMs: 4000, targetRate: 300 }],
      maxInFlight: 10,
    };
    const whole = drain(new ArrivalSchedule(model, 4000));
    const slices = [0, 1, 2].map((k) => drain(new ArrivalSchedule(model, 4000, k, 3)));
    expect(slices.reduce((n, s) => n + s.length, 0)).toBe(whole.length);
    const merged = slices.flat().sort((a, b) => a - b);
    expect(merged).toEqual(whole);
  });
});

describe('plan', () => {
  it('apportions exactly, by weight, with the remainder to the largest fractions', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(137, [4, 3])).toEqual([78, 59]);
    expect(apportion(0, [1, 2])).toEqual([0, 0]);
    expect(apportion(7, [1, 2, 4]).reduce((a, b) => a + b, 0)).toBe(7);
  });

  it('keeps the series at most 3600 points by widening the window for long runs', () => {
    expect(planWindows(60_000, 1000)).toEqual({ windowMs: 1000, windowCount: 60 });
    expect(planWindows(3_600_000, 1000)).toEqual({ windowMs: 1000, windowCount: 3600 });
    const day = planWindows(86_400_000, 1000);
    expect(day.windowMs).toBe(24_000);
    expect(day.windowCount).toBeLessThanOrEqual(3600);
    expect(planWindows(2500, 1000)).toEqual({ windowMs: 1000, windowCount: 3 });
  });

  it('interleaves users over shards and splits maxRequests and in-flight slots exactly', () => {
    const scenario: Scenario = {
      name: 's',
      baseUrl: 'http://127.0.0.1:1',
      requests: [{ name: 'a', method: 'GET', path: '/', headers: {}, weight: 1 }],
      auth: { kind: 'none' },
      model: { kind: 'closed', users: 5, rampUpMs: 0, thinkTimeMs: 0 },
      durationMs: 1000,
      timeoutMs: 1000,
      maxRequests: 101,
    };
    const plans = planShards(scenario, 2, { windowMs: 1000, windowCount: 1 }, 7);
    expect(plans.map((p) => p.userIds)).toEqual([
      [0, 2, 4],
      [1, 3],
    ]);
    expect(plans.map((p) => p.maxRequests)).toEqual([61, 40]);
    expect(effectiveWorkers(scenario, 8)).toBe(5);
    const open = { ...scenario, model: constant(100, 5) };
    const openPlans = planShards(open, 2, { windowMs: 1000, windowCount: 1 }, 7, 3);
    expect(openPlans.map((p) => p.maxInFlight)).toEqual([3, 2]);
    expect(openPlans.map((p) => p.connections)).toEqual([2, 1]);
  });
});

describe('seeded randomness', () => {
  it('is reproducible and addressable by index', () => {
    const a = new Stream(42);
    const b = new Stream(42);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(seqA[3]).toBe(uniformAt(42, 3));
    expect(new Stream(43).next()).not.toBe(seqA[0]);
    expect(seedFrom('checkout')).toBe(seedFrom('checkout'));
    expect(mix32(1)).not.toBe(mix32(2));
  });

  it('picks by weight in proportion', () => {
    const cumulative = new Float64Array([1, 4, 10]); // weights 1, 3, 6
    const counts = [0, 0, 0];
    for (let i = 0; i < 60_000; i++) {
      const k = pickWeighted(cumulative, uniformAt(9, i));
      counts[k] = (counts[k] as number) + 1;
    }
    expect(counts[0] as number).toBeGreaterThan(5400);
    expect(counts[0] as number).toBeLessThan(6600);
    expect(counts[1] as number).toBeGreaterThan(17_000);
    expect(counts[1] as number).toBeLessThan(19_000);
    expect(counts[2] as number).toBeGreaterThan(35_000);
    expect(counts[2] as number).toBeLessThan(37_000);
  });
});
