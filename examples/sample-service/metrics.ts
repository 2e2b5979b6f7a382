/**
 * Request counters and a latency summary for /api/status and /api/metrics. Recording is a few
 * array writes: the service is the target of load tests, so the hot path allocates nothing.
 */

/** Percentiles are computed over the most recent requests, which is what a monitor polling this wants. */
export const LATENCY_WINDOW = 4096;

export interface LatencySummary {
  count: number;
  window: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface RequestCounts {
  total: number;
  in_flight: number;
  errors: number;
  by_status: Record<string, number>;
  by_route: Record<string, number>;
}

export class RequestMetrics {
  #total = 0;
  #inFlight = 0;
  #errors = 0;
  readonly #byStatus = new Uint32Array(600);
  readonly #byRoute = new Map<string, number>();
  readonly #recent = new Float64Array(LATENCY_WINDOW);
  #recentCount = 0;
  #next = 0;
  #sumMs = 0;

  started(): void {
    this.#inFlight++;
  }

  finished(routeKey: string, status: number, ms: number): void {
    this.#inFlight--;
    this.#total++;
    if (status >= 500) this.#errors++;
    if (status < this.#byStatus.length) this.#byStatus[status] = (this.#byStatus[status] ?? 0) + 1;
    this.#byRoute.set(routeKey, (this.#byRoute.get(routeKey) ?? 0) + 1);
    this.#recent[this.#next] = ms;
    this.#next = (this.#next + 1) % LATENCY_WINDOW;
    if (this.#recentCount < LATENCY_WINDOW) this.#recentCount++;
    this.#sumMs += ms;
  }

  counts(): RequestCounts {
    const byStatus: Record<string, number> = {};
    this.#byStatus.forEach((n, status) => {
      if (n > 0) byStatus[String(status)] = n;
    });
    return {
      total: this.#total,
      in_flight: this.#inFlight,
      errors: this.#errors,
      by_status: byStatus,
      by_route: Object.fromEntries(this.#byRoute),
    };
  }

  latency(): LatencySummary {
    const sorted = this.#recent.slice(0, this.#recentCount).sort();
    const at = (q: number) =>
      sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0);
    return {
      count: this.#total,
      window: sorted.length,
      mean: round3(this.#total === 0 ? 0 : this.#sumMs / this.#total),
      p50: round3(at(0.5)),
      p90: round3(at(0.9)),
      p95: round3(at(0.95)),
      p99: round3(at(0.99)),
      max: round3(sorted.length === 0 ? 0 : (sorted[sorted.length - 1] ?? 0)),
    };
  }
}

export function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
