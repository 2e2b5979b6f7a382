import { httpExchange } from '../../core/http.ts';
import { redact, registerSecret } from '../../core/redact.ts';
import { round } from '../series.ts';
import type { CheckKind, CheckSpec } from './types.ts';

type HttpSpec = Extract<CheckSpec, { kind: 'http' }>;
type Condition = HttpSpec['body'][number];

/**
 * An HTTP endpoint: status, response time, JSON body conditions, headers, an optional bearer
 * token. A slow answer is still an answer: it is `check_up` 1 with a high response time, so the
 * response-time rule, not the up rule, speaks about it.
 */
export const httpCheck: CheckKind<HttpSpec> = {
  kind: 'http',
  target: (spec) => `${spec.method} ${redact(spec.url)}`,
  async run(spec, ctx) {
    const headers: Record<string, string> = { 'user-agent': 'shipgate-monitor', ...spec.headers };
    const token = spec.tokenEnv ? ctx.env[spec.tokenEnv] : undefined;
    if (token) {
      registerSecret(token);
      headers.authorization = `Bearer ${token}`;
    }
    const res = await httpExchange(spec.url, {
      method: spec.method,
      headers,
      timeoutMs: spec.timeout,
      maxBodyBytes: 1024 * 1024,
    });
    const samples = [
      { metric: 'http_response_time_ms', labels: {}, value: round(res.ms) },
      { metric: 'http_status', labels: {}, value: res.status },
    ];
    if (!spec.expectStatus.includes(res.status)) {
      return {
        ok: false,
        samples,
        problem: `status ${res.status}, expected ${spec.expectStatus.join(' or ')}`,
      };
    }
    for (const condition of spec.body) {
      const failed = checkCondition(res.json, condition);
      if (failed) return { ok: false, samples, problem: failed };
    }
    return { ok: true, samples };
  },
};

/** Undefined when the condition holds; otherwise what was wrong. */
export function checkCondition(body: unknown, condition: Condition): string | undefined {
  const where = condition.path ? `body.${condition.path}` : 'body';
  if (body === undefined) return `${where}: the response is not JSON`;
  const actual = pathValue(body, condition.path);
  const expected = condition.value;
  const holds = (() => {
    switch (condition.op) {
      case 'exists':
        return actual !== undefined;
      case 'contains':
        return typeof actual === 'string'
          ? actual.includes(String(expected))
          : Array.isArray(actual) && actual.some((v) => v === expected);
      case '==':
        return actual === expected;
      case '!=':
        return actual !== expected;
      default: {
        if (typeof actual !== 'number' || typeof expected !== 'number') return false;
        return COMPARE[condition.op](actual, expected);
      }
    }
  })();
  if (holds) return undefined;
  return `${where} ${condition.op}${expected === undefined ? '' : ` ${JSON.stringify(expected)}`} does not hold (got ${JSON.stringify(actual) ?? 'nothing'})`;
}

const COMPARE: Record<'<' | '<=' | '>' | '>=', (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** `data.items.0.id` → body.data.items[0].id; own properties only, so `__proto__` finds nothing. */
function pathValue(body: unknown, path: string): unknown {
  let current = body;
  for (const segment of path.split('.').filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
