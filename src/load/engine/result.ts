import { Histogram, type SerializedHistogram } from '../histogram.ts';
import type { HistogramKind, RunMetrics } from '../metrics.ts';
import type { MetricsView } from '../thresholds.ts';
import type { ErrorKind, LatencySummaryMs, LoadModel, Scenario } from '../types.ts';
import type { Aggregator, SeriesPoint } from './aggregate.ts';
import type { StopReason } from './protocol.ts';
import type { GeneratorHealth } from './selfcheck.ts';

/** What `onProgress` receives once per window. */
export interface LoadProgress {
  /** Run time at the end of the window just closed, ms. */
  elapsedMs: number;
  /** Requests finished so far (answered or failed). */
  requests: number;
  /** Responses per second in the last window. */
  rps: number;
  errors: number;
  /** p95 latency of the last window, ms. */
  p95Ms: number;
  inFlight: number;
  /** Peak active virtual users (closed) or in-flight requests (open) in the last window. */
  users: number;
}

export interface EndpointResult {
  requests: number;
  errors: number;
  errorRate: number;
  rps: number;
  latencyMs: LatencySummaryMs;
  correctedLatencyMs?: LatencySummaryMs;
  statusCodes: Record<string, number>;
}

export interface LoadRunResult {
  scenario: string;
  startedAt: Date;
  /** Actual run time, including the drain of in-flight requests after the last send. */
  durationMs: number;
  model: LoadModel;
  stopReason: StopReason;
  /** Width of a series window (wider than asked for very long runs, so the series stays short). */
  windowMs: number;
  /** Requests finished: answered (any status) or failed without an answer. */
  requests: number;
  /** Requests answered in full, whatever the status. */
  completed: number;
  errors: number;
  errorRate: number;
  /** Completed per second. */
  rps: number;
  bytesIn: number;
  bytesOut: number;
  /** Service time: send → end of body. */
  latencyMs: LatencySummaryMs;
  /** Send → first byte of the answer (TTFB). */
  waitingMs: LatencySummaryMs;
  /** Open model: intended send time → end of body (coordinated-omission free). */
  correctedLatencyMs?: LatencySummaryMs;
  statusCodes: Record<string, number>;
  errorKinds: Partial<Record<ErrorKind, number>>;
  /** Up to 5 distinct messages per error kind. */
  errorExamples: Partial<Record<ErrorKind, string[]>>;
  endpoints: Record<string, EndpointResult>;
  series: SeriesPoint[];
  schedule?: { intended: number; sent: number; dropped: number; slipMsP99: number; slipMsMax: number };
  generator: GeneratorHealth;
  histograms: { latency: SerializedHistogram; corrected?: SerializedHistogram; waiting: SerializedHistogram };
  /** Merged metrics for thresholds (the one field that is not plain data). */
  view: MetricsView;
}

export function buildResult(input: {
  scenario: Scenario;
  startedAt: Date;
  durationMs: number;
  windowMs: number;
  stopReason: StopReason;
  aggregator: Aggregator;
  generator: GeneratorHealth;
}): LoadRunResult {
  const { scenario, aggregator } = input;
  const metrics = aggregator.metrics;
  const seconds = input.durationMs / 1000;
  const open = scenario.model.kind === 'open';
  const requests = aggregator.requests;
  const errors = aggregator.errors;

  const latency = merged(metrics, 'latency');
  const waiting = merged(metrics, 'waiting');
  const corrected = open ? merged(metrics, 'corrected') : null;

  const result: LoadRunResult = {
    scenario: scenario.name,
    startedAt: input.startedAt,
    durationMs: input.durationMs,
    model: scenario.model,
    stopReason: input.stopReason,
    windowMs: input.windowMs,
    requests,
    completed: aggregator.completed,
    errors,
    errorRate: requests > 0 ? errors / requests : 0,
    rps: seconds > 0 ? aggregator.completed / seconds : 0,
    bytesIn: metrics.bytesIn,
    bytesOut: metrics.bytesOut,
    latencyMs: latency.summaryMs(),
    waitingMs: waiting.summaryMs(),
    statusCodes: statusCodes(metrics),
    errorKinds: { ...metrics.errorKinds },
    errorExamples: structuredClone(metrics.examples),
    endpoints: endpoints(metrics, seconds, open),
    series: aggregator.series,
    generator: input.generator,
    histograms: { latency: latency.toJSON(), waiting: waiting.toJSON() },
    view: metrics,
  };
  if (corrected) {
    result.correctedLatencyMs = corrected.summaryMs();
    result.histograms.corrected = corrected.toJSON();
    result.schedule = {
      intended: metrics.intended,
      sent: metrics.sent,
      dropped: metrics.dropped,
      slipMsP99: metrics.slipUs.percentile(99) / 1000,
      slipMsMax: metrics.slipUs.max / 1000,
    };
  }
  return result;
}

function merged(metrics: RunMetrics, kind: HistogramKind, tags: Record<string, string> = {}): Histogram {
  return metrics.histogram(kind, tags) ?? new Histogram();
}

function statusCodes(metrics: RunMetrics, name?: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of metrics.combinations()) {
    if (k.status === 0 || (name !== undefined && k.name !== name)) continue;
    const key = String(k.status);
    out[key] = (out[key] ?? 0) + k.count;
  }
  return out;
}

function endpoints(metrics: RunMetrics, seconds: number, open: boolean): Record<string, EndpointResult> {
  const out: Record<string, EndpointResult> = {};
  const names = [...new Set(metrics.combinations().map((k) => k.name))];
  for (const name of names) {
    const tags = { name };
    const requests = metrics.count(tags);
    const errors = metrics.count(tags, (k) => k.failed);
    const completed = metrics.count(tags, (k) => k.status > 0);
    const entry: EndpointResult = {
      requests,
      errors,
      errorRate: requests > 0 ? errors / requests : 0,
      rps: seconds > 0 ? completed / seconds : 0,
      latencyMs: merged(metrics, 'latency', tags).summaryMs(),
      statusCodes: statusCodes(metrics, name),
    };
    if (open) entry.correctedLatencyMs = merged(metrics, 'corrected', tags).summaryMs();
    out[name] = entry;
  }
  return out;
}
