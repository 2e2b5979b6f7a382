import { authValue, LOGIN_ATTEMPTS, LOGIN_RETRY_MS, loginOutcome } from './auth.ts';
import { Exchange } from './exchange.ts';
import { mix32, pickWeighted, Stream } from './prng.ts';
import { type CompiledRequest, compileRequests, cumulativeWeights } from './requests.ts';
import type { Driver, Shard } from './shard.ts';

/**
 * The closed model: each virtual user sends its next request when the previous one has completed
 * (plus think time). User g of N starts at rampUp·g/N, whichever thread it runs on. Each user owns
 * one Exchange, one random stream and bound callbacks made once, so a request cycle allocates
 * nothing of the engine's own.
 */

class VirtualUser {
  readonly id: number;
  readonly exchange: Exchange;
  readonly stream: Stream;
  templates: CompiledRequest[];
  /** Started and not yet retired. */
  active = false;
  loginAttempts = 0;
  timer: NodeJS.Timeout | null = null;
  /** Bound once: timers call these without a closure per request. */
  readonly wake: () => void;
  readonly next: () => void;

  constructor(driver: ClosedDriver, slot: number, id: number, seed: number, templates: CompiledRequest[]) {
    this.id = id;
    this.exchange = new Exchange(driver, slot);
    this.stream = new Stream(mix32(seed + id));
    this.templates = templates;
    this.wake = () => driver.wake(this);
    this.next = () => driver.next(this);
  }
}

export class ClosedDriver implements Driver {
  private readonly shard: Shard;
  private readonly vus: VirtualUser[];
  private readonly all: Exchange[];
  private readonly cumulative: Float64Array;
  private readonly thinkMs: number;
  private readonly rampUpMs: number;
  private readonly totalUsers: number;
  private active = 0;
  private peak = 0;

  constructor(shard: Shard) {
    this.shard = shard;
    const model = shard.scenario.model;
    if (model.kind !== 'closed') throw new Error('closed driver needs a closed model');
    this.thinkMs = Math.max(0, model.thinkTimeMs);
    this.rampUpMs = Math.max(0, model.rampUpMs);
    this.totalUsers = Math.max(1, model.users);
    this.cumulative = cumulativeWeights(shard.scenario.requests);
    this.vus = shard.plan.userIds.map(
      (id, slot) => new VirtualUser(this, slot, id, shard.plan.seed, shard.templates),
    );
    this.all = this.vus.map((vu) => vu.exchange);
  }

  begin(start: number): void {
    const now = performance.now();
    for (const vu of this.vus) {
      const at = start + (this.rampUpMs * vu.id) / this.totalUsers;
      vu.timer = setTimeout(vu.wake, Math.max(0, at - now));
    }
  }

  halt(): void {
    for (const vu of this.vus) {
      if (vu.timer) {
        clearTimeout(vu.timer);
        vu.timer = null;
      }
      if (!vu.exchange.active) this.retire(vu);
    }
  }

  exchanges(): readonly Exchange[] {
    return this.all;
  }

  /** Peak active users since the previous call (one call per window). */
  users(): number {
    const peak = Math.max(this.peak, this.active);
    this.peak = this.active;
    return peak;
  }

  wake(vu: VirtualUser): void {
    vu.timer = null;
    if (!this.shard.issuing) return;
    if (!vu.active) {
      vu.active = true;
      this.active++;
      if (this.active > this.peak) this.peak = this.active;
    }
    if (this.shard.login && vu.templates === this.shard.templates) this.sendLogin(vu);
    else this.next(vu);
  }

  next(vu: VirtualUser): void {
    vu.timer = null;
    if (!this.shard.take()) {
      this.retire(vu);
      return;
    }
    const req = vu.templates[pickWeighted(this.cumulative, vu.stream.next())] as CompiledRequest;
    this.shard.send(vu.exchange, req, performance.now(), -1);
  }

  finish(ex: Exchange, err: Error | null): void {
    const vu = this.vus[ex.slot] as VirtualUser;
    const shard = this.shard;
    const now = performance.now();
    if (ex.req === shard.login) {
      this.finishLogin(vu, ex, err, now);
      return;
    }
    if (shard.settle(ex, err, now) === null) return;
    if (!shard.issuing) {
      this.retire(vu);
      shard.checkDrained();
    } else if (err) {
      // Transport errors can be reported synchronously from inside dispatch; going through a timer
      // keeps a failing target (refused, reset) from recursing down the stack.
      vu.timer = setTimeout(vu.next, 0);
    } else if (this.thinkMs > 0) {
      vu.timer = setTimeout(vu.next, this.thinkMs);
    } else {
      this.next(vu);
    }
  }

  private sendLogin(vu: VirtualUser): void {
    const login = this.shard.login as CompiledRequest;
    if (!this.shard.take()) {
      this.retire(vu);
      return;
    }
    vu.loginAttempts++;
    vu.exchange.collectAlways = true;
    this.shard.send(vu.exchange, login, performance.now(), -1);
  }

  private finishLogin(vu: VirtualUser, ex: Exchange, err: Error | null, now: number): void {
    const shard = this.shard;
    const auth = shard.scenario.auth;
    if (auth.kind !== 'login') return;
    const { token, problem } = loginOutcome(ex, err, auth.tokenPath);
    const ok = shard.settle(ex, err, now, problem);
    if (ok === null) return;
    ex.collectAlways = false;
    if (!shard.issuing) {
      this.retire(vu);
      shard.checkDrained();
    } else if (ok && token !== null) {
      const header = { [auth.header]: authValue(auth.scheme, token) };
      vu.templates = compileRequests(shard.scenario.requests, shard.target, header);
      this.next(vu);
    } else if (vu.loginAttempts < LOGIN_ATTEMPTS) {
      vu.timer = setTimeout(vu.wake, LOGIN_RETRY_MS);
    } else {
      // Give up: the failed logins are in the error counts, and a user without a token would only
      // add a stream of 401s that say nothing new.
      this.retire(vu);
    }
  }

  private retire(vu: VirtualUser): void {
    if (vu.active) {
      vu.active = false;
      this.active--;
    }
  }
}
