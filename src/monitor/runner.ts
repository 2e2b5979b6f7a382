import type { Config } from '../config/schema.ts';
import type { Logger } from '../core/log.ts';
import { redact } from '../core/redact.ts';
import { configuredChannels } from '../notify/channels/index.ts';
import type { ChannelContext } from '../notify/channels/types.ts';
import { scheduleDigest } from '../notify/digest.ts';
import { type DeliveryReport, deliverOutbox } from '../notify/outbox.ts';
import type { Store } from '../store/store.ts';
import { checkKind } from './checks/index.ts';
import { type CheckContext, type CheckSpec, errorMessage, withTimeout } from './checks/types.ts';
import { renderExposition } from './exposition.ts';
import { type AlertEvent, evaluateRound } from './pipeline.ts';
import type { MonitorPlan } from './plan.ts';
import type { AlertState } from './rules.ts';
import { type Sample, seriesId } from './series.ts';

/**
 * The monitor: runs every check each interval, records the samples, evaluates the rules, saves
 * alert states and their notifications in one transaction, and drains the outbox. Checks run
 * before anything touches the store and are timed on their own, so a slow store can never make
 * a healthy target look slow or down.
 */
export interface CheckRun {
  name: string;
  kind: string;
  target: string;
  ok: boolean;
  problem?: string;
  ms: number;
  samples: Sample[];
}

export interface RoundReport {
  at: number;
  checks: CheckRun[];
  events: AlertEvent[];
  enqueued: number;
  deliveries: DeliveryReport[];
  muted: Array<{ key: string; by: string }>;
  warnings: string[];
}

export interface MonitorDeps {
  config: Config;
  env: NodeJS.ProcessEnv;
  store: Store;
  plan: MonitorPlan;
  log?: Logger;
  /** The clock, for tests that simulate time. */
  now?: () => number;
}

/** How many recent results of an HTTP check its error rate is computed over. */
const ERROR_RATE_WINDOW = 20;
const COMPACT_EVERY_MS = 3_600_000;

export class Monitor {
  readonly #deps: MonitorDeps;
  readonly #memory = new Map<string, unknown>();
  readonly #latest = new Map<string, Sample>();
  readonly #checkRuns = new Map<string, { total: number; failed: number }>();
  readonly #recent = new Map<string, boolean[]>();
  #states = new Map<string, AlertState>();
  #loaded = false;
  #lastCompaction = Number.NEGATIVE_INFINITY;

  constructor(deps: MonitorDeps) {
    this.#deps = deps;
  }

  get states(): AlertState[] {
    return [...this.#states.values()];
  }

  #now(): number {
    return this.#deps.now ? this.#deps.now() : Date.now();
  }

