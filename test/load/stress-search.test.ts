import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import {
  defaultJudge,
  type StepMeasurement,
  type StressSearchOptions,
  searchBreakingPoint,
} from '../../src/load/stress-search.ts';

/** A simulated service as a pure function of the load level. */
type Service = (level: number) => Omit<StepMeasurement, 'level'>;

function runner(service: Service): StressSearchOptions['runStep'] {
  return async (level) => ({ level, ...service(level) });
}

/** Scales linearly, answers in 20 ms, and starts failing a quarter of requests above 40 users. */
const errorsAbove40: Service = (level) => ({
  rps: level * 50,
  p95Ms: 20,
  errorRate: level > 40 ? 0.25 : 0,
  requests: level * 500,
});

const judge = defaultJudge({ maxErrorRate: 0.01, maxP95Ms: 500 });

describe('searchBreakingPoint', () => {
  it('ramps 1, 2, 4 … until the break, then bisects between 32 and 64', async () => {
    const r = await searchBreakingPoint({ start: 1, max: 1000, runStep: runner(errorsAbove40), judge });
    expect(r.broken).toBe(true);
    expect(r.steps.map((s) => s.level)).toEqual([1, 2, 4, 8, 16, 32, 64, 48, 40, 44]);
    const good = r.lastGood?.level ?? Number.NaN;
    const bad = r.firstFailing?.level ?? Number.NaN;
    expect(good).toBeGreaterThanOrEqual(32);
    expect(bad).toBeLessThanOrEqual(48);
    expect(good).toBeLessThanOrEqual(40);
    expect(bad).toBeGreaterThan(40);
    expect(r.maxSustainableRps).toBe(40 * 50);
    expect(r.reason).toMatch(/error rate 25\.00 % > 1\.00 %/);
  });

  it('bisects further when allowed, down to the resolution', async () => {
    const r = await searchBreakingPoint({
      start: 1,
      max: 1000,
      runStep: runner(errorsAbove40),
      judge,
      bisectSteps: 10,
    });
    expect(r.lastGood?.level).toBe(40);
    expect(r.firstFailing?.level).toBe(41);
    const coarse = await searchBreakingPoint({
      start: 1,
      max: 1000,
      runStep: runner(errorsAbove40),
      judge,
      bisectSteps: 10,
      minResolution: 8,
    });
    const width = (coarse.firstFailing?.level ?? 0) - (coarse.lastGood?.level ?? 0);
    expect(width).toBeLessThanOrEqual(8);
    expect(coarse.steps.length).toBeLessThan(r.steps.length);
  });

  it('no breaking point up to max: tries max itself last and says so', async () => {
    const r = await searchBreakingPoint({
      start: 1,
      max: 200,
      runStep: runner((level) => ({ rps: level * 10, p95Ms: 15, errorRate: 0, requests: level * 100 })),
      judge,
    });
    expect(r.broken).toBe(false);
    expect(r.reason).toBe('no breaking point up to 200');
    expect(r.steps.map((s) => s.level)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 200]);
    expect(r.lastGood?.level).toBe(200);
    expect(r.firstFailing).toBeUndefined();
    expect(r.maxSustainableRps).toBe(2000);
  });

  it('finds the knee when throughput goes flat beyond 50', async () => {
    const r = await searchBreakingPoint({
      start: 1,
      max: 1000,
      runStep: runner((level) => ({
        rps: Math.min(level, 50) * 10,
        p95Ms: 10 * Math.max(1, level / 50),
        errorRate: 0,
        requests: 1000,
      })),
      judge,
    });
    expect(r.broken).toBe(true);
    expect(r.reason).toMatch(/throughput stopped rising/);
    expect(r.maxSustainableRps).toBe(500);
    expect(r.firstFailing?.level).toBeGreaterThan(50);
  });

  it('a service broken at the first level has no last good step', async () => {
    const r = await searchBreakingPoint({
      start: 10,
      max: 100,
      runStep: runner(() => ({ rps: 5, p95Ms: 900, errorRate: 0, requests: 50 })),
      judge,
    });
    expect(r.broken).toBe(true);
    expect(r.lastGood).toBeUndefined();
    expect(r.firstFailing?.level).toBe(10);
    expect(r.steps).toHaveLength(1);
    expect(r.maxSustainableRps).toBe(0);
    expect(r.reason).toMatch(/p95 900\.0 ms > 500 ms/);
  });

  it('keeps real-valued levels for arrival rates and caps at max', async () => {
    const r = await searchBreakingPoint({
      start: 2.5,
      max: 30.5,
      growth: 3,
      runStep: runner((rate) => ({ rps: rate, p95Ms: 10, errorRate: 0, requests: 100 })),
      judge,
    });
    expect(r.steps.map((s) => s.level)).toEqual([2.5, 7.5, 22.5, 30.5]);
  });

  it('passes the nearest good step below as "previous" and falls back to a generic reason', async () => {
    const seen: Array<[number, number | undefined]> = [];
    const r = await searchBreakingPoint({
      start: 1,
      max: 100,
      runStep: runner(errorsAbove40),
      judge: (step, previous) => {
        seen.push([step.level, previous?.level]);
        return { broken: step.level > 40 };
      },
    });
    expect(seen.slice(0, 3)).toEqual([
      [1, undefined],
      [2, 1],
      [4, 2],
    ]);
    // Bisection between 32 and 64: 48 (bad) compares with 32, 40 (good) with 32, 44 with 40.
    expect(seen.slice(-3)).toEqual([
      [48, 32],
      [40, 32],
      [44, 40],
    ]);
    expect(r.reason).toBe('judged broken at level 44');
  });

  it('rejects start > max and bad options', async () => {
    const base = { start: 1, max: 10, runStep: runner(errorsAbove40), judge };
    await expect(searchBreakingPoint({ ...base, start: 20 })).rejects.toThrow(/above the max/);
    await expect(searchBreakingPoint({ ...base, start: 20 })).rejects.toBeInstanceOf(UserError);
    await expect(searchBreakingPoint({ ...base, start: 0 })).rejects.toThrow(Error);
    await expect(searchBreakingPoint({ ...base, growth: 1 })).rejects.toThrow(/growth/);
    await expect(searchBreakingPoint({ ...base, bisectSteps: -1 })).rejects.toThrow(/bisect/);
    await expect(searchBreakingPoint({ ...base, minResolution: 0 })).rejects.toThrow(/resolution/);
    await expect(searchBreakingPoint({ ...base, max: Number.POSITIVE_INFINITY })).rejects.toThrow(/max/);
  });

  it('propagates a failing step runner', async () => {
    await expect(
      searchBreakingPoint({
        start: 1,
        max: 10,
        runStep: async () => {
          throw new Error('connection refused');
        },
        judge,
      }),
    ).rejects.toThrow('connection refused');
  });
});

