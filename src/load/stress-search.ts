/**
 * Breaking-point search for `shipgate stress`: raise the load geometrically until the service breaks
 * (or the ceiling is reached), then bisect between the last good and the first failing level. Pure
 * and I/O-free — running a step and judging it are injected — so the search logic is tested against
 * simulated services, and the same code drives concurrency levels (closed model) or arrival rates
 * (open model).
 */
import { UserError } from '../core/errors.ts';

/** What one load step measured. */
export interface StepMeasurement {
  /** The load level the step ran at (virtual users or requests per second). */
  level: number;
  /** Completed requests per second over the step. */
  rps: number;
  p95Ms: number;
  /** Failed requests / all requests, 0..1. */
  errorRate: number;
  requests: number;
}

export interface StepJudgement {
  broken: boolean;
  reason?: string;
}

/** `previous` is the nearest level below this one that was judged good (undefined for the first step). */
export type StepJudge = (step: StepMeasurement, previous: StepMeasurement | undefined) => StepJudgement;

export interface StressSearchOptions {
  start: number;
  max: number;
  runStep(level: number): Promise<StepMeasurement>;
  judge: StepJudge;
  /** Factor between ramp levels (default 2: 1, 2, 4, …, capped at max). */
  growth?: number;
  /** Bisection steps between the last good and first failing level (default 3). */
  bisectSteps?: number;
  /** Stop bisecting once firstFailing − lastGood ≤ this (default 1). */
  minResolution?: number;
}

export interface StressSearchResult {
  lastGood?: StepMeasurement;
  firstFailing?: StepMeasurement;
  /** Highest throughput among the steps judged good; 0 when even the first step broke. */
  maxSustainableRps: number;
  reason: string;
  /** Every step, in the order run. */
  steps: StepMeasurement[];
  broken: boolean;
}

function checkOptions(o: StressSearchOptions): {
  growth: number;
  bisectSteps: number;
  minResolution: number;
} {
  const growth = o.growth ?? 2;
  const bisectSteps = o.bisectSteps ?? 3;
  const minResolution = o.minResolution ?? 1;
  if (!(Number.isFinite(o.start) && o.start > 0)) {
    throw new UserError(`stress start level must be a positive number, got ${o.start}`);
  }
  if (!Number.isFinite(o.max)) throw new UserError(`stress max level must be a finite number, got ${o.max}`);
  if (o.start > o.max) {
    throw new UserError(`stress start level ${o.start} is above the max level ${o.max}`, {
      hint: 'lower the start or raise the max',
    });
  }
  if (!(Number.isFinite(growth) && growth > 1)) {
    throw new UserError(`stress growth factor must be greater than 1, got ${growth}`);
  }
  if (!(Number.isInteger(bisectSteps) && bisectSteps >= 0)) {
    throw new UserError(`stress bisect steps must be a non-negative integer, got ${bisectSteps}`);
  }
  if (!(Number.isFinite(minResolution) && minResolution > 0)) {
    throw new UserError(`stress resolution must be a positive number, got ${minResolution}`);
  }
  if (typeof o.runStep !== 'function' || typeof o.judge !== 'function') {
    throw new Error('searchBreakingPoint needs runStep and judge functions');
  }
  return { growth, bisectSteps, minResolution };
}

/**
 * Levels stay integers when start and max are (virtual users cannot be fractional); otherwise they are
 * real numbers (arrival rates). The ramp always ends with `max` itself unless something broke first.
 */
