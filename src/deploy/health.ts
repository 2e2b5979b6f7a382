import { httpExchange } from '../core/http.ts';

/**
 * The health gate, smoke requests and the through-the-router verification: plain HTTP checks run
 * by shipgate itself (routers are never trusted to health-check: Traefik counts a new server as up
 * until a check fails, nginx OSS has no active checks at all).
 */
export interface HealthSpec {
  path: string;
  expectStatus: number[];
  body?: Record<string, string | number | boolean | null> | undefined;
  timeoutMs: number;
  intervalMs: number;
  retries: number;
}

export interface CheckResult {
  ok: boolean;
  detail: string;
  version?: string;
}

/** One check of a health answer: status, and every expected JSON field. */
export async function checkOnce(
  url: string,
  spec: Pick<HealthSpec, 'expectStatus' | 'body' | 'timeoutMs'>,
): Promise<CheckResult> {
  try {
    const res = await httpExchange(url, { timeoutMs: spec.timeoutMs, maxBodyBytes: 64 * 1024 });
    const json = res.json as Record<string, unknown> | undefined;
    const version = typeof json?.version === 'string' ? json.version : undefined;
    if (!spec.expectStatus.includes(res.status)) {
      return {
        ok: false,
        detail: `HTTP ${res.status} (expected ${spec.expectStatus.join('/')})`,
        ...(version ? { version } : {}),
      };
    }
    for (const [key, want] of Object.entries(spec.body ?? {})) {
      const got = key
        .split('.')
        .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], json);
      if (got !== want)
        return { ok: false, detail: `${key} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}` };
    }
    return {
      ok: true,
      detail: `HTTP ${res.status} in ${res.ms.toFixed(1)} ms`,
      ...(version ? { version } : {}),
    };
  } catch (e) {
    return { ok: false, detail: (e as Error).message };
  }
}

export interface GateResult extends CheckResult {
  tries: number;
}

/**
 * Polls until healthy, at most `retries` tries `intervalMs` apart. `stillRunning` lets a process
 * that already exited end the wait at once instead of after 30 × 5 s.
 */
export async function healthGate(
  baseUrl: string,
  spec: HealthSpec,
  stillRunning: () => Promise<boolean> | boolean = () => true,
): Promise<GateResult> {
  let last: CheckResult = { ok: false, detail: 'not checked' };
  for (let tries = 1; tries <= spec.retries; tries++) {
    last = await checkOnce(baseUrl + spec.path, spec);
    if (last.ok) return { ...last, tries };
    if (!(await stillRunning()))
      return { ...last, ok: false, detail: `the process exited (${last.detail})`, tries };
    if (tries < spec.retries) await new Promise((r) => setTimeout(r, spec.intervalMs));
  }
  return { ...last, tries: spec.retries, detail: `not healthy after ${spec.retries} tries: ${last.detail}` };
}

/**
 * Through the router: the health answer must come from `version`. Retries briefly, because a
 * router may apply a change a moment later (nginx's new workers, Traefik's throttle).
 */
export async function verifyServing(
  routerUrl: string,
  spec: Pick<HealthSpec, 'path' | 'expectStatus' | 'body' | 'timeoutMs'>,
  version: string,
  attempts = 20,
  pauseMs = 250,
): Promise<CheckResult> {
  let last: CheckResult = { ok: false, detail: 'not checked' };
  for (let i = 0; i < attempts; i++) {
    last = await checkOnce(routerUrl + spec.path, spec);
    if (last.ok && (last.version === undefined || last.version === version)) {
      return {
        ...last,
        detail: `router answers with ${last.version ?? 'a healthy colour'} (${last.detail})`,
      };
    }
    if (last.ok) last = { ...last, ok: false, detail: `router still answers with ${last.version}` };
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  return last;
}
