import type { Config } from '../../config/schema.ts';
import type { Store } from '../../store/store.ts';
import { round, type Sample } from '../series.ts';

/** One configured check, as the config schema describes it (`monitor.checks[]`). */
export type CheckSpec = Config['monitor']['checks'][number];
export type CheckKindName = CheckSpec['kind'];

export interface CheckContext {
  env: NodeJS.ProcessEnv;
  /** What a check remembers between runs (CPU counters, byte counters), keyed by check name. */
  memory: Map<string, unknown>;
  /** The history store, for checks that read gate results from it. */
  store?: Store;
}

/**
 * A kind of check. `run` measures and returns samples. A throw counts as the target being down
 * (`check_up` 0) with the error as the reason, because "unreachable" is what monitoring must report.
 */
export interface CheckKind<S extends CheckSpec = CheckSpec> {
  kind: S['kind'];
  /** What is checked, for people (no secrets: URLs pass through redact). */
  target(spec: S): string;
  run(spec: S, ctx: CheckContext): Promise<CheckOutcome>;
}

export interface CheckOutcome {
  /** Whether the target is healthy by the check's own conditions (becomes `check_up`). */
  ok: boolean;
  samples: Sample[];
  /** Why it is not ok, in one line. */
  problem?: string;
}

/** Runs a promise with a deadline; the check reports the timeout as a failure. */
export async function withTimeout<T>(
  ms: number,
  what: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`${what}: no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error && e.message) return e.message;
  const inner = (e as { errors?: unknown[] } | undefined)?.errors?.[0];
  if (inner instanceof Error && inner.message) return inner.message;
  return String(e);
}

/** A database check's answer: connecting and the query, timed apart (`performance.now()` marks). */
export function timedQuery(t0: number, t1: number, t2: number): CheckOutcome {
  return {
    ok: true,
    samples: [
      { metric: 'db_connect_time_ms', labels: {}, value: round(t1 - t0) },
      { metric: 'db_query_time_ms', labels: {}, value: round(t2 - t1) },
    ],
  };
}
