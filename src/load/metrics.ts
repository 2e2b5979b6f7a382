import type { KeyDelta } from './engine/protocol.ts';
import { Histogram } from './histogram.ts';
import type { CounterMetric, GaugeMetric, MetricsView, RateMetric, TrendMetric } from './thresholds.ts';
import type { ErrorKind } from './types.ts';

/**
 * A run's merged metrics: every (request, status, outcome) combination with its exact count and
 * histograms, plus run-level counters. Tag selections (`{name:login}`, `{status:503}`,
 * `{expected_response:true}`) are answered by merging the matching combinations, so any submetric
 * is exact and the store does not grow with run length — only with the number of distinct
 * (request, status) pairs seen.
 */

/** Totals for one (request, status, failed) combination. `status` 0: no response arrived. */
export interface KeyTotals {
  request: number;
  name: string;
  method: string;
  status: number;
  failed: boolean;
  login: boolean;
  count: number;
  checks: number;
  checksPassed: number;
  latency: Histogram | null;
  waiting: Histogram | null;
  corrected: Histogram | null;
}

export type HistogramKind = 'latency' | 'waiting' | 'corrected';

const MAX_EXAMPLES = 5;

export class RunMetrics implements MetricsView {
  private readonly keys = new Map<string, KeyTotals>();
  bytesIn = 0;
  bytesOut = 0;
  intended = 0;
  sent = 0;
  dropped = 0;
  readonly slipUs = new Histogram();
  readonly errorKinds: Partial<Record<ErrorKind, number>> = {};
  readonly examples: Partial<Record<ErrorKind, string[]>> = {};
  /** Run time so far (ms): the denominator of every per-second figure. */
  elapsedMs = 0;
  /** Gauges: peak users (or in-flight requests) in the latest window, and the most the run could have. */
  vus = 0;
  vusMax = 0;
  private cache = new Map<string, Histogram | null>();

  /** Adds one window's figures for one combination; takes ownership of the histograms passed. */
  addKey(
    delta: KeyDelta,
    latency: Histogram | null,
    waiting: Histogram | null,
    corrected: Histogram | null,
  ): void {
    const id = `${delta.request}\u0000${delta.status}\u0000${delta.failed ? 1 : 0}`;
    let k = this.keys.get(id);
    if (!k) {
      k = {
        request: delta.request,
        name: delta.name,
        method: delta.method,
        status: delta.status,
        failed: delta.failed,
        login: delta.login,
        count: 0,
        checks: 0,
        checksPassed: 0,
        latency: null,
        waiting: null,
        corrected: null,
      };
      this.keys.set(id, k);
    }
    k.count += delta.count;
    k.checks += delta.checks;
    k.checksPassed += delta.checksPassed;
    if (latency) k.latency = adopt(k.latency, latency);
    if (waiting) k.waiting = adopt(k.waiting, waiting);
    if (corrected) k.corrected = adopt(k.corrected, corrected);
    this.cache.clear();
  }

  addErrors(kinds: Partial<Record<ErrorKind, number>>, examples: Partial<Record<ErrorKind, string[]>>): void {
    for (const [kind, n] of Object.entries(kinds) as Array<[ErrorKind, number]>) {
      this.errorKinds[kind] = (this.errorKinds[kind] ?? 0) + n;
    }
    for (const [kind, list] of Object.entries(examples) as Array<[ErrorKind, string[]]>) {
      let kept = this.examples[kind];
      if (!kept) {
        kept = [];
        this.examples[kind] = kept;
      }
      for (const text of list) if (kept.length < MAX_EXAMPLES && !kept.includes(text)) kept.push(text);
    }
  }

  /** Every combination seen, in first-seen order. */
  combinations(): readonly KeyTotals[] {
    return [...this.keys.values()];
  }

