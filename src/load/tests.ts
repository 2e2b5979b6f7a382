import type { z } from 'zod';
import type { Verdict } from '../core/verdict.ts';
import { type RunLoadOptions, runLoad } from './engine/index.ts';
import type { LoadRunResult } from './engine/result.ts';
import { startProcessSampler } from './process-sampler.ts';
import type { loadKind } from './result.ts';
import { defaultJudge, type StepMeasurement, searchBreakingPoint } from './stress-search.ts';
import { evaluateThresholds, type Threshold, type ThresholdResult } from './thresholds.ts';
import { isDrifting, linearTrend, type TrendPoint } from './trend.ts';
import type { Scenario } from './types.ts';

/**
 * The three tests over the engine: a load test (one run, thresholds), a stress test (a search for
 * the breaking point, one short run per level) and an endurance test (one long run, drift of
 * latency, throughput and the server's memory over time). Each returns the kind's fields, a
 * verdict and the reasons for it; rendering and recording are the CLI's.
 */
export type LoadFields = z.infer<(typeof loadKind)['fields']>;

export interface TestOutcome {
  verdict: Verdict;
  summary: string;
  warnings: string[];
  fields: LoadFields;
  /** The run whose metrics the fields show (the breaking step, for stress). */
  run: LoadRunResult;
}

export interface EngineHooks {
  workers?: number;
  /** Time-series window (default 1 s): shorter windows give a short run enough samples to compare. */
  windowMs?: number;
  onProgress?: RunLoadOptions['onProgress'];
  /** Called when a stress step starts. */
  onStep?: (level: number, unit: 'users' | 'rate') => void;
  signal?: AbortSignal;
}

// ---------------------------------------------------------------------------------------------
// load

export async function loadTest(
  scenario: Scenario,
  thresholds: Threshold[],
  hooks: EngineHooks = {},
): Promise<TestOutcome> {
  const aborting = thresholds.filter((t) => t.abortOnFail);
  const run = await runLoad(scenario, {
    ...(hooks.workers !== undefined ? { workers: hooks.workers } : {}),
    ...(hooks.windowMs !== undefined ? { windowMs: hooks.windowMs } : {}),
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(aborting.length
      ? { abortCheck: (view) => evaluateThresholds(aborting, view).some((r) => !r.passed) }
      : {}),
  });
  const results = evaluateThresholds(thresholds, run.view);
  const failed = results.filter((r) => !r.passed);
  const warnings = [...run.generator.reasons];
  let verdict: Verdict = failed.length ? 'fail' : 'pass';
  // A saturated generator measured itself, not the service: say so rather than pass or blame the service.
  if (run.generator.saturated) verdict = 'inconclusive';
  if (run.completed === 0) {
    verdict = failed.length ? 'fail' : 'inconclusive';
    warnings.push('no request completed: nothing was measured');
  }
  const head = `${run.completed} requests in ${(run.durationMs / 1000).toFixed(1)}s, ${run.rps.toFixed(1)}/s, p95 ${run.latencyMs.p95.toFixed(2)}ms, errors ${(run.errorRate * 100).toFixed(2)}%`;
  const tail =
    verdict === 'inconclusive'
      ? `; inconclusive: ${warnings[0] ?? 'the measurement cannot be trusted'}`
      : failed.length
        ? `; ${failed.length} of ${results.length} thresholds failed`
        : results.length
          ? `; all ${results.length} thresholds passed`
          : '';
  return { verdict, summary: head + tail, warnings, fields: fieldsOf('load', scenario, run, results), run };
}

// ---------------------------------------------------------------------------------------------
// stress

export interface StressOptions {
  /** Step users (closed model) or the arrival rate (open model). */
  unit: 'users' | 'rate';
  max: number;
  start?: number;
  stepDurationMs: number;
  maxErrorRate: number;
  maxP95Ms: number;
  /** Gate: fail when the service breaks below this level (0: report only). */
  minLevel?: number;
}

