import { Histogram } from '../histogram.ts';
import type { ErrorKind } from '../types.ts';
import { describeError, transportErrorKind } from './errors.ts';
import type { Exchange } from './exchange.ts';
import type { KeyDelta, WindowDelta } from './protocol.ts';
import { type CompiledRequest, checkJson, statusOk } from './requests.ts';

/**
 * A shard's metrics for the current window only. Every finished request is classified and recorded
 * straight into the window's histograms; at each window boundary the window is serialized, handed
 * to the sink and the same histograms are reset and reused. The shard therefore holds a fixed set
 * of histograms however long it runs — whole-run totals live in the coordinator, which merges the
 * windows exactly.
 */

const MAX_EXAMPLES = 5;

class KeyStats {
  readonly request: number;
  readonly name: string;
  readonly method: string;
  readonly status: number;
  readonly failed: boolean;
  readonly login: boolean;
  count = 0;
  checks = 0;
  checksPassed = 0;
  /** Only combinations with an answer have latencies; only the open model has intended times. */
  readonly latency: Histogram | null;
  readonly waiting: Histogram | null;
  readonly corrected: Histogram | null;

  constructor(req: CompiledRequest, status: number, failed: boolean, login: boolean, open: boolean) {
    this.request = req.index;
    this.name = req.name;
    this.method = req.method;
    this.status = status;
    this.failed = failed;
    this.login = login;
    this.latency = status > 0 ? new Histogram() : null;
    this.waiting = status > 0 ? new Histogram() : null;
    this.corrected = status > 0 && open ? new Histogram() : null;
  }
}

export interface RecorderGauges {
  inFlight(): number;
  users(): number;
}

export class Recorder {
  private readonly shard: number;
  private readonly windowMs: number;
  private readonly lastIndex: number;
  private readonly sink: (delta: WindowDelta) => void;
  private readonly gauges: RecorderGauges;
  private readonly loginIndex: number;
  private readonly open: boolean;
  /** Per request template: key stats by `status * 2 + failed`. */
  private readonly keys: Array<Map<number, KeyStats>> = [];
  private readonly slipUs = new Histogram();
  private start = 0;
  private index = 0;
  private nextBoundary = Number.POSITIVE_INFINITY;

  private bytesIn = 0;
  private bytesOut = 0;
  private intended = 0;
  private sent = 0;
  private dropped = 0;
  private errorKinds: Partial<Record<ErrorKind, number>> = {};
  private examples: Partial<Record<ErrorKind, string[]>> = {};

  constructor(options: {
    shard: number;
    windowMs: number;
    windowCount: number;
    /** Template index of the login request (its requests are tagged as logins). */
    loginIndex: number;
    /** Open model: keep latency from the intended send time too. */
    open: boolean;
    sink: (delta: WindowDelta) => void;
    gauges: RecorderGauges;
  }) {
    this.shard = options.shard;
    this.windowMs = options.windowMs;
    this.lastIndex = Math.max(0, options.windowCount - 1);
    this.loginIndex = options.loginIndex;
    this.open = options.open;
    this.sink = options.sink;
    this.gauges = options.gauges;
  }

  /** Starts window 0 at `start` (performance.now() time); anything recorded before lands in it. */
  begin(start: number): void {
    this.start = start;
    this.index = 0;
    this.nextBoundary = this.lastIndex > 0 ? start + this.windowMs : Number.POSITIVE_INFINITY;
  }

  /** Closes every window whose end has passed (also the empty ones: the series has no holes). */
  roll(now: number): void {
    if (now < this.nextBoundary) return;
    const target = Math.min(this.lastIndex, Math.floor((now - this.start) / this.windowMs));
    while (this.index < target) {
      this.flush();
      this.index++;
    }
    this.nextBoundary =
      this.index >= this.lastIndex ? Number.POSITIVE_INFINITY : this.start + (this.index + 1) * this.windowMs;
  }

  /** Emits the current window as the shard's last. */
  finish(): void {
    this.flush();
  }