export async function searchBreakingPoint(options: StressSearchOptions): Promise<StressSearchResult> {
  const { growth, bisectSteps, minResolution } = checkOptions(options);
  const { start, max, runStep, judge } = options;
  const integral = Number.isInteger(start) && Number.isInteger(max);
  const steps: StepMeasurement[] = [];
  let lastGood: StepMeasurement | undefined;
  let firstFailing: StepMeasurement | undefined;
  // Levels as requested, not as reported back: the search must not hinge on a runner echoing them.
  let goodLevel = 0;
  let failLevel = 0;
  let failReason = '';
  let maxSustainableRps = 0;

  const attempt = async (level: number): Promise<boolean> => {
    const step = await runStep(level);
    steps.push(step);
    const verdict = judge(step, lastGood);
    if (verdict.broken) {
      firstFailing = step;
      failLevel = level;
      failReason = verdict.reason?.trim() || `judged broken at level ${level}`;
      return false;
    }
    lastGood = step;
    goodLevel = level;
    if (step.rps > maxSustainableRps) maxSustainableRps = step.rps;
    return true;
  };

  let level = start;
  while (await attempt(level)) {
    if (level >= max) break;
    const grown = integral ? Math.max(level + 1, Math.round(level * growth)) : level * growth;
    level = Math.min(grown, max);
  }

  if (firstFailing && lastGood) {
    for (let i = 0; i < bisectSteps && failLevel - goodLevel > minResolution; i++) {
      const mid = integral ? Math.floor((goodLevel + failLevel) / 2) : (goodLevel + failLevel) / 2;
      if (mid <= goodLevel || mid >= failLevel) break;
      await attempt(mid);
    }
  }

  const result: StressSearchResult = {
    maxSustainableRps,
    reason: firstFailing ? failReason : `no breaking point up to ${max}`,
    steps,
    broken: firstFailing !== undefined,
  };
  if (lastGood) result.lastGood = lastGood;
  if (firstFailing) result.firstFailing = firstFailing;
  return result;
}

export interface DefaultJudgeOptions {
  /** Broken when the error rate exceeds this (0..1). */
  maxErrorRate: number;
  /** Broken when p95 latency exceeds this many milliseconds. */
  maxP95Ms: number;
  /** The knee: after a ≥ 1.5× level increase, throughput must grow by at least this factor (default 1.05). */
  kneeRatio?: number;
}

const KNEE_MIN_LEVEL_GROWTH = 1.5;

/**
 * The usual definition of "broken": too many errors, too slow, or past the knee — more load no longer
 * buys more throughput, so the extra load is only queueing. A step that completed no requests, or
 * whose figures are not numbers, is broken too: a measurement that cannot be read is not a pass.
 */
export function defaultJudge(options: DefaultJudgeOptions): StepJudge {
  const { maxErrorRate, maxP95Ms } = options;
  const kneeRatio = options.kneeRatio ?? 1.05;
  if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) {
    throw new UserError(`max error rate must be between 0 and 1, got ${maxErrorRate}`);
  }
  if (!(Number.isFinite(maxP95Ms) && maxP95Ms > 0)) {
    throw new UserError(`max p95 must be a positive number of milliseconds, got ${maxP95Ms}`);
  }
  if (!(Number.isFinite(kneeRatio) && kneeRatio >= 1)) {
    throw new UserError(`knee ratio must be at least 1, got ${kneeRatio}`);
  }
  const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
  return (step, previous) => {
    if (!(step.requests > 0)) return { broken: true, reason: `no requests completed at level ${step.level}` };
    if (![step.rps, step.p95Ms, step.errorRate].every(Number.isFinite)) {
      return { broken: true, reason: `unreadable measurement at level ${step.level}` };
    }
    if (step.errorRate > maxErrorRate) {
      return {
        broken: true,
        reason: `error rate ${pct(step.errorRate)} > ${pct(maxErrorRate)} at level ${step.level}`,
      };
    }
    if (step.p95Ms > maxP95Ms) {
      return {
        broken: true,
        reason: `p95 ${step.p95Ms.toFixed(1)} ms > ${maxP95Ms} ms at level ${step.level}`,
      };
    }
    if (previous && previous.level > 0 && step.level / previous.level >= KNEE_MIN_LEVEL_GROWTH) {
      if (step.rps < previous.rps * kneeRatio) {
        const gain = previous.rps > 0 ? step.rps / previous.rps - 1 : 0;
        return {
          broken: true,
          reason:
            `throughput stopped rising: level ${previous.level} → ${step.level} ` +
            `(×${(step.level / previous.level).toFixed(2)}) but rps ${previous.rps.toFixed(1)} → ` +
            `${step.rps.toFixed(1)} (${gain >= 0 ? '+' : ''}${(gain * 100).toFixed(1)} %)`,
        };
      }
    }
    return { broken: false };
  };
}
