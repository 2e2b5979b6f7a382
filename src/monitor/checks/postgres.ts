import pg from 'pg';
import { redact } from '../../core/redact.ts';
import { type CheckKind, type CheckSpec, timedQuery } from './types.ts';

type PostgresSpec = Extract<CheckSpec, { kind: 'postgres' }>;

/** A PostgreSQL database (`DATABASE_URL`): connection time and the configured query's time, each on its own. */
export const postgresCheck: CheckKind<PostgresSpec> = {
  kind: 'postgres',
  target: (spec) => redact(spec.url),
  async run(spec) {
    const client = new pg.Client({
      connectionString: spec.url,
      connectionTimeoutMillis: spec.timeout,
      query_timeout: spec.timeout,
      application_name: 'shipgate-monitor',
    });
    // a dropped connection emits 'error' on the client; the awaited calls below report it
    client.on('error', () => {});
    const t0 = performance.now();
    try {
      await client.connect();
      const t1 = performance.now();
      await client.query(spec.query);
      const t2 = performance.now();
      return timedQuery(t0, t1, t2);
    } catch (e) {
      return { ok: false, samples: [], problem: redact(pgError(e)) };
    } finally {
      await client.end().catch(() => {});
    }
  },
};

function pgError(e: unknown): string {
  const err = e as { code?: string; message?: string; errors?: Array<{ message?: string }> };
  if (err.code === 'ECONNREFUSED') return 'connection refused';
  return err.message || err.errors?.[0]?.message || String(e);
}