  channelContext(): ChannelContext {
    return { config: this.#deps.config, env: this.#deps.env };
  }

  async round(options: { immediate?: boolean } = {}): Promise<RoundReport> {
    const { config, plan, store } = this.#deps;
    const monitoring = store.monitoring();
    const warnings: string[] = [];
    if (!this.#loaded) {
      for (const r of await monitoring.loadAlertStates()) this.#states.set(r.key, r.data as AlertState);
      this.#loaded = true;
    }
    const checks = await Promise.all(plan.checks.map((spec) => this.#runCheck(spec)));
    const at = this.#now();
    const samples = checks.flatMap((c) => c.samples);
    for (const s of samples) this.#latest.set(seriesId(s.metric, s.labels), s);

    try {
      await monitoring.recordSamples(
        samples.map((s) => ({ series: seriesId(s.metric, s.labels), at: new Date(at), value: s.value })),
      );
      if (at - this.#lastCompaction >= COMPACT_EVERY_MS) {
        this.#lastCompaction = at;
        const r = config.monitor.retention;
        await monitoring.compactSamples({
          now: new Date(at),
          rawMs: r.raw,
          minuteMs: r.minute,
          hourMs: r.hour,
        });
      }
    } catch (e) {
      warnings.push(`samples not recorded: ${redact(errorMessage(e))}`);
    }

    const channels = configuredChannels(this.channelContext()).map((c) => c.name);
    let result: ReturnType<typeof evaluateRound>;
    let enqueued: number;
    let deliveries: DeliveryReport[] = [];
    try {
      result = evaluateRound({
        rules: plan.rules,
        states: this.#states,
        samples,
        now: at,
        silences: await monitoring.listSilences(new Date(at)),
        windows: plan.windows,
        repeatIntervalMs: config.notify.repeatInterval,
        sendResolved: config.notify.sendResolved,
        groupBy: config.notify.groupBy,
        channels,
        ...(options.immediate ? { immediate: true } : {}),
      });
      enqueued = await monitoring.commitAlerts(
        result.states.map((s) => ({ key: s.key, data: s })),
        scheduleDigest(result.messages, config, at),
        new Date(at),
      );
    } catch (e) {
      // The states in memory stay as they were, so the next round decides again: nothing is
      // notified that the store did not record.
      warnings.push(`alert states not saved, evaluation skipped: ${redact(errorMessage(e))}`);
      this.#deps.log?.warn(warnings.at(-1) ?? '');
      return { at, checks, events: [], enqueued: 0, deliveries, muted: [], warnings };
    }
    this.#states = new Map(result.states.map((s) => [s.key, s]));
    for (const e of result.events) this.#deps.log?.info(`alert ${e.key}: ${e.transition}`);
    try {
      deliveries = await this.deliver();
    } catch (e) {
      warnings.push(`outbox not drained: ${redact(errorMessage(e))}`);
    }
    return { at, checks, events: result.events, enqueued, deliveries, muted: result.muted, warnings };
  }

  /** Sends what the outbox holds that is due. */
  async deliver(): Promise<DeliveryReport[]> {
    const deliveries = await deliverOutbox(this.#deps.store.monitoring(), this.channelContext(), {
      retry: this.#deps.config.notify.retry,
      now: () => new Date(this.#now()),
    });
    for (const d of deliveries) {
      if (d.delivered) this.#deps.log?.info(`sent "${d.title}" to ${d.channel}`);
      else
        this.#deps.log?.warn(
          `${d.channel}: ${d.error}${d.gaveUp ? ' (given up)' : `, retrying at ${d.retryAt}`}`,
        );
    }
    return deliveries;
  }

  exposition(): string {
    return renderExposition({ samples: this.#latest, checkRuns: this.#checkRuns, alerts: this.states });
  }

  async #runCheck(spec: CheckSpec): Promise<CheckRun> {
    const kind = checkKind(spec);
    const ctx: CheckContext = { env: this.#deps.env, memory: this.#memory, store: this.#deps.store };
    const t0 = performance.now();
    let outcome: Awaited<ReturnType<typeof kind.run>>;
    try {
      outcome = await withTimeout(spec.timeout, spec.name, () => kind.run(spec, ctx));
    } catch (e) {
      outcome = { ok: false, samples: [], problem: redact(errorMessage(e)) };
    }
    const ms = performance.now() - t0;
    const labels = { check: spec.name };
    const samples: Sample[] = outcome.samples.map((s) => ({ ...s, labels: { ...s.labels, ...labels } }));
    samples.push({ metric: 'check_up', labels: { ...labels, kind: spec.kind }, value: outcome.ok ? 1 : 0 });
    if (spec.kind === 'http') {
      const recent = [...(this.#recent.get(spec.name) ?? []), outcome.ok].slice(-ERROR_RATE_WINDOW);
      this.#recent.set(spec.name, recent);
      const failed = recent.filter((ok) => !ok).length;
      samples.push({
        metric: 'http_error_rate_percent',
        labels,
        value: Math.round((10_000 * failed) / recent.length) / 100,
      });
    }
    const counter = this.#checkRuns.get(spec.name) ?? { total: 0, failed: 0 };
    counter.total += 1;
    if (!outcome.ok) counter.failed += 1;
    this.#checkRuns.set(spec.name, counter);
    const run: CheckRun = {
      name: spec.name,
      kind: spec.kind,
      target: kind.target(spec as never),
      ok: outcome.ok,
      ms,
      samples,
    };
    if (outcome.problem) run.problem = redact(outcome.problem);
    return run;
  }
}

/** Waits `ms`, or less when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface RunOptions {
  once?: boolean;
  durationMs?: number;
  intervalMs: number;
  signal?: AbortSignal;
  onRound?: (round: RoundReport) => void;
}

/** Rounds on a fixed schedule (start + k × interval, so a slow round does not shift the rest) until the duration ends or the signal aborts. */
export async function runMonitor(monitor: Monitor, options: RunOptions): Promise<RoundReport[]> {
  const rounds: RoundReport[] = [];
  const started = Date.now();
  for (let k = 0; ; k++) {
    const round = await monitor.round(options.once ? { immediate: true } : {});
    rounds.push(round);
    options.onRound?.(round);
    if (options.once || options.signal?.aborted) break;
    const next = started + (k + 1) * options.intervalMs;
    if (options.durationMs !== undefined && next - started >= options.durationMs) break;
    await sleep(Math.max(0, next - Date.now()), options.signal);
    if (options.signal?.aborted) break;
  }
  // a last chance for messages still waiting on a retry
  if (!options.once) await monitor.deliver();
  return rounds;
}
