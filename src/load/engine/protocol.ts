import type { SerializedHistogram } from '../histogram.ts';
import type { ErrorKind, Scenario } from '../types.ts';

/**
 * What travels between the coordinating thread and the shards (worker threads, or the main thread
 * itself with `workers: 0`): plain, structured-clone-friendly data only.
 */

/** One shard's share of the run. */
export interface ShardPlan {
  shard: number;
  shards: number;
  scenario: Scenario;
  /** Closed model: global indices of this shard's virtual users (interleaved across shards). */
  userIds: number[];
  /** Open model: this shard's share of maxInFlight. */
  maxInFlight: number;
  /** Open model: TCP connections of this shard (≤ maxInFlight; fewer makes arrivals wait for one). */
  connections: number;
  /** This shard's share of maxRequests; null = time-bound only. */
  maxRequests: number | null;
  windowMs: number;
  /** Windows in the planned run: samples after the last boundary (the drain) go into the last one. */
  windowCount: number;
  seed: number;
}

/** Metrics of one (request, status, outcome) combination within one window. */
export interface KeyDelta {
  request: number;
  name: string;
  method: string;
  /** 0 when no response arrived (transport error). */
  status: number;
  failed: boolean;
  /** Requests that finished in this window with this combination. */
  count: number;
  /** Requests with explicit expectations, and how many met them. */
  checks: number;
  checksPassed: number;
  login: boolean;
  latency?: SerializedHistogram;
  waiting?: SerializedHistogram;
  corrected?: SerializedHistogram;
}

export interface WindowDelta {
  shard: number;
  index: number;
  keys: KeyDelta[];
  bytesIn: number;
  bytesOut: number;
  errorKinds: Partial<Record<ErrorKind, number>>;
  examples: Partial<Record<ErrorKind, string[]>>;
  /** Open model: arrivals due in this window, sent, dropped; slip of those sent (µs). */
  intended: number;
  sent: number;
  dropped: number;
  slip?: SerializedHistogram;
  /** Requests in flight at the window's end. */
  inFlight: number;
  /** Peak active virtual users (closed) or in-flight requests (open) during the window. */
  users: number;
}

export type StopReason = 'duration' | 'maxRequests' | 'signal' | 'abortCheck' | 'schedule';

export interface ShardFinal {
  shard: number;
  stopReason: StopReason;
  /** This thread's event-loop delay over the run, ms. */
  lagP99Ms: number;
  lagMaxMs: number;
  /** Requests still in flight when the drain deadline passed, counted as timeouts. */
  abandoned: number;
}

export type WorkerToMain =
  | { type: 'ready'; shard: number }
  | { type: 'window'; delta: WindowDelta }
  | { type: 'done'; final: ShardFinal }
  | { type: 'failed'; shard: number; message: string; stack?: string };

export type MainToWorker = { type: 'start'; startEpochMs: number } | { type: 'stop'; reason: StopReason };
