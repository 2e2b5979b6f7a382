import type { Envelope } from '../core/envelope.ts';
import type { loadKind } from '../load/result.ts';
import type { LoadFields } from '../load/tests.ts';

/** A `shipgate/load@1` envelope: what baselines and comparisons are made of. */
export type LoadEnvelope = Envelope<(typeof loadKind)['fields']['shape']>;
type Window = LoadFields['series'][number];

/** Which way is better. Latency, errors and memory: lower. Throughput: higher. */
export type Direction = 'lower' | 'higher';

/** One comparable metric of a run: its headline figure and its per-window samples. */
export interface MetricSamples {
  metric: string;
  unit: string;
  direction: Direction;
  /** The run's overall figure (what the load report shows). */
  overall: number;
  /** One value per steady window; the unit the bootstrap resamples. */
  windows: number[];
}

interface MetricDefinition {
  metric: string;
  unit: string;
  direction: Direction;
  overall(result: LoadFields): number | undefined;
  /** The metric's samples, given the run and its steady windows. */
  samples(result: LoadFields, steady: readonly Window[]): Array<number | undefined>;
}

/** Samples read off each steady window. */
const perWindow =
  (read: (w: Window) => number | undefined) =>
  (_result: LoadFields, steady: readonly Window[]): Array<number | undefined> =>
    steady.map(read);

/**
 * The metrics a comparison judges, as a table: adding one is one row. Store figures use the same
 * names (see cli/load-common.ts), so `trend --metric p95_ms` and `compare` speak of the same thing.
 */
export const PERF_METRICS: readonly MetricDefinition[] = [
  {
    metric: 'p50_ms',
    unit: 'ms',
    direction: 'lower',
    overall: (r) => r.metrics.latencyMs.p50,
    samples: perWindow((w) => (w.requests > 0 ? w.p50Ms : undefined)),
  },
  {
    metric: 'p95_ms',
    unit: 'ms',
    direction: 'lower',
    overall: (r) => r.metrics.latencyMs.p95,
    samples: perWindow((w) => (w.requests > 0 ? w.p95Ms : undefined)),
  },
  {
    metric: 'p99_ms',
    unit: 'ms',
    direction: 'lower',
    overall: (r) => r.metrics.latencyMs.p99,
    samples: perWindow((w) => (w.requests > 0 ? w.p99Ms : undefined)),
  },
  {
    metric: 'corrected_p99_ms',
    unit: 'ms',
    direction: 'lower',
    overall: (r) => r.metrics.correctedLatencyMs?.p99,
    samples: perWindow((w) => (w.requests > 0 ? w.correctedP99Ms : undefined)),
  },
  {
    metric: 'rps',
    unit: 'req/s',
    direction: 'higher',
    overall: (r) => r.metrics.rps,
    samples: perWindow((w) => w.rps),
  },
  {
    metric: 'error_rate',
    unit: 'ratio',
    direction: 'lower',
    overall: (r) => r.metrics.errorRate,
    samples: perWindow((w) => (w.requests > 0 ? w.errors / w.requests : undefined)),
  },
  {
    metric: 'server_rss_mb',
    unit: 'MB',
    direction: 'lower',
    overall: (r) => r.endurance?.server?.rssEndMb,
    // The server's memory is sampled on its own clock (endurance --server-pid), not per window.
    samples: (r) => r.endurance?.server?.samples.map((s) => s.rssMb) ?? [],
  },
];

/** Aliases people type (`--metric p95`), mapped to metric names. */
export function metricName(input: string): string {
  const short: Record<string, string> = {
    p50: 'p50_ms',
    p95: 'p95_ms',
    p99: 'p99_ms',
    throughput: 'rps',
    errors: 'error_rate',
    memory: 'server_rss_mb',
  };
  return short[input] ?? input;
}

/**
 * The steady windows of a run: ramp-up windows (closed model: users still starting) and the last
 * window (usually partial) would compare start-up and shutdown rather than the service.
 */
export function steadyWindows(result: LoadFields): Window[] {
  const rampUpMs = result.model.kind === 'closed' ? result.model.rampUpMs : 0;
  const series = result.series.filter((w) => w.tMs >= rampUpMs);
  return series.length > 2 ? series.slice(0, -1) : series;
}

/** Every table metric the run measured, with its samples. */
export function samplesOf(result: LoadFields): MetricSamples[] {
  const windows = steadyWindows(result);
  const out: MetricSamples[] = [];
  for (const def of PERF_METRICS) {
    const overall = def.overall(result);
    if (overall === undefined || !Number.isFinite(overall)) continue;
    const values = def
      .samples(result, windows)
      .filter((v): v is number => v !== undefined && Number.isFinite(v));
    out.push({ metric: def.metric, unit: def.unit, direction: def.direction, overall, windows: values });
  }
  return out;
}
