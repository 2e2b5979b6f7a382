import { Histogram } from '../histogram.ts';
import { RunMetrics } from '../metrics.ts';
import type { WindowDelta } from './protocol.ts';

/**
 * The coordinator's side of the metrics: folds every shard's window into the run totals (exact
 * histogram merges) and, once all shards have reported a window, turns that window into one series
 * point — its percentiles taken from the merged window histogram, which is then reset and reused.
 * What stays behind per window is the handful of numbers in the point, so a one-hour run holds what
 * a one-minute run holds apart from its (bounded) series.
 */

export interface SeriesPoint {
  /** Window start, ms from run start. */
  tMs: number;
  /** Requests finished in the window (answered or failed). */
  requests: number;
  errors: number;
  /** Responses per second in the window. */
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Open model: p99 measured from the intended send time. */
  correctedP99Ms?: number;
  /** Peak active virtual users (closed) or in-flight requests (open), summed over workers. */
  users: number;
  inFlight: number;
  /** Open model: arrivals dropped in the window. */
  dropped?: number;
}

interface PendingWindow {
  index: number;
  latency: Histogram;
  corrected: Histogram | null;
  requests: number;
  completed: number;
  errors: number;
  users: number;
  inFlight: number;
  dropped: number;
}

export interface WindowClosed {
  point: SeriesPoint;
  /** Run totals after this window. */
  requests: number;
  errors: number;
}

export class Aggregator {
  readonly metrics = new RunMetrics();
  readonly series: SeriesPoint[] = [];
  /** Run totals, kept as counters so progress never has to scan the metrics. */
  requests = 0;
  completed = 0;
  errors = 0;
  private readonly windowMs: number;
  private readonly open: boolean;
  private readonly lastReported: number[];
  private readonly finished: boolean[];
  private readonly pending = new Map<number, PendingWindow>();
  private readonly spare: Histogram[] = [];
  private readonly onWindow: ((w: WindowClosed) => void) | undefined;
  private nextIndex = 0;
  private lastCompleted = 0;

  constructor(options: {
    shards: number;
    windowMs: number;
    open: boolean;
    onWindow?: (w: WindowClosed) => void;
  }) {
    this.windowMs = options.windowMs;
    this.open = options.open;
    this.lastReported = new Array(options.shards).fill(-1);
    this.finished = new Array(options.shards).fill(false);
    this.onWindow = options.onWindow;
  }

  add(delta: WindowDelta): void {
    const window = this.window(delta.index);
    const metrics = this.metrics;
    for (const k of delta.keys) {
      const latency = k.latency ? Histogram.fromJSON(k.latency) : null;
      const waiting = k.waiting ? Histogram.fromJSON(k.waiting) : null;
      const corrected = k.corrected ? Histogram.fromJSON(k.corrected) : null;
      // Into the window first: addKey takes ownership and later merges into these objects.
      if (latency) window.latency.merge(latency);
      if (corrected) {
        if (!window.corrected) window.corrected = this.histogram();
        window.corrected.merge(corrected);
      }
      metrics.addKey(k, latency, waiting, corrected);
      window.requests += k.count;
      this.requests += k.count;
      if (k.status > 0) {
        window.completed += k.count;
        this.completed += k.count;
      }
      if (k.failed) {
        window.errors += k.count;
        this.errors += k.count;
      }
    }
    metrics.bytesIn += delta.bytesIn;
    metrics.bytesOut += delta.bytesOut;
    metrics.intended += delta.intended;
    metrics.sent += delta.sent;
    metrics.dropped += delta.dropped;
    if (delta.slip) metrics.slipUs.merge(Histogram.fromJSON(delta.slip));
    metrics.addErrors(delta.errorKinds, delta.examples);
    window.users += delta.users;
    window.inFlight += delta.inFlight;
    window.dropped += delta.dropped;
    this.lastReported[delta.shard] = delta.index;
    this.advance();
  }

  /** A shard has sent its last window: later windows no longer wait for it. */
  shardDone(shard: number): void {
    this.finished[shard] = true;
    this.advance();
  }

  /**
   * Fixes the last point's rate once the run's real length is known: the final window is usually
   * cut short by the end of the run, and dividing by a full window would understate it.
   */
  finish(durationMs: number): void {
    const last = this.series[this.series.length - 1];
    if (!last) return;
    const length = durationMs - last.tMs;
    if (length > 0 && length < this.windowMs) last.rps = this.lastCompleted / (length / 1000);
  }

  /** What the coordinator holds besides the run totals (for memory-bound checks). */
  retained(): {
    pendingWindows: number;
    spareHistograms: number;
    combinations: number;
    seriesPoints: number;
  } {
    return {
      pendingWindows: this.pending.size,
      spareHistograms: this.spare.length,
      combinations: this.metrics.combinations().length,
      seriesPoints: this.series.length,
    };
  }

  private window(index: number): PendingWindow {
    let w = this.pending.get(index);
    if (!w) {
      w = {
        index,
        latency: this.histogram(),
        corrected: null,
        requests: 0,
        completed: 0,
        errors: 0,
        users: 0,
        inFlight: 0,
        dropped: 0,
      };
      this.pending.set(index, w);
    }
    return w;
  }

  private histogram(): Histogram {
    return this.spare.pop() ?? new Histogram();
  }

  private advance(): void {
    for (;;) {
      const i = this.nextIndex;
      let ready = true;
      for (let s = 0; s < this.lastReported.length; s++) {
        if (!this.finished[s] && (this.lastReported[s] as number) < i) {
          ready = false;
          break;
        }
      }
      if (!ready) return;
      const w = this.pending.get(i);
      // Every shard is finished and none reached window i: the run ended before it.
      if (!w) return;
      this.pending.delete(i);
      this.close(w);
      this.nextIndex++;
    }
  }

  private close(w: PendingWindow): void {
    const ms = (us: number) => us / 1000;
    const point: SeriesPoint = {
      tMs: w.index * this.windowMs,
      requests: w.requests,
      errors: w.errors,
      rps: w.completed / (this.windowMs / 1000),
      p50Ms: ms(w.latency.percentile(50)),
      p95Ms: ms(w.latency.percentile(95)),
      p99Ms: ms(w.latency.percentile(99)),
      users: w.users,
      inFlight: w.inFlight,
    };
    if (this.open) {
      point.correctedP99Ms = w.corrected ? ms(w.corrected.percentile(99)) : 0;
      point.dropped = w.dropped;
    }
    this.series.push(point);
    this.lastCompleted = w.completed;
    this.metrics.vus = w.users;
    w.latency.reset();
    this.spare.push(w.latency);
    if (w.corrected) {
      w.corrected.reset();
      this.spare.push(w.corrected);
    }
    this.onWindow?.({ point, requests: this.requests, errors: this.errors });
  }
}
