import type { Config } from '../../config/schema.ts';
import { makeEnvelope } from '../../core/envelope.ts';
import { httpExchange } from '../../core/http.ts';
import { loadKind } from '../../load/result.ts';
import { loadTest } from '../../load/tests.ts';
import type { RequestSpec } from '../../load/types.ts';
import { compareResults } from '../../perf/compare.ts';
import type { LoadEnvelope } from '../../perf/metrics.ts';
import { resolveResult } from '../../perf/sources.ts';
import type { Store } from '../../store/store.ts';
import { startProbe } from '../probe.ts';

/**
 * The seed's staging checks (tests/staging), for real and configurable: one table of checks, each
 * ending pass, fail, skip (it says why: a missing baseline is not a pass) or inconclusive (a noisy
 * measurement is never reported as a pass).
 */
export type StagingSettings = Config['staging'];

export interface StagingContext {
  url: string;
  settings: StagingSettings;
  headers: Record<string, string>;
  /** Opens the history store, for the production baseline. */
  store: () => Promise<Store>;
  /** Leave out the performance comparison (it runs a short load test). */
  perf: boolean;
}

export interface StagingCheckResult {
  id: string;
  name: string;
  status: 'pass' | 'fail' | 'skip' | 'inconclusive';
  ms: number;
  detail: string;
}

export interface StagingCheck {
  id: string;
  name: string;
  run(ctx: StagingContext, memo: Memo): Promise<Omit<StagingCheckResult, 'id' | 'name' | 'ms'>[]>;
}

/** What one check learnt and a later one reads (the health answer holds the DB timing). */
interface Memo {
  health?: Record<string, unknown>;
}

const pass = (detail: string) => ({ status: 'pass' as const, detail });
const fail = (detail: string) => ({ status: 'fail' as const, detail });
const skip = (detail: string) => ({ status: 'skip' as const, detail });
const inconclusive = (detail: string) => ({ status: 'inconclusive' as const, detail });

const field = (json: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], json);

/** Request names (`/path` of a single-URL run, or `GET /path`) back into requests; undefined when one is not a plain GET or HEAD. */
function replayable(names: readonly string[], headers: Record<string, string>): RequestSpec[] | undefined {
  const out: RequestSpec[] = [];
  for (const name of names) {
    const m = /^(?:(GET|HEAD) )?(\/\S*)$/.exec(name);
    if (!m) return undefined;
    out.push({ name, method: (m[1] ?? 'GET') as 'GET' | 'HEAD', path: m[2] as string, headers, weight: 1 });
  }
  return out.length ? out : undefined;
}

