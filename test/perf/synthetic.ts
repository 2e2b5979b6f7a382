import { makeEnvelope } from '../../src/core/envelope.ts';
import { loadKind } from '../../src/load/result.ts';
import type { LoadEnvelope } from '../../src/perf/metrics.ts';
import { rng } from '../helpers/random.ts';

export interface SyntheticRun {
  windows?: number;
  p95Ms?: number;
  rps?: number;
  errorRate?: number;
  /** Relative noise (standard deviation as a fraction of the level) per window. */
  noise?: number;
  /** AR(1) coefficient: how much of a window's deviation carries into the next. */
  autocorrelation?: number;
  seed?: number;
  cpuModel?: string;
  users?: number;
}

/** Standard normal noise (Box-Muller) from a seeded stream. */
function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * A load result with known truth: every window's latency and throughput sit at the given levels
 * plus autocorrelated Gaussian noise, so a test knows exactly what change it planted.
 */
export function syntheticResult(run: SyntheticRun = {}): LoadEnvelope {
  const n = run.windows ?? 30;
  const p95 = run.p95Ms ?? 100;
  const rps = run.rps ?? 500;
  const noise = run.noise ?? 0.02;
  const phi = run.autocorrelation ?? 0.5;
  const z = gaussian(rng(run.seed ?? 1));
  let e = 0;
  const series = [];
  for (let i = 0; i < n; i++) {
    e = phi * e + Math.sqrt(1 - phi * phi) * z();
    const f = 1 + noise * e;
    const requests = Math.round(rps * f);
    series.push({
      tMs: i * 1000,
      requests,
      errors: Math.round(requests * (run.errorRate ?? 0)),
      rps: rps * (2 - f),
      p50Ms: (p95 / 2) * f,
      p95Ms: p95 * f,
      p99Ms: p95 * 1.3 * f,
      users: run.users ?? 10,
      inFlight: 1,
    });
  }
  const latency = (scale: number) => ({
    min: scale / 4,
    mean: scale / 2,
    p50: scale / 2,
    p90: scale * 0.9,
    p95: scale,
    p99: scale * 1.3,
    p999: scale * 1.5,
    max: scale * 2,
    stdDev: scale / 5,
  });
  const total = series.reduce((s, w) => s + w.requests, 0);
  const envelope = makeEnvelope(loadKind, {
    verdict: 'pass',
    summary: 'synthetic',
    startedAt: new Date('2026-01-01T00:00:00Z'),
    fields: {
      mode: 'load',
      target: { baseUrl: 'http://127.0.0.1:1', scenario: 'synthetic', requests: ['GET /'] },
      model: { kind: 'closed', users: run.users ?? 10, rampUpMs: 0, thinkTimeMs: 0 },
      durationMs: n * 1000,
      stopReason: 'duration',
      metrics: {
        requests: total,
        completed: total,
        rps,
        errors: Math.round(total * (run.errorRate ?? 0)),
        errorRate: run.errorRate ?? 0,
        bytesIn: 0,
        bytesOut: 0,
        latencyMs: latency(p95),
        waitingMs: latency(p95),
        statusCodes: { '200': total },
        errorKinds: {},
        errorExamples: {},
      },
      series,
      endpoints: {},
      generator: { workers: 1, cpuPercent: 10, eventLoopLagMsP99: 1, saturated: false, reasons: [] },
      thresholds: [],
    },
  });
  if (run.cpuModel) envelope.environment = { ...envelope.environment, cpuModel: run.cpuModel };
  return envelope;
}
