import { availableParallelism } from 'node:os';

/**
 * Was the load generator, rather than the service, the bottleneck? A generator that runs out of CPU
 * or whose event loop stalls sends late and measures late, so its latencies describe itself. The
 * run is then flagged — and the reasons are written for the person reading the report, with what
 * to change.
 */

/** CPU share of the usable cores above which the generator counts as saturated. */
export const CPU_SATURATED_PERCENT = 90;
/** Event-loop delay (p99) above which timestamps and send times are no longer trustworthy. */
export const LAG_SATURATED_MS = 50;
/** Open model: schedule slip (p99) above which the offered rate was not actually offered. */
export const SLIP_SATURATED_MS = 10;

export interface GeneratorHealth {
  workers: number;
  cpuPercent: number;
  eventLoopLagMsP99: number;
  saturated: boolean;
  reasons: string[];
}

/** Process CPU (all threads) over wall time, from `process.cpuUsage()`. */
export class CpuMeter {
  private readonly startUsage = process.cpuUsage();
  private readonly startWall = performance.now();
  private readonly cores: number;

  constructor(workers: number) {
    // The main thread only coordinates when workers run the load, so usable cores = workers.
    this.cores = Math.max(1, Math.min(workers || 1, availableParallelism()));
  }

  /** Percent of the usable cores' time spent, 0..100 (a bit over 100 when the coordinator adds up). */
  percent(): number {
    const used = process.cpuUsage(this.startUsage);
    const wallMs = performance.now() - this.startWall;
    if (wallMs <= 0) return 0;
    return ((used.user + used.system) / 1000 / (wallMs * this.cores)) * 100;
  }
}

export interface HealthInput {
  workers: number;
  cpuPercent: number;
  eventLoopLagMsP99: number;
  open?: { intended: number; dropped: number; slipMsP99: number; maxInFlight: number };
}

export function assessGenerator(input: HealthInput): GeneratorHealth {
  const reasons: string[] = [];
  const cpu = Math.round(input.cpuPercent);
  if (input.cpuPercent >= CPU_SATURATED_PERCENT) {
    reasons.push(
      `the load generator used ${cpu} % CPU; results measure shipgate, not the service — ` +
        'use fewer users, more --workers or a bigger machine',
    );
  }
  if (input.eventLoopLagMsP99 > LAG_SATURATED_MS) {
    reasons.push(
      `the load generator's event loop was delayed by up to ${round(input.eventLoopLagMsP99)} ms (p99), ` +
        'so requests went out late and latencies include that delay — lower the load per worker or add --workers',
    );
  }
  const open = input.open;
  if (open && open.dropped > 0) {
    const share = open.intended > 0 ? (100 * open.dropped) / open.intended : 0;
    reasons.push(
      `${open.dropped} of ${open.intended} scheduled requests (${round(share)} %) were dropped because ` +
        `${open.maxInFlight} were already in flight: the offered rate was not delivered — ` +
        'raise maxInFlight, or the service cannot sustain this rate',
    );
  }
  if (open && open.slipMsP99 > SLIP_SATURATED_MS) {
    reasons.push(
      `requests left ${round(open.slipMsP99)} ms (p99) after their scheduled time: the generator could not keep ` +
        'the schedule — lower the rate per worker or add --workers',
    );
  }
  return {
    workers: input.workers,
    cpuPercent: input.cpuPercent,
    eventLoopLagMsP99: input.eventLoopLagMsP99,
    saturated: reasons.length > 0,
    reasons,
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