export async function stressTest(
  scenario: Scenario,
  options: StressOptions,
  hooks: EngineHooks = {},
): Promise<TestOutcome> {
  const runs = new Map<number, LoadRunResult>();
  const atLevel = (level: number): Scenario => ({
    ...scenario,
    durationMs: options.stepDurationMs,
    model:
      options.unit === 'users'
        ? {
            kind: 'closed',
            users: level,
            rampUpMs: 0,
            thinkTimeMs: scenario.model.kind === 'closed' ? scenario.model.thinkTimeMs : 0,
          }
        : {
            kind: 'open',
            startRate: level,
            stages: [{ durationMs: options.stepDurationMs, targetRate: level }],
            maxInFlight: scenario.model.kind === 'open' ? scenario.model.maxInFlight : 1000,
          },
  });
  const search = await searchBreakingPoint({
    start: options.start ?? 1,
    max: options.max,
    judge: defaultJudge({ maxErrorRate: options.maxErrorRate, maxP95Ms: options.maxP95Ms }),
    runStep: async (level): Promise<StepMeasurement> => {
      hooks.onStep?.(level, options.unit);
      const run = await runLoad(atLevel(level), {
        // Ten windows per step, so the step can be judged on its steady part only.
        windowMs: Math.min(1000, Math.max(100, options.stepDurationMs / 10)),
        ...(hooks.workers !== undefined ? { workers: hooks.workers } : {}),
        ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
      });
      runs.set(level, run);
      return steadyMeasurement(level, run);
    },
  });
  const shown = runs.get(
    (search.firstFailing ?? search.lastGood ?? search.steps.at(-1))?.level ?? -1,
  ) as LoadRunResult;
  const warnings: string[] = [];
  const unitWord = options.unit === 'users' ? 'users' : '/s';
  const level = (s: StepMeasurement) => (options.unit === 'users' ? `${s.level} users` : `${s.level}/s`);
  let verdict: Verdict = 'pass';
  let summary: string;
  if (!search.broken) {
    summary = `no breaking point up to ${options.max}${options.unit === 'users' ? ' users' : '/s'}; max sustained ${search.maxSustainableRps.toFixed(1)} req/s`;
  } else {
    const failing = search.firstFailing as StepMeasurement;
    summary = `breaks between ${search.lastGood ? level(search.lastGood) : 'the first step'} and ${level(failing)}: ${search.reason}; max sustainable ${search.maxSustainableRps.toFixed(1)} req/s`;
    const breakingRun = runs.get(failing.level);
    if (breakingRun?.generator.saturated) {
      verdict = 'inconclusive';
      warnings.push(
        `at ${level(failing)} the load generator was the bottleneck: ${breakingRun.generator.reasons.join('; ')}`,
      );
    } else if (options.minLevel && (search.lastGood?.level ?? 0) < options.minLevel) {
      verdict = 'fail';
      summary += `; below the required ${options.minLevel}${unitWord === 'users' ? ' users' : '/s'}`;
    }
  }
  const fields = fieldsOf('stress', scenario, shown, []);
  fields.stress = {
    unit: options.unit,
    broken: search.broken,
    ...(search.lastGood ? { lastGood: search.lastGood } : {}),
    ...(search.firstFailing ? { firstFailing: search.firstFailing } : {}),
    maxSustainableRps: search.maxSustainableRps,
    reason: search.reason,
    steps: search.steps,
  };
  return { verdict, summary, warnings, fields, run: shown };
}

/**
 * A step's figures from its steady part: the first 30 % of its windows (connections opening,
 * threads and JIT warming up) would otherwise read as a throughput drop at every new level.
 */
export function steadyMeasurement(level: number, run: LoadRunResult): StepMeasurement {
  const skip = Math.floor(run.series.length * 0.3);
  const steady = run.series.slice(skip).filter((p) => p.tMs < run.durationMs);
  if (steady.length < 2) {
    const latency = run.correctedLatencyMs ?? run.latencyMs;
    return { level, rps: run.rps, p95Ms: latency.p95, errorRate: run.errorRate, requests: run.completed };
  }
  const windowMs = run.windowMs;
  const requests = steady.reduce((a, p) => a + p.requests, 0);
  const errors = steady.reduce((a, p) => a + p.errors, 0);
  const p95s = steady
    .filter((p) => p.requests > 0)
    .map((p) =>
      p.correctedP99Ms !== undefined && run.correctedLatencyMs
        ? Math.max(p.p95Ms, run.correctedLatencyMs.p95)
        : p.p95Ms,
    )
    .sort((a, b) => a - b);
  return {
    level,
    rps: requests / ((steady.length * windowMs) / 1000),
    // The median window's p95: one slow window (a GC pause) does not break a step on its own.
    p95Ms: p95s[Math.floor(p95s.length / 2)] ?? 0,
    errorRate: requests ? errors / requests : run.errorRate,
    requests: run.completed,
  };
}

