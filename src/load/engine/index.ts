import { availableParallelism } from 'node:os';
import type { MetricsView } from '../thresholds.ts';
import type { Scenario } from '../types.ts';
import { Aggregator } from './aggregate.ts';
import { effectiveWorkers, planShards, planWindows } from './plan.ts';
import { seedFrom } from './prng.ts';
import type { ShardFinal, StopReason } from './protocol.ts';
import { buildResult, type LoadProgress, type LoadRunResult } from './result.ts';
import { assessGenerator, CpuMeter } from './selfcheck.ts';
import { inThreadShard, type ShardHandle, workerShard } from './threads.ts';

/**
 * The load-generation engine: runs a scenario (closed or open model) against its target and
 * returns exact, merged metrics. See the modules for the parts: plan (windows, shards), shard /
 * closed / open (the hot path on undici's dispatch API), recorder (per-window metrics in a shard),
 * aggregate (exact merging in the coordinator), selfcheck (was the generator the bottleneck?).
 */

export type { SeriesPoint } from './aggregate.ts';
export type { StopReason } from './protocol.ts';
export type { EndpointResult, LoadProgress, LoadRunResult } from './result.ts';
export type { GeneratorHealth } from './selfcheck.ts';

export interface RunLoadOptions {
  /** Worker threads generating load; 0 runs in the calling thread. Default min(2, cores). */
  workers?: number;
  /** Series window, ms (default 1000; widened for very long runs). */
  windowMs?: number;
  /** Called once per window. */
  onProgress?: (progress: LoadProgress) => void;
  signal?: AbortSignal;
  /** Evaluated about every 2 s on all data so far (k6 abortOnFail); true stops the run early. */
  abortCheck?: (view: MetricsView, elapsedMs: number) => boolean;
  /**
   * Open model: TCP connections in total (default maxInFlight, so every arrival can go out on
   * time). Fewer connections make arrivals queue for a free one, as in wrk2: the wait counts in the
   * corrected latency but not in the service time.
   */
  connections?: number;
  /** Seed for request picking (default: derived from the scenario name), for reproducible runs. */
  seed?: number;
}

const ABORT_CHECK_MS = 2000;

export async function runLoad(scenario: Scenario, options: RunLoadOptions = {}): Promise<LoadRunResult> {
  validate(scenario);
  const window = planWindows(scenario.durationMs, options.windowMs ?? 1000);
  const requested = options.workers ?? Math.min(2, availableParallelism());
  const workers = requested <= 0 ? 0 : effectiveWorkers(scenario, requested);
  const seed = options.seed ?? seedFrom(scenario.name);
  const plans = planShards(scenario, Math.max(1, workers), window, seed, options.connections);
  const open = scenario.model.kind === 'open';

  let startLocal = 0;
  const aggregator = new Aggregator({
    shards: plans.length,
    windowMs: window.windowMs,
    open,
    onWindow: ({ point, requests, errors }) => {
      if (!options.onProgress) return;
      options.onProgress({
        elapsedMs: Math.min(point.tMs + window.windowMs, performance.now() - startLocal),
        requests,
        rps: point.rps,
        errors,
        p95Ms: point.p95Ms,
        inFlight: point.inFlight,
        users: point.users,
      });
    },
  });
  aggregator.metrics.vusMax =
    scenario.model.kind === 'closed' ? scenario.model.users : scenario.model.maxInFlight;

  const handles: ShardHandle[] = plans.map((plan) =>
    workers === 0
      ? inThreadShard(plan, (d) => aggregator.add(d))
      : workerShard(plan, (d) => aggregator.add(d)),
  );
  let stopReason: StopReason | null = null;
  const stopAll = (reason: StopReason) => {
    stopReason ??= reason;
    for (const h of handles) h.stop(reason);
  };
  const onAbort = () => stopAll('signal');
  let checkTimer: NodeJS.Timeout | null = null;
  try {
    await Promise.all(handles.map((h) => h.ready));
    // Workers get a short lead so all of them are waiting when the common instant arrives.
    const startEpochMs = performance.timeOrigin + performance.now() + (workers > 0 ? 20 : 1);
    startLocal = startEpochMs - performance.timeOrigin;
    const cpu = new CpuMeter(workers);
    for (const h of handles) h.start(startEpochMs);
    if (options.signal) {
      if (options.signal.aborted) stopAll('signal');
      else options.signal.addEventListener('abort', onAbort, { once: true });
    }
    const abortCheck = options.abortCheck;
    if (abortCheck) {
      checkTimer = setInterval(() => {
        const elapsed = performance.now() - startLocal;
        aggregator.metrics.elapsedMs = elapsed;
        if (stopReason === null && abortCheck(aggregator.metrics, elapsed)) stopAll('abortCheck');
      }, ABORT_CHECK_MS);
    }
    const finals = await Promise.all(
      handles.map((h) =>
        h.done.then((final) => {
          aggregator.shardDone(final.shard);
          return final;
        }),
      ),
    );
    const durationMs = Math.max(0, performance.now() - startLocal);
    const cpuPercent = cpu.percent();
    aggregator.metrics.elapsedMs = durationMs;
    aggregator.finish(durationMs);
    const metrics = aggregator.metrics;
    const generator = assessGenerator({
      workers,
      cpuPercent,
      eventLoopLagMsP99: Math.max(0, ...finals.map((f) => f.lagP99Ms)),
      ...(scenario.model.kind === 'open'
        ? {
            open: {
              intended: metrics.intended,
              dropped: metrics.dropped,
              slipMsP99: metrics.slipUs.percentile(99) / 1000,
              maxInFlight: scenario.model.maxInFlight,
            },
          }
        : {}),
    });
    return buildResult({
      scenario,
      startedAt: new Date(startEpochMs),
      durationMs,
      windowMs: window.windowMs,
      stopReason: stopReason ?? overallStop(finals),
      aggregator,
      generator,
    });
  } finally {
    if (checkTimer) clearInterval(checkTimer);
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
  }
}

/** Why the run ended when nobody stopped it: the request cap if any shard hit it, else time. */
function overallStop(finals: ShardFinal[]): StopReason {
  return finals.some((f) => f.stopReason === 'maxRequests') ? 'maxRequests' : 'duration';
}

function validate(s: Scenario): void {
  const problems: string[] = [];
  if (s.requests.length === 0) problems.push('no requests');
  if (!(s.durationMs > 0)) problems.push(`durationMs must be > 0 (got ${s.durationMs})`);
  if (!(s.timeoutMs > 0)) problems.push(`timeoutMs must be > 0 (got ${s.timeoutMs})`);
  if (s.maxRequests !== undefined && !(Number.isInteger(s.maxRequests) && s.maxRequests >= 0)) {
    problems.push(`maxRequests must be a whole number ≥ 0 (got ${s.maxRequests})`);
  }
  if (s.model.kind === 'closed' && !(Number.isInteger(s.model.users) && s.model.users >= 1)) {
    problems.push(`users must be a whole number ≥ 1 (got ${s.model.users})`);
  }
  if (s.model.kind === 'open') {
    if (!(Number.isInteger(s.model.maxInFlight) && s.model.maxInFlight >= 1)) {
      problems.push(`maxInFlight must be a whole number ≥ 1 (got ${s.model.maxInFlight})`);
    }
    const rates = [s.model.startRate, ...s.model.stages.map((st) => st.targetRate)];
    if (rates.some((r) => !(r >= 0) || !Number.isFinite(r))) problems.push('arrival rates must be ≥ 0');
  }
  if (problems.length > 0) throw new Error(`invalid scenario "${s.name}": ${problems.join('; ')}`);
}
