import type { OpenModel } from '../types.ts';

/**
 * The open model's arrival schedule. The rate is piecewise linear in time, so the expected number of
 * arrivals by time t is its integral C(t) — piecewise quadratic. Arrival n is due at the t where
 * C(t) = n. Computing each due time from the integral (instead of sleeping 1/rate between sends)
 * keeps the schedule exact however late timers fire: lateness shows up as measured slip, never as a
 * silently lower rate.
 */

interface Segment {
  startMs: number;
  durationMs: number;
  /** Rates in arrivals per millisecond. */
  fromRate: number;
  toRate: number;
  /** C(startMs). */
  startCount: number;
}

export function rateSegments(model: OpenModel, durationMs: number): Segment[] {
  const stages = model.stages.length > 0 ? model.stages : [{ durationMs, targetRate: model.startRate }];
  const segments: Segment[] = [];
  let startMs = 0;
  let startCount = 0;
  let from = model.startRate / 1000;
  for (const stage of stages) {
    if (stage.durationMs <= 0) {
      from = stage.targetRate / 1000;
      continue;
    }
    const to = stage.targetRate / 1000;
    segments.push({ startMs, durationMs: stage.durationMs, fromRate: from, toRate: to, startCount });
    startCount += ((from + to) / 2) * stage.durationMs;
    startMs += stage.durationMs;
    from = to;
  }
  return segments;
}

/** Expected arrivals over the whole schedule: arrival n exists when n < C(end). */
export function totalArrivals(model: OpenModel, durationMs: number): number {
  const segments = rateSegments(model, durationMs);
  const last = segments[segments.length - 1];
  if (!last) return 0;
  return Math.ceil(last.startCount + ((last.fromRate + last.toRate) / 2) * last.durationMs - 1e-9);
}

/** Offered rate (per second) at `ms` into the run: what the schedule asks for at that moment. */
export function rateAt(model: OpenModel, durationMs: number, ms: number): number {
  for (const s of rateSegments(model, durationMs)) {
    if (ms < s.startMs + s.durationMs) {
      const f = Math.max(0, ms - s.startMs) / s.durationMs;
      return (s.fromRate + (s.toRate - s.fromRate) * f) * 1000;
    }
  }
  return 0;
}

/**
 * Due times of the arrivals `offset, offset + stride, offset + 2·stride, …` — one worker's slice.
 * Interleaving (rather than splitting the run into time blocks) gives every worker the same share
 * of every ramp, and the union over workers is exactly the single-thread schedule.
 */
export class ArrivalSchedule {
  private readonly segments: Segment[];
  private readonly stride: number;
  private readonly end: number;
  private segment = 0;
  /** Index of the arrival `next()` returns. */
  private n: number;

  constructor(model: OpenModel, durationMs: number, offset = 0, stride = 1) {
    this.segments = rateSegments(model, durationMs);
    this.stride = stride;
    this.n = offset;
    this.end = totalArrivals(model, durationMs);
  }

  /** Global index of the arrival the next `next()` call returns. */
  get index(): number {
    return this.n;
  }

  /** Due time (ms from run start) of this slice's next arrival, or Infinity when the schedule is over. */
  next(): number {
    const n = this.n;
    if (n >= this.end) return Number.POSITIVE_INFINITY;
    this.n += this.stride;
    const segments = this.segments;
    let s = segments[this.segment] as Segment;
    while (this.segment < segments.length - 1) {
      const after = segments[this.segment + 1] as Segment;
      if (n < after.startCount) break;
      this.segment++;
      s = after;
    }
    return s.startMs + offsetWithin(s, n - s.startCount);
  }
}

/** Time into segment `s` at which `m` arrivals have accumulated (solves r0·x + (r1−r0)·x²/(2D) = m). */
function offsetWithin(s: Segment, m: number): number {
  if (m <= 0) return 0;
  const a = (s.toRate - s.fromRate) / (2 * s.durationMs);
  const b = s.fromRate;
  let x: number;
  if (Math.abs(a) < 1e-15) {
    x = b > 0 ? m / b : s.durationMs;
  } else {
    // The rationalised root avoids cancellation when a is tiny next to b.
    const disc = Math.max(0, b * b + 4 * a * m);
    const denominator = b + Math.sqrt(disc);
    x = denominator > 0 ? (2 * m) / denominator : s.durationMs;
  }
  return Math.min(x, s.durationMs);
}
