import { ArrivalSchedule } from './arrivals.ts';
import { Exchange } from './exchange.ts';
import { pickWeighted, uniformAt } from './prng.ts';
import { type CompiledRequest, cumulativeWeights } from './requests.ts';
import type { Driver, Shard } from './shard.ts';

/**
 * The open model: requests start when the schedule says, whatever the server does. Every due
 * arrival is sent as soon as the engine notices it — in a batch when a timer fired late — and the
 * lateness is measured as slip; latency is recorded both from the intended time (what a user
 * arriving then would see, coordinated-omission free) and from the actual send (service time).
 * An arrival that finds `maxInFlight` requests outstanding is dropped and counted, never queued:
 * queueing it would hide the overload the model exists to expose.
 */
export class OpenDriver implements Driver {
  private readonly shard: Shard;
  private readonly schedule: ArrivalSchedule;
  private readonly maxInFlight: number;
  private readonly cumulative: Float64Array;
  private readonly seed: number;
  private readonly slots: Exchange[] = [];
  private readonly free: Exchange[] = [];
  private start = 0;
  /** Due time (performance.now() ms) and global index of the next arrival. */
  private nextDue = Number.POSITIVE_INFINITY;
  private nextIndex = 0;
  private timer: NodeJS.Timeout | null = null;
  private peak = 0;
  /** Set while pump() runs: a send that fails synchronously must not re-enter it. */
  private pumping = false;
  private readonly onTimer = (): void => {
    this.timer = null;
    this.pump(performance.now());
  };

  constructor(shard: Shard) {
    this.shard = shard;
    const model = shard.scenario.model;
    if (model.kind !== 'open') throw new Error('open driver needs an open model');
    const plan = shard.plan;
    this.schedule = new ArrivalSchedule(model, shard.scenario.durationMs, plan.shard, plan.shards);
    this.maxInFlight = Math.max(0, plan.maxInFlight);
    this.cumulative = cumulativeWeights(shard.scenario.requests);
    this.seed = plan.seed;
  }

  begin(start: number): void {
    this.start = start;
    this.advance();
    this.pump(performance.now());
  }

  halt(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextDue = Number.POSITIVE_INFINITY;
  }

  catchUp(now: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pump(now);
  }

  exchanges(): readonly Exchange[] {
    return this.slots;
  }

  /** Peak in-flight requests since the previous call (one call per window). */
  users(): number {
    const peak = Math.max(this.peak, this.shard.inFlight);
    this.peak = this.shard.inFlight;
    return peak;
  }

  finish(ex: Exchange, err: Error | null): void {
    const shard = this.shard;
    const now = performance.now();
    if (shard.settle(ex, err, now) === null) return;
    this.free.push(ex);
    if (!shard.issuing) shard.checkDrained();
    else if (this.nextDue <= now && !this.pumping) this.pump(now);
  }

  /** Sends (or drops) every arrival due by `now`, then sleeps until the next one. */
  private pump(now: number): void {
    this.pumping = true;
    try {
      this.sendDue(now);
    } finally {
      this.pumping = false;
    }
  }

  private sendDue(now: number): void {
    const shard = this.shard;
    const recorder = shard.recorder;
    while (this.nextDue <= now) {
      if (!shard.issuing) return;
      if (shard.inFlight >= this.maxInFlight) {
        recorder.arrivalDropped(now);
      } else {
        if (!shard.take()) return;
        const ex = this.free.pop() ?? this.newSlot();
        const u = uniformAt(this.seed, this.nextIndex);
        const req = shard.templates[pickWeighted(this.cumulative, u)] as CompiledRequest;
        recorder.arrivalSent(now, now - this.nextDue);
        shard.send(ex, req, now, this.nextDue);
        if (shard.inFlight > this.peak) this.peak = shard.inFlight;
      }
      this.advance();
    }
    if (!shard.issuing) return;
    if (this.nextDue === Number.POSITIVE_INFINITY) {
      shard.stop('duration');
      return;
    }
    // Timers have ~1 ms granularity and fire late under load; whatever came due meanwhile goes out
    // in the next batch with its slip measured, so a coarse timer costs accuracy, never arrivals.
    if (this.timer === null) this.timer = setTimeout(this.onTimer, Math.max(0, this.nextDue - now));
  }

  private advance(): void {
    this.nextIndex = this.schedule.index;
    this.nextDue = this.start + this.schedule.next();
  }

  private newSlot(): Exchange {
    const ex = new Exchange(this, this.slots.length);
    this.slots.push(ex);
    return ex;
  }
}
