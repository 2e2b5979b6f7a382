import type { Scenario } from '../types.ts';
import type { ShardPlan } from './protocol.ts';

/**
 * How a run is cut into windows and split across threads. Pure arithmetic, decided before
 * anything starts, so every shard knows its share without talking to the others.
 */

/** The series never needs more points than this; longer runs get wider windows. */
export const MAX_SERIES_POINTS = 3600;

export function planWindows(
  durationMs: number,
  requestedMs = 1000,
): { windowMs: number; windowCount: number } {
  const base = Math.max(1, Math.round(requestedMs));
  const widen = Math.max(1, Math.ceil(durationMs / (base * MAX_SERIES_POINTS)));
  const windowMs = base * widen;
  return { windowMs, windowCount: Math.max(1, Math.ceil(durationMs / windowMs)) };
}

/** Threads that can usefully share the model: never more than users (closed) or slots (open). */
export function effectiveWorkers(scenario: Scenario, requested: number): number {
  const n = Math.max(0, Math.floor(requested));
  const model = scenario.model;
  const units = model.kind === 'closed' ? model.users : model.maxInFlight;
  return Math.min(n, Math.max(1, units));
}

/** Splits `total` into parts proportional to `weights`, summing exactly to `total` (largest remainder). */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const raw = weights.map((w) => (total * w) / sum);
  const parts = raw.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] as number) + 1;
    left--;
  }
  return parts;
}

export function planShards(
  scenario: Scenario,
  shards: number,
  window: { windowMs: number; windowCount: number },
  seed: number,
  /** Open model: total connections (default maxInFlight). */
  connections?: number,
): ShardPlan[] {
  const n = Math.max(1, shards);
  const model = scenario.model;
  const userIds: number[][] = Array.from({ length: n }, () => []);
  if (model.kind === 'closed') {
    // Interleaved, so each thread gets an even share of early and late starters during ramp-up.
    for (let id = 0; id < model.users; id++) userIds[id % n]?.push(id);
  }
  const slots =
    model.kind === 'open' ? apportion(model.maxInFlight, new Array(n).fill(1)) : new Array(n).fill(0);
  const conns =
    model.kind === 'open'
      ? apportion(
          Math.min(model.maxInFlight, Math.max(n, connections ?? model.maxInFlight)),
          new Array(n).fill(1),
        )
      : new Array(n).fill(0);
  const weights = model.kind === 'closed' ? userIds.map((ids) => ids.length) : new Array(n).fill(1);
  const budgets = scenario.maxRequests === undefined ? null : apportion(scenario.maxRequests, weights);
  return Array.from({ length: n }, (_, shard) => ({
    shard,
    shards: n,
    scenario,
    userIds: userIds[shard] as number[],
    maxInFlight: slots[shard] as number,
    connections: Math.max(1, conns[shard] as number),
    maxRequests: budgets ? (budgets[shard] as number) : null,
    windowMs: window.windowMs,
    windowCount: window.windowCount,
    seed,
  }));
}
