import { redact } from '../../core/redact.ts';
import { round, type Sample } from '../series.ts';
import { RespConnection, RespError, type RespValue } from './resp.ts';
import type { CheckKind, CheckSpec } from './types.ts';

type RedisSpec = Extract<CheckSpec, { kind: 'redis' }>;

/**
 * Redis (`REDIS_URL`): PING, and the configured command, each timed. `redis://[user:pass@]host:port/db`;
 * AUTH and SELECT are sent first when the URL asks for them.
 */
export const redisCheck: CheckKind<RedisSpec> = {
  kind: 'redis',
  target: (spec) => redact(spec.url),
  async run(spec) {
    const url = new URL(spec.url);
    if (url.protocol !== 'redis:') {
      return { ok: false, samples: [], problem: `${url.protocol}// is not supported; use redis://` };
    }
    const t0 = performance.now();
    const conn = await RespConnection.open(
      url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
      Number(url.port || 6379),
      spec.timeout,
    );
    const deadline = setTimeout(() => conn.close(), spec.timeout);
    try {
      if (url.password) {
        const user = decodeURIComponent(url.username);
        const pass = decodeURIComponent(url.password);
        expectOk(await conn.command(user ? ['AUTH', user, pass] : ['AUTH', pass]), 'AUTH');
      }
      const db = url.pathname.replace(/^\//, '');
      if (db) expectOk(await conn.command(['SELECT', db]), 'SELECT');
      const t1 = performance.now();
      const pong = await conn.command(['PING']);
      const t2 = performance.now();
      if (pong instanceof RespError) return { ok: false, samples: [], problem: `PING: ${pong.message}` };
      const samples: Sample[] = [
        { metric: 'db_connect_time_ms', labels: {}, value: round(t1 - t0) },
        { metric: 'db_query_time_ms', labels: { command: 'PING' }, value: round(t2 - t1) },
      ];
      if (spec.command) {
        const reply = await conn.command(spec.command);
        const t3 = performance.now();
        const name = (spec.command[0] ?? '').toUpperCase();
        samples.push({ metric: 'db_query_time_ms', labels: { command: name }, value: round(t3 - t2) });
        if (reply instanceof RespError) return { ok: false, samples, problem: `${name}: ${reply.message}` };
      }
      return { ok: true, samples };
    } finally {
      clearTimeout(deadline);
      conn.close();
    }
  },
};

function expectOk(reply: RespValue, what: string): void {
  if (reply instanceof RespError) throw new Error(`${what}: ${reply.message}`);
}