  /** A response arrived in full. `problem` is an extra check's failure (a login answer without token). */
  response(ex: Exchange, now: number, problem: string | null = null): boolean {
    this.roll(now);
    const req = ex.req as CompiledRequest;
    const status = ex.status;
    let kind: ErrorKind | null = null;
    if (!statusOk(req, status)) {
      kind = req.okStatus ? 'unexpectedStatus' : 'non2xx';
    } else if (ex.truncated) {
      kind = 'bodyCheck';
      problem = `${req.name}: body larger than the 1 MiB kept for checks`;
    } else if (req.expectJson) {
      problem = checkJson(req, ex.bodyText());
      if (problem) kind = 'bodyCheck';
    } else if (problem) {
      kind = 'bodyCheck';
    }
    const key = this.key(req, status, kind !== null);
    key.count++;
    if (req.checked) {
      key.checks++;
      if (kind === null) key.checksPassed++;
    }
    const sent = ex.sentAt;
    key.latency?.record((now - sent) * 1000);
    key.waiting?.record(((ex.firstByteAt || now) - sent) * 1000);
    if (ex.intendedAt >= 0) key.corrected?.record((now - ex.intendedAt) * 1000);
    this.bytesIn += ex.bytesIn;
    if (kind !== null) this.error(kind, problem ?? `${req.name}: HTTP ${status}`);
    return kind === null;
  }

  /** No (complete) response: connection refused, reset, timed out, … */
  failure(ex: Exchange, err: Error, now: number): ErrorKind {
    this.roll(now);
    const req = ex.req as CompiledRequest;
    const kind = transportErrorKind(err);
    const key = this.key(req, 0, true);
    key.count++;
    if (req.checked) key.checks++;
    this.bytesIn += ex.bytesIn;
    this.error(kind, err);
    return kind;
  }

  sentBytes(bytes: number): void {
    this.bytesOut += bytes;
  }

  /** Open model: an arrival was sent `slipMs` after it was due. */
  arrivalSent(now: number, slipMs: number): void {
    this.roll(now);
    this.intended++;
    this.sent++;
    this.slipUs.record(slipMs * 1000);
  }

  /** Open model: an arrival found every slot busy and was dropped. */
  arrivalDropped(now: number): void {
    this.roll(now);
    this.intended++;
    this.dropped++;
  }

  /** Histograms this recorder holds: constant once every (request, status) pair has been seen. */
  histogramCount(): number {
    let n = 1;
    for (const map of this.keys) {
      if (!map) continue;
      for (const k of map.values()) n += (k.latency ? 1 : 0) + (k.waiting ? 1 : 0) + (k.corrected ? 1 : 0);
    }
    return n;
  }

  private key(req: CompiledRequest, status: number, failed: boolean): KeyStats {
    let map = this.keys[req.index];
    if (!map) {
      map = new Map();
      this.keys[req.index] = map;
    }
    const code = status * 2 + (failed ? 1 : 0);
    let stats = map.get(code);
    if (!stats) {
      stats = new KeyStats(req, status, failed, req.index === this.loginIndex, this.open);
      map.set(code, stats);
    }
    return stats;
  }

  private error(kind: ErrorKind, detail: Error | string): void {
    this.errorKinds[kind] = (this.errorKinds[kind] ?? 0) + 1;
    let list = this.examples[kind];
    if (!list) {
      list = [];
      this.examples[kind] = list;
    }
    if (list.length < MAX_EXAMPLES) {
      const text = typeof detail === 'string' ? detail : describeError(detail);
      if (!list.includes(text)) list.push(text);
    }
  }

  private flush(): void {
    const keys: KeyDelta[] = [];
    for (const map of this.keys) {
      if (!map) continue;
      for (const k of map.values()) {
        if (k.count === 0) continue;
        const delta: KeyDelta = {
          request: k.request,
          name: k.name,
          method: k.method,
          status: k.status,
          failed: k.failed,
          count: k.count,
          checks: k.checks,
          checksPassed: k.checksPassed,
          login: k.login,
        };
        if (k.latency && k.latency.count > 0) delta.latency = k.latency.toJSON();
        if (k.waiting && k.waiting.count > 0) delta.waiting = k.waiting.toJSON();
        if (k.corrected && k.corrected.count > 0) delta.corrected = k.corrected.toJSON();
        keys.push(delta);
        k.count = 0;
        k.checks = 0;
        k.checksPassed = 0;
        k.latency?.reset();
        k.waiting?.reset();
        k.corrected?.reset();
      }
    }
    const delta: WindowDelta = {
      shard: this.shard,
      index: this.index,
      keys,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      errorKinds: this.errorKinds,
      examples: this.examples,
      intended: this.intended,
      sent: this.sent,
      dropped: this.dropped,
      inFlight: this.gauges.inFlight(),
      users: this.gauges.users(),
    };
    if (this.slipUs.count > 0) delta.slip = this.slipUs.toJSON();
    this.slipUs.reset();
    this.bytesIn = 0;
    this.bytesOut = 0;
    this.intended = 0;
    this.sent = 0;
    this.dropped = 0;
    this.errorKinds = {};
    this.examples = {};
    this.sink(delta);
  }
}
