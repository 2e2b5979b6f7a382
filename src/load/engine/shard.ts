import { type ELDHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { Scenario } from '../types.ts';
import { authValue, LOGIN_ATTEMPTS, LOGIN_RETRY_MS, loginOutcome, staticAuthHeaders } from './auth.ts';
import { ClosedDriver } from './closed.ts';
import { RequestTimeoutError } from './errors.ts';
import { Exchange, type ExchangeOwner } from './exchange.ts';
import { Http1Pool, type LoadDispatcher } from './http1-pool.ts';
import { OpenDriver } from './open.ts';
import type { ShardFinal, ShardPlan, StopReason, WindowDelta } from './protocol.ts';
import { Recorder } from './recorder.ts';
import {
  type CompiledRequest,
  compileRequest,
  compileRequests,
  parseTarget,
  type Target,
} from './requests.ts';

/**
 * One thread's part of a run: its connection pool, its virtual users or arrival slice, the
 * per-request deadline sweep, and the stop → drain → report sequence. The models themselves live
 * in closed.ts and open.ts; this class is what they share.
 */

export interface Driver extends ExchangeOwner {
  /** Starts issuing: the run's time zero is `start` (performance.now() time). */
  begin(start: number): void;
  /** No more new requests: cancel pending starts, think times and arrival timers. */
  halt(): void;
  /** Exchanges that may be in flight (for the deadline sweep and the final drain). */
  exchanges(): readonly Exchange[];
  /** Peak active virtual users (closed) or in-flight requests (open) since the previous call. */
  users(): number;
  /** At the end of the run: send what the schedule made due before it (its timer may fire late). */
  catchUp?(now: number): void;
}

/** Sampling period of the event-loop delay monitor. */
const LAG_RESOLUTION_MS = 10;

/** The monitor records whole timer intervals (ns); the lag is what exceeds the period. */
function lateBy(intervalNs: number): number {
  return Math.max(0, intervalNs / 1e6 - LAG_RESOLUTION_MS);
}

interface DispatcherOptions {
  connections: number;
  connectTimeout: number;
  scenario: Scenario;
}

/**
 * The client per target protocol. Plain HTTP goes through shipgate's own HTTP/1.1 pool (a prebuilt
 * request buffer per template, minimal response parsing: undici's per-request work cost 1.26x
 * autocannon's CPU); https through undici, which brings TLS and the scenario's trust settings.
 */
const DISPATCHERS: Record<string, (origin: string, o: DispatcherOptions) => LoadDispatcher> = {
  'http:': (origin, o) =>
    new Http1Pool(origin, { connections: o.connections, connectTimeout: o.connectTimeout }),
  'https:': (origin, { connections, connectTimeout, scenario }) =>
    new Pool(origin, {
      connections,
      pipelining: 1,
      allowH2: false,
      connectTimeout,
      connect: {
        ...(scenario.tls?.ca === undefined ? {} : { ca: scenario.tls.ca }),
        rejectUnauthorized: scenario.tls?.insecureSkipVerify !== true,
      },
      // Backstops only: the engine's own sweep enforces the whole-request deadline.
      headersTimeout: scenario.timeoutMs + 1000,
      bodyTimeout: scenario.timeoutMs + 1000,
      keepAliveTimeout: 60_000,
    }),
};

export class Shard {
  readonly plan: ShardPlan;
  readonly scenario: Scenario;
  readonly target: Target;
  readonly pool: LoadDispatcher;
  readonly recorder: Recorder;
  /** Templates with any static auth header applied. */
  readonly templates: CompiledRequest[];
  /** The login request, compiled; its index follows the scenario's requests. */
  readonly login: CompiledRequest | null;
  readonly timeoutError: RequestTimeoutError;

  issuing = false;
  inFlight = 0;
  start = 0;
  /** Requests this shard may still send (maxRequests share). */
  remaining: number;

  private readonly driver: Driver;
  private readonly tickMs: number;
  private monitor: ELDHistogram | null = null;
  private stopReason: StopReason = 'duration';
  private stopping = false;
  private finished = false;
  private abandoned = 0;
  private timers: NodeJS.Timeout[] = [];
  private tickTimer: NodeJS.Timeout | null = null;
  private resolveDone: ((final: ShardFinal) => void) | null = null;
  private readonly done: Promise<ShardFinal>;

  constructor(plan: ShardPlan, sink: (delta: WindowDelta) => void) {
    this.plan = plan;
    const scenario = plan.scenario;
    this.scenario = scenario;
    this.target = parseTarget(scenario.baseUrl);
    this.templates = compileRequests(scenario.requests, this.target, staticAuthHeaders(scenario.auth));
    this.login =
      scenario.auth.kind === 'login'
        ? compileRequest(scenario.auth.request, scenario.requests.length, this.target)
        : null;
    this.remaining = plan.maxRequests ?? Number.POSITIVE_INFINITY;
    this.timeoutError = new RequestTimeoutError(scenario.timeoutMs);
    // Sweep often enough that a deadline is enforced within ~5 % of the timeout, but never spin.
    this.tickMs = Math.min(100, Math.max(10, Math.round(scenario.timeoutMs / 20)));

    const model = scenario.model;
    // Closed model: one connection per user plus a spare (undici reuses a socket one event-loop
    // turn after a response, while the user already sends its next request). Open model: the
    // planned connections; when they are fewer than the requests in flight, arrivals wait for a
    // free one — the wait wrk2 measures, which shows in the corrected latency, not the service time.
    const connections = model.kind === 'closed' ? plan.userIds.length + 1 : plan.connections;
    const connectTimeout = Math.min(scenario.timeoutMs, 30_000);
    const make = DISPATCHERS[new URL(this.target.origin).protocol];
    if (!make) throw new Error(`no load client for ${this.target.origin}`);
    this.pool = make(this.target.origin, { connections, connectTimeout, scenario });
    this.driver = model.kind === 'closed' ? new ClosedDriver(this) : new OpenDriver(this);
    this.recorder = new Recorder({
      shard: plan.shard,
      windowMs: plan.windowMs,
      windowCount: plan.windowCount,
      loginIndex: scenario.requests.length,
      open: model.kind === 'open',
      sink,
      gauges: { inFlight: () => this.inFlight, users: () => this.driver.users() },
    });
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  /** Setup before the common start: the open model logs in once for the whole shard. */
  async prepare(): Promise<void> {
    const auth = this.scenario.auth;
    if (auth.kind !== 'login' || this.scenario.model.kind !== 'open' || !this.login) return;
    for (let attempt = 1; attempt <= LOGIN_ATTEMPTS; attempt++) {
      const token = await this.loginOnce();
      if (token !== null) {
        const header = { [auth.header]: authValue(auth.scheme, token) };
        const withToken = compileRequests(this.scenario.requests, this.target, header);
        this.templates.splice(0, this.templates.length, ...withToken);
        return;
      }
      if (attempt < LOGIN_ATTEMPTS) await new Promise((r) => setTimeout(r, LOGIN_RETRY_MS));
    }
  }

  /** Runs from `start` (performance.now() time) until stopped; resolves after the drain. */
  run(start: number): Promise<ShardFinal> {
    this.start = start;
    this.recorder.begin(start);
    const wait = Math.max(0, start - performance.now());
    this.timers.push(setTimeout(() => this.go(), wait));
    return this.done;
  }

  /** Stops issuing new requests; in-flight ones finish (or time out). */
  stop(reason: StopReason): void {
    if (this.stopping) return;
    this.stopping = true;
    this.issuing = false;
    this.stopReason = reason;
    this.driver.halt();
    if (this.inFlight === 0) {
      setImmediate(() => this.finalize());
      return;
    }
    // Whatever is still in flight after its own deadline plus one sweep is abandoned as a timeout.
    this.timers.push(setTimeout(() => this.abandon(), this.scenario.timeoutMs + 2 * this.tickMs));
  }

  /** Takes one request from the shard's budget; false once issuing has stopped. */
  take(): boolean {
    if (!this.issuing) return false;
    if (this.remaining <= 0) {
      this.stop('maxRequests');
      return false;
    }
    this.remaining--;
    return true;
  }

  send(ex: Exchange, req: CompiledRequest, now: number, intendedAt: number): void {
    this.inFlight++;
    this.recorder.sentBytes(req.bytesOut);
    ex.send(this.pool, req, now, intendedAt);
    if (this.remaining === 0 && this.issuing) this.stop('maxRequests');
  }

  /**
   * Records a finished exchange (exactly once: a late callback for an exchange already settled,
   * e.g. abandoned at the drain deadline, returns null). `problem` fails an otherwise good answer.
   */
  settle(ex: Exchange, err: Error | null, now: number, problem: string | null = null): boolean | null {
    if (!ex.active) return null;
    ex.active = false;
    this.inFlight--;
    if (err) {
      this.recorder.failure(ex, err, now);
      return false;
    }
    return this.recorder.response(ex, now, problem);
  }

  /** Drivers call this after settling: the run ends once stopping and nothing is in flight. */
  checkDrained(): void {
    if (this.stopping && !this.finished && this.inFlight === 0) setImmediate(() => this.finalize());
  }

  get stopped(): boolean {
    return this.stopping;
  }

  private go(): void {
    if (this.stopping) return;
    this.issuing = true;
    this.monitor = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
    this.monitor.enable();
    const left = this.start + this.scenario.durationMs - performance.now();
    this.timers.push(
      setTimeout(
        () => {
          // Under load the end-of-run timer can fire before the timer of the last due arrival;
          // those arrivals were scheduled inside the run, so they go out (late, with their slip).
          this.driver.catchUp?.(performance.now());
          this.stop('duration');
        },
        Math.max(0, left),
      ),
    );
    this.tickTimer = setInterval(() => this.tick(), this.tickMs);
    if (this.remaining <= 0) {
      this.stop('maxRequests');
      return;
    }
    this.driver.begin(this.start);
  }

  /** Closes finished windows even when idle, and enforces per-request deadlines. */
  private tick(): void {
    const now = performance.now();
    this.recorder.roll(now);
    const limit = this.scenario.timeoutMs;
    for (const ex of this.driver.exchanges()) {
      if (ex.active && now - ex.dispatchedAt >= limit) ex.abort(this.timeoutError);
    }
  }

  private abandon(): void {
    if (this.finished) return;
    const now = performance.now();
    for (const ex of this.driver.exchanges()) {
      if (this.settle(ex, this.timeoutError, now) !== null) this.abandoned++;
    }
    this.checkDrained();
  }

  private async finalize(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.recorder.finish();
    const monitor = this.monitor;
    monitor?.disable();
    const final: ShardFinal = {
      shard: this.plan.shard,
      stopReason: this.stopReason,
      lagP99Ms: monitor && monitor.count > 0 ? lateBy(monitor.percentile(99)) : 0,
      lagMaxMs: monitor && monitor.count > 0 ? lateBy(monitor.max) : 0,
      abandoned: this.abandoned,
    };
    await this.pool.destroy().catch(() => undefined);
    this.resolveDone?.(final);
  }

  /** One login exchange outside the hot path (open model setup); resolves to the token or null. */
  private loginOnce(): Promise<string | null> {
    const login = this.login as CompiledRequest;
    const auth = this.scenario.auth as Extract<Scenario['auth'], { kind: 'login' }>;
    if (this.remaining <= 0) return Promise.resolve(null);
    this.remaining--;
    return new Promise((resolve) => {
      const owner: ExchangeOwner = {
        finish: (ex, err) => {
          const { token, problem } = loginOutcome(ex, err, auth.tokenPath);
          const ok = this.settle(ex, err, performance.now(), problem);
          if (ok !== null) resolve(ok ? token : null);
        },
      };
      const ex = new Exchange(owner, -1);
      ex.collectAlways = true;
      this.inFlight++;
      this.recorder.sentBytes(login.bytesOut);
      ex.send(this.pool, login, performance.now(), -1);
    });
  }
}