  /** Merged histogram of the combinations matching `tags` (a fresh copy, or null when empty). */
  histogram(kind: HistogramKind, tags: Record<string, string> = {}): Histogram | null {
    const cacheKey = `${kind}|${JSON.stringify(tags)}`;
    if (this.cache.has(cacheKey)) return this.cache.get(cacheKey) ?? null;
    let out: Histogram | null = null;
    for (const k of this.select(tags) ?? []) {
      const h = k[kind];
      if (h && h.count > 0) out = mergeInto(out, h);
    }
    this.cache.set(cacheKey, out);
    return out;
  }

  /** Requests finished (answered or failed) among the combinations matching `tags`. */
  count(tags: Record<string, string> = {}, filter?: (k: KeyTotals) => boolean): number {
    let n = 0;
    for (const k of this.select(tags) ?? []) if (!filter || filter(k)) n += k.count;
    return n;
  }

  // ---- MetricsView ----------------------------------------------------------------------------

  trend(metric: TrendMetric, tags: Record<string, string>) {
    const h = this.histogram(metric === 'http_req_waiting' ? 'waiting' : 'latency', tags);
    if (!h || h.count === 0) return undefined;
    return {
      count: h.count,
      mean: h.mean / 1000,
      min: h.min / 1000,
      max: h.max / 1000,
      percentile: (p: number) => h.percentile(p) / 1000,
    };
  }

  rate(metric: RateMetric, tags: Record<string, string>) {
    const selected = this.select(tags);
    if (!selected) return undefined;
    let passes = 0;
    let total = 0;
    for (const k of selected) {
      if (metric === 'http_req_failed') {
        total += k.count;
        if (k.failed) passes += k.count;
      } else {
        total += k.checks;
        passes += k.checksPassed;
      }
    }
    return total > 0 ? { passes, total } : undefined;
  }

  counter(metric: CounterMetric, tags: Record<string, string>) {
    let count: number;
    switch (metric) {
      case 'http_reqs': {
        const selected = this.select(tags);
        if (!selected) return undefined;
        count = 0;
        for (const k of selected) count += k.count;
        break;
      }
      case 'iterations':
        count = this.count({}, (k) => !k.login);
        break;
      case 'dropped_iterations':
        count = this.dropped;
        break;
      case 'data_received':
        count = this.bytesIn;
        break;
      case 'data_sent':
        count = this.bytesOut;
        break;
      default:
        return undefined;
    }
    return { count, perSecond: this.elapsedMs > 0 ? count / (this.elapsedMs / 1000) : 0 };
  }

  gauge(metric: GaugeMetric): number | undefined {
    return metric === 'vus' ? this.vus : metric === 'vus_max' ? this.vusMax : undefined;
  }

  /** Combinations matching every tag; null when a tag is not one requests carry. */
  private select(tags: Record<string, string>): KeyTotals[] | null {
    const entries = Object.entries(tags);
    if (entries.some(([tag]) => !REQUEST_TAGS.has(tag))) return null;
    const out: KeyTotals[] = [];
    for (const k of this.keys.values()) {
      let match = true;
      for (const [tag, value] of entries) {
        const actual = tagValue(k, tag);
        if (tag === 'method' ? actual !== value.toUpperCase() : actual !== value) {
          match = false;
          break;
        }
      }
      if (match) out.push(k);
    }
    return out;
  }
}

const REQUEST_TAGS = new Set(['name', 'method', 'status', 'expected_response']);

function tagValue(k: KeyTotals, tag: string): string | undefined {
  switch (tag) {
    case 'name':
      return k.name;
    case 'method':
      return k.method;
    case 'status':
      return String(k.status);
    case 'expected_response':
      return k.failed ? 'false' : 'true';
    default:
      return undefined;
  }
}

function adopt(target: Histogram | null, source: Histogram): Histogram {
  if (!target) return source;
  target.merge(source);
  return target;
}

function mergeInto(target: Histogram | null, source: Histogram): Histogram {
  if (!target) return source.clone();
  target.merge(source);
  return target;
}
