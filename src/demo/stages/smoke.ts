import { httpExchange } from '../../core/http.ts';
import type { Cell } from '../../report/document.ts';
import type { DemoStage } from '../stage.ts';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

/**
 * Probes the running service the way a post-deploy smoke test would: health, auth refusing
 * strangers, the token flow, every JSON endpoint with a token, and that /openapi.json describes
 * routes that really answer.
 */
export const smokeStage: DemoStage = {
  id: 'smoke',
  title: 'API smoke check',
  async run(ctx) {
    const checks: Check[] = [];
    const base = ctx.service.url;
    const check = async (name: string, probe: () => Promise<{ ok: boolean; detail: string; ms: number }>) => {
      try {
        checks.push({ name, ...(await probe()) });
      } catch (e) {
        checks.push({ name, ok: false, detail: (e as Error).message, ms: 0 });
      }
    };

    await check('GET /health is healthy', async () => {
      const r = await httpExchange(`${base}/health`);
      const status = (r.json as { status?: string } | undefined)?.status;
      return {
        ok: r.status === 200 && status === 'healthy',
        detail: `${r.status} ${status ?? ''}`.trim(),
        ms: r.ms,
      };
    });
    await check('GET /api/status without a token is refused', async () => {
      const r = await httpExchange(`${base}/api/status`);
      return { ok: r.status === 401, detail: String(r.status), ms: r.ms };
    });
    await check('POST /token with a wrong password is refused', async () => {
      const r = await login(base, ctx.credentials.username, `${ctx.credentials.password}-wrong`);
      return { ok: r.status === 401, detail: String(r.status), ms: r.ms };
    });
    let token = '';
    await check('POST /token issues a bearer token', async () => {
      const r = await login(base, ctx.credentials.username, ctx.credentials.password);
      token = String((r.json as { access_token?: string } | undefined)?.access_token ?? '');
      return { ok: r.status === 200 && token.length > 0, detail: String(r.status), ms: r.ms };
    });
    const auth = { authorization: `Bearer ${token}` };

    let specPaths: string[] = [];
    await check('GET /openapi.json is OpenAPI 3.1', async () => {
      const r = await httpExchange(`${base}/openapi.json`, { headers: auth });
      const doc = r.json as { openapi?: string; paths?: Record<string, Record<string, unknown>> } | undefined;
      specPaths = Object.entries(doc?.paths ?? {})
        .filter(([, ops]) => 'get' in ops)
        .map(([p]) => p);
      return {
        ok: r.status === 200 && /^3\.1\./.test(doc?.openapi ?? ''),
        detail: `${r.status} openapi ${doc?.openapi ?? '?'}, ${specPaths.length} GET paths`,
        ms: r.ms,
      };
    });
    for (const path of specPaths.filter((p) => !p.includes('{'))) {
      await check(`GET ${path} answers as documented`, async () => {
        const r = await httpExchange(`${base}${path}`, { headers: auth });
        return {
          ok: r.status === 200 && (r.json !== undefined || path === '/openapi.json'),
          detail: `${r.status}, ${r.text.length} bytes`,
          ms: r.ms,
        };
      });
    }

    const passed = checks.filter((c) => c.ok).length;
    const slowest = Math.max(0, ...checks.map((c) => c.ms));
    return {
      verdict: passed === checks.length ? 'pass' : 'fail',
      summary: `${passed}/${checks.length} checks passed; slowest answer ${slowest.toFixed(1)} ms`,
      blocks: [
        {
          type: 'table',
          title: 'Smoke checks',
          columns: ['check', 'result', 'answer', 'time'],
          align: ['left', 'left', 'left', 'right'],
          rows: checks.map((c): Cell[] => [
            c.name,
            { text: c.ok ? 'ok' : 'FAILED', tone: c.ok ? 'good' : 'bad' },
            c.detail,
            `${c.ms.toFixed(1)}ms`,
          ]),
        },
      ],
      figures: { checks: checks.length, checks_passed: passed, slowest_ms: round(slowest) },
    };
  },
};

function login(base: string, username: string, password: string) {
  return httpExchange(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