// ---------------------------------------------------------------------------------------------
// endurance

export interface EnduranceOptions {
  serverPid?: number;
  /** A memory slope whose whole confidence interval is above this is a leak (MB per hour). */
  leakMbPerHour: number;
  /** p95 growth, as a share of its median per hour, that counts as degradation (0.2 = 20 %/h). */
  degradeShare: number;
  sampleIntervalMs?: number;
}

const HOUR_MS = 3_600_000;

export async function enduranceTest(
  scenario: Scenario,
  thresholds: Threshold[],
  options: EnduranceOptions,
  hooks: EngineHooks = {},
): Promise<TestOutcome> {
  const sampler =
    options.serverPid !== undefined
      ? startProcessSampler(
          options.serverPid,
          options.sampleIntervalMs ?? Math.max(250, Math.min(10_000, scenario.durationMs / 200)),
        )
      : undefined;
  let outcome: TestOutcome;
  try {
    outcome = await loadTest(scenario, thresholds, hooks);
  } finally {
    sampler?.stop();
  }
  const { run } = outcome;
  // The first tenth of a run is warm-up (JIT, caches, pools filling): it would read as drift.
  const skip = Math.max(1, Math.floor(run.series.length / 10));
  const windows = run.series.slice(skip).filter((p) => p.requests > 0);
  const hours = (tMs: number) => tMs / HOUR_MS;
  const p95 = linearTrend(windows.map((p) => ({ x: hours(p.tMs), y: p.p95Ms })));
  const p99 = linearTrend(windows.map((p) => ({ x: hours(p.tMs), y: p.p99Ms })));
  const rps = linearTrend(windows.map((p) => ({ x: hours(p.tMs), y: p.rps })));
  const samples = sampler?.samples() ?? [];
  const rssPoints: TrendPoint[] = samples
    .filter((s) => s.tMs >= (run.series[skip]?.tMs ?? 0))
    .map((s) => ({ x: hours(s.tMs), y: s.rssBytes / 1e6 }));
  const rss = sampler ? linearTrend(rssPoints) : undefined;

  const findings: string[] = [];
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const p95Level = median(windows.map((p) => p.p95Ms));
  const rpsLevel = median(windows.map((p) => p.rps));
  if (p95.sufficient && isDrifting(p95, Math.max(1, p95Level * options.degradeShare))) {
    findings.push(
      `p95 latency grows ${p95.slope.toFixed(1)} ms/h (95% CI ${p95.slopeLow.toFixed(1)}…${p95.slopeHigh.toFixed(1)}) from ${p95Level.toFixed(1)} ms`,
    );
  }
  if (
    run.model.kind === 'closed' &&
    rps.sufficient &&
    isDrifting(rps, -Math.max(1, rpsLevel * options.degradeShare))
  ) {
    findings.push(
      `throughput falls ${(-rps.slope).toFixed(1)} req/s per hour from ${rpsLevel.toFixed(1)} req/s`,
    );
  }
  const leaking = rss?.sufficient === true && isLeak(rssPoints, options.leakMbPerHour);
  if (leaking && rss?.sufficient) {
    findings.push(
      `server memory grows +${rss.slope.toFixed(1)} MB/h (95% CI ${rss.slopeLow.toFixed(1)}…${rss.slopeHigh.toFixed(1)}): a leak`,
    );
  }
  const enough = p95.sufficient && (!sampler || rss?.sufficient);
  const enduranceVerdict = !enough
    ? 'insufficient-data'
    : leaking
      ? 'leaking'
      : findings.length
        ? 'degrading'
        : 'stable';
  const trendOf = (t: typeof p95 | undefined) =>
    t?.sufficient ? { slope: t.slope, low: t.slopeLow, high: t.slopeHigh } : null;
  const first = samples[0];
  const last = samples.at(-1);
  outcome.fields.mode = 'endurance';
  outcome.fields.endurance = {
    verdict: enduranceVerdict,
    findings,
    latencyP95SlopeMsPerHour: trendOf(p95),
    latencyP99SlopeMsPerHour: trendOf(p99),
    rpsSlopePerHour: trendOf(rps),
    serverRssSlopeMbPerHour: trendOf(rss),
    ...(sampler && first && last
      ? {
          server: {
            pid: sampler.pid,
            rssStartMb: first.rssBytes / 1e6,
            rssEndMb: last.rssBytes / 1e6,
            cpuPercentMean:
              last.tMs > first.tMs
                ? ((last.cpuSeconds - first.cpuSeconds) / ((last.tMs - first.tMs) / 1000)) * 100
                : 0,
            samples: samples.map((s) => ({ tMs: s.tMs, rssMb: s.rssBytes / 1e6 })),
          },
        }
      : {}),
  };
  if (enduranceVerdict === 'leaking' || enduranceVerdict === 'degrading') {
    if (outcome.verdict !== 'inconclusive') outcome.verdict = 'fail';
    outcome.summary = `${findings.join('; ')}; ${outcome.summary}`;
  } else if (enduranceVerdict === 'insufficient-data') {
    if (outcome.verdict === 'pass') outcome.verdict = 'inconclusive';
    outcome.warnings.push('too few windows to judge drift: run longer');
  } else {
    outcome.summary = `stable over ${(run.durationMs / 1000).toFixed(0)}s: ${outcome.summary}`;
  }
  return outcome;
}

