import { Agent, request } from 'undici';

/**
 * Steady synthetic traffic through a URL: `concurrency` keep-alive workers, each sending one
 * request after another. The watch period uses it so that "no traffic" never counts as healthy,
 * and the tests and the demo use it as the traffic a deploy must not disturb.
 */
export interface ProbeTally {
  requests: number;
  ok: number;
  /** Answered with an unexpected status. */
  failed: number;
  /** Connection refused, reset, timed out: never answered. */
  connectionErrors: number;
  /**
   * Requests sent again once because the server closed an idle keep-alive connection just as the
   * request went out (RFC 9112 §9.3.1 lets clients retry idempotent requests then; browsers and Go
   * do). nginx's reload closes idle keep-alive connections; counted apart, never hidden.
   */
  retried: number;
  /** Latencies in ms of every answered request. */
  latenciesMs: number[];
  /** The `version` field of JSON answers, counted (which version served). */
  versions: Record<string, number>;
  /** A few error messages, for the report. */
  samples: string[];
}

export interface Probe {
  /** Stops the workers, waits for in-flight requests, and returns the tally. */
  stop(): Promise<ProbeTally>;
  /** The tally so far. */
  snapshot(): ProbeTally;
}

export interface ProbeOptions {
  concurrency?: number;
  timeoutMs?: number;
  /** Statuses counted as success (default 2xx). */
  ok?: (status: number) => boolean;
  /** Pause between a worker's requests. */
  pauseMs?: number;
  headers?: Record<string, string>;
}

export function emptyTally(): ProbeTally {
  return {
    requests: 0,
    ok: 0,
    failed: 0,
    connectionErrors: 0,
    retried: 0,
    latenciesMs: [],
    versions: {},
    samples: [],
  };
}

export function startProbe(url: string, options: ProbeOptions = {}): Probe {
  const tally = emptyTally();
  const isOk = options.ok ?? ((s: number) => s >= 200 && s < 300);
  const timeout = options.timeoutMs ?? 5000;
  const dispatcher = new Agent({ connections: options.concurrency ?? 2, keepAliveTimeout: 4000 });
  let running = true;
  const note = (msg: string) => {
    if (tally.samples.length < 5) tally.samples.push(msg);
  };
  const send = () =>
    request(url, {
      dispatcher,
      headers: options.headers ?? {},
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
  const worker = async () => {
    while (running) {
      const started = performance.now();
      tally.requests += 1;
      try {
        let res: Awaited<ReturnType<typeof request>>;
        try {
          res = await send();
        } catch (e) {
          if (!closedBeforeAnswer(e)) throw e;
          tally.retried += 1;
          res = await send();
        }
        const text = await res.body.text();
        tally.latenciesMs.push(performance.now() - started);
        if (isOk(res.statusCode)) tally.ok += 1;
        else {
          tally.failed += 1;
          note(`HTTP ${res.statusCode}`);
        }
        const version = versionOf(text);
        if (version) tally.versions[version] = (tally.versions[version] ?? 0) + 1;
      } catch (e) {
        tally.connectionErrors += 1;
        note((e as Error).message);
      }
      if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  };
  const workers = Array.from({ length: options.concurrency ?? 2 }, worker);
  return {
    snapshot: () => ({ ...tally, latenciesMs: [...tally.latenciesMs], versions: { ...tally.versions } }),
    async stop() {
      running = false;
      await Promise.all(workers);
      await dispatcher.close();
      return tally;
    },
  };
}

/** The server closed the connection before any answer (undici's "other side closed"), not a refusal or timeout. */
function closedBeforeAnswer(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
}

function versionOf(text: string): string | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const v = (JSON.parse(text) as { version?: unknown }).version;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export interface WatchLimits {
  maxErrorRatePercent: number;
  maxP95Ms: number;
  minRequests: number;
}

export interface WatchJudgement {
  ok: boolean;
  requests: number;
  errorRatePercent: number;
  p95Ms: number;
  reason: string;
}

/** Judges a watch period's tally: pure, so the rules are tested without traffic. */
export function judgeWatch(t: ProbeTally, limits: WatchLimits): WatchJudgement {
  const bad = t.failed + t.connectionErrors;
  const errorRatePercent = t.requests ? (bad / t.requests) * 100 : 0;
  const p95Ms = percentile(t.latenciesMs, 95);
  const base = { requests: t.requests, errorRatePercent, p95Ms };
  if (t.requests < limits.minRequests) {
    return {
      ...base,
      ok: false,
      reason: `only ${t.requests} requests during the watch (need ${limits.minRequests})`,
    };
  }
  if (errorRatePercent > limits.maxErrorRatePercent) {
    return {
      ...base,
      ok: false,
      reason: `error rate ${errorRatePercent.toFixed(1)}% above ${limits.maxErrorRatePercent}%`,
    };
  }
  if (p95Ms > limits.maxP95Ms) {
    return { ...base, ok: false, reason: `p95 ${p95Ms.toFixed(1)} ms above ${limits.maxP95Ms} ms` };
  }
  return {
    ...base,
    ok: true,
    reason: `${t.requests} requests, ${errorRatePercent.toFixed(1)}% errors, p95 ${p95Ms.toFixed(1)} ms`,
  };
}