describe('defaultJudge', () => {
  const step = (over: Partial<StepMeasurement>): StepMeasurement => ({
    level: 10,
    rps: 100,
    p95Ms: 50,
    errorRate: 0,
    requests: 1000,
    ...over,
  });
  const j = defaultJudge({ maxErrorRate: 0.05, maxP95Ms: 200 });

  it('passes a healthy step and fails on errors or latency', () => {
    expect(j(step({}), undefined).broken).toBe(false);
    expect(j(step({ errorRate: 0.05 }), undefined).broken).toBe(false);
    expect(j(step({ errorRate: 0.06 }), undefined)).toMatchObject({ broken: true, reason: /error rate/ });
    expect(j(step({ p95Ms: 201 }), undefined)).toMatchObject({ broken: true, reason: /p95/ });
  });

  it('the knee: only after the level grew ≥ 1.5×, and only when rps rose < 5 %', () => {
    const prev = step({ level: 10, rps: 100 });
    expect(j(step({ level: 20, rps: 104 }), prev)).toMatchObject({
      broken: true,
      reason: /throughput stopped rising: level 10 → 20/,
    });
    expect(j(step({ level: 20, rps: 106 }), prev).broken).toBe(false);
    // A small level increase is not expected to buy 5 % more throughput.
    expect(j(step({ level: 14, rps: 100 }), prev).broken).toBe(false);
    expect(j(step({ level: 20, rps: 100 }), undefined).broken).toBe(false);
    const lenient = defaultJudge({ maxErrorRate: 0.05, maxP95Ms: 200, kneeRatio: 1 });
    expect(lenient(step({ level: 20, rps: 100 }), prev).broken).toBe(false);
    expect(lenient(step({ level: 20, rps: 99 }), prev).broken).toBe(true);
  });

  it('an empty or unreadable step is broken, not a pass', () => {
    expect(j(step({ requests: 0, errorRate: Number.NaN }), undefined)).toMatchObject({
      broken: true,
      reason: /no requests/,
    });
    expect(j(step({ p95Ms: Number.NaN }), undefined).broken).toBe(true);
  });

  it('rejects bad limits', () => {
    expect(() => defaultJudge({ maxErrorRate: 2, maxP95Ms: 100 })).toThrow(UserError);
    expect(() => defaultJudge({ maxErrorRate: 0.1, maxP95Ms: 0 })).toThrow(UserError);
    expect(() => defaultJudge({ maxErrorRate: 0.1, maxP95Ms: 100, kneeRatio: 0.9 })).toThrow(UserError);
  });
});