/**
 * Memory that is still filling up (heap growth, caches, JIT) also rises at first, so a rising
 * line alone is not a leak. A leak keeps rising at its rate: the slope's whole confidence interval
 * is above the bound, the later half of the run still rises at least half as fast as the whole,
 * and the growth is material (≥ 5 MB and ≥ 5 % of where memory started).
 */
export function isLeak(points: TrendPoint[], minMbPerHour: number): boolean {
  const whole = linearTrend(points);
  if (!whole.sufficient || !isDrifting(whole, minMbPerHour)) return false;
  const late = linearTrend(points.slice(Math.floor(points.length / 2)));
  if (!late.sufficient || late.slopeLow <= 0 || late.slope < whole.slope / 2) return false;
  const xs = points.map((p) => p.x);
  const growthMb = whole.slope * (Math.max(...xs) - Math.min(...xs));
  const startMb = points[0]?.y ?? 0;
  return growthMb >= Math.max(5, startMb * 0.05);
}

// ---------------------------------------------------------------------------------------------

function fieldsOf(
  mode: LoadFields['mode'],
  scenario: Scenario,
  run: LoadRunResult,
  thresholds: ThresholdResult[],
): LoadFields {
  return {
    mode,
    target: {
      baseUrl: scenario.baseUrl,
      scenario: scenario.name,
      requests: scenario.requests.map((r) => r.name),
    },
    model: run.model,
    durationMs: run.durationMs,
    stopReason: run.stopReason,
    metrics: {
      requests: run.requests,
      completed: run.completed,
      rps: run.rps,
      errors: run.errors,
      errorRate: run.errorRate,
      bytesIn: run.bytesIn,
      bytesOut: run.bytesOut,
      latencyMs: run.latencyMs,
      waitingMs: run.waitingMs,
      ...(run.correctedLatencyMs ? { correctedLatencyMs: run.correctedLatencyMs } : {}),
      statusCodes: run.statusCodes,
      errorKinds: run.errorKinds as Record<string, number>,
      errorExamples: run.errorExamples as Record<string, string[]>,
    },
    ...(run.schedule ? { schedule: run.schedule } : {}),
    series: run.series,
    endpoints: run.endpoints,
    generator: run.generator,
    thresholds: thresholds.map(({ note: _note, ...r }) => r),
  };
}
