/**
 * A measurement as checks report it: a metric name, labels naming what was measured, and a value.
 * Series ids use Prometheus notation (`http_response_time_ms{check="health"}`) so the store, the
 * alert keys and `/metrics` all speak one language.
 */
export type Labels = Record<string, string>;

export interface Sample {
  metric: string;
  labels: Labels;
  value: number;
}

export function seriesId(metric: string, labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return metric;
  return `${metric}{${keys.map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`).join(',')}}`;
}

/** Prometheus text-format escaping for label values. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** True when `labels` carries every matcher's value. */
export function matches(labels: Labels, matchers: Labels): boolean {
  return Object.entries(matchers).every(([k, v]) => labels[k] === v);
}

/** Values are kept to a few decimals: microsecond noise in a millisecond figure is not information. */
export function round(n: number, decimals = 3): number {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
}