export const STAGING_CHECKS: readonly StagingCheck[] = [
  {
    id: 'health',
    name: 'health answers with status, version and timestamp',
    async run(ctx, memo) {
      const res = await httpExchange(ctx.url + ctx.settings.healthPath, {
        headers: ctx.headers,
        timeoutMs: ctx.settings.responseTime * 5,
      });
      const json = res.json as Record<string, unknown> | undefined;
      if (json) memo.health = json;
      if (res.status !== 200) return [fail(`HTTP ${res.status}`)];
      if (!json) return [fail('the answer is not JSON')];
      const missing = ['status', 'version', 'timestamp'].filter((k) => json[k] === undefined);
      if (missing.length) return [fail(`missing ${missing.join(', ')}`)];
      if (Number.isNaN(Date.parse(String(json.timestamp))))
        return [fail(`timestamp ${JSON.stringify(json.timestamp)} is not a date`)];
      if (res.ms > ctx.settings.responseTime)
        return [fail(`took ${res.ms.toFixed(0)} ms (bound ${ctx.settings.responseTime} ms)`)];
      return [pass(`${json.status}, version ${json.version}, in ${res.ms.toFixed(1)} ms`)];
    },
  },
  {
    id: 'database',
    name: 'database connectivity within its bound',
    async run(ctx, memo) {
      const db = memo.health?.database as { connected?: unknown; connection_ms?: unknown } | undefined;
      if (!db) return [skip('the health answer has no database section')];
      if (db.connected !== true) return [fail('the service reports the database as not connected')];
      const ms = Number(db.connection_ms);
      if (!Number.isFinite(ms)) return [fail('database.connection_ms is missing')];
      return ms <= ctx.settings.dbConnectTime
        ? [pass(`connected in ${ms} ms (bound ${ctx.settings.dbConnectTime} ms)`)]
        : [fail(`connection took ${ms} ms (bound ${ctx.settings.dbConnectTime} ms)`)];
    },
  },
  {
    id: 'endpoints',
    name: 'endpoints answer the expected status and JSON in time',
    async run(ctx) {
      const out = [];
      for (const e of ctx.settings.endpoints) {
        let r: Awaited<ReturnType<typeof httpExchange>>;
        try {
          r = await httpExchange(ctx.url + e.path, {
            headers: ctx.headers,
            timeoutMs: ctx.settings.responseTime * 5,
          });
        } catch (err) {
          out.push(fail(`${e.path}: ${(err as Error).message}`));
          continue;
        }
        const problems: string[] = [];
        if (r.status !== e.expectStatus) problems.push(`HTTP ${r.status} (expected ${e.expectStatus})`);
        if (e.json !== false && r.json === undefined) problems.push('not JSON');
        if (typeof e.json === 'object') {
          for (const [k, v] of Object.entries(e.json)) {
            if (field(r.json, k) !== v)
              problems.push(`${k} is ${JSON.stringify(field(r.json, k))}, expected ${JSON.stringify(v)}`);
          }
        }
        if (r.ms > ctx.settings.responseTime)
          problems.push(`took ${r.ms.toFixed(0)} ms (bound ${ctx.settings.responseTime} ms)`);
        out.push(
          problems.length
            ? fail(`${e.path}: ${problems.join('; ')}`)
            : pass(`${e.path}: HTTP ${r.status} in ${r.ms.toFixed(1)} ms`),
        );
      }
      return out.length ? out : [skip('no endpoints configured')];
    },
  },
  {
    id: 'burst',
    name: 'a concurrent burst keeps its success ratio',
    async run(ctx) {
      const b = ctx.settings.burst;
      const probe = startProbe(ctx.url + b.path, {
        concurrency: b.concurrency,
        headers: ctx.headers,
        timeoutMs: ctx.settings.responseTime * 5,
      });
      while (probe.snapshot().requests < b.requests) await new Promise((r) => setTimeout(r, 5));
      const t = await probe.stop();
      const ratio = t.requests ? (t.ok / t.requests) * 100 : 0;
      const detail = `${t.ok}/${t.requests} succeeded (${ratio.toFixed(1)}%, need ${b.minSuccess}%) with ${b.concurrency} concurrent`;
      return [ratio >= b.minSuccess ? pass(detail) : fail(detail)];
    },
  },
  {
    id: 'performance',
    name: 'performance against the production baseline',
    async run(ctx) {
      if (!ctx.perf) return [skip('left out (--no-perf)')];
      let baseline: Awaited<ReturnType<typeof resolveResult>>;
      try {
        baseline = await resolveResult(`name:${ctx.settings.baseline}`, ctx.store);
      } catch (e) {
        return [skip(`no baseline "${ctx.settings.baseline}" to compare with (${(e as Error).message})`)];
      }
      const p = ctx.settings.performance;
      // the comparison is only fair on the baseline's own scenario (same requests and load model),
      // so it is replayed against staging rather than the staging endpoints list
      const requests = replayable(baseline.result.target.requests, ctx.headers);
      if (!requests) {
        return [
          skip(`the baseline's requests (${baseline.result.target.requests.join(', ')}) cannot be replayed`),
        ];
      }
      const startedAt = new Date();
      const test = await loadTest(
        {
          name: baseline.result.target.scenario,
          baseUrl: ctx.url,
          requests,
          auth: { kind: 'none' },
          model: baseline.result.model,
          durationMs: p.duration,
          timeoutMs: ctx.settings.responseTime * 5,
        },
        [],
        { windowMs: 250 },
      );
      const current = makeEnvelope(loadKind, {
        verdict: test.verdict,
        summary: test.summary,
        startedAt,
        warnings: test.warnings,
        fields: test.fields,
      }) as unknown as LoadEnvelope;
      const c = compareResults(
        { ...baseline, ref: baseline.ref },
        { ref: 'staging', result: current },
        { thresholdPct: p.threshold },
      );
      if (c.verdict === 'fail') return [fail(c.summary)];
      if (c.verdict === 'inconclusive') return [inconclusive(c.summary)];
      return [pass(c.summary)];
    },
  },
];
