import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadSqlite } from '../../src/core/sqlite.ts';

/**
 * How the contract tests reach each engine: a fresh, empty store location per test, and a way to
 * look at what was stored behind the store's back (to prove a secret never reached the disk).
 */
export interface EngineHarness {
  readonly engine: 'sqlite' | 'postgres';
  /** A location nobody has used yet: nothing created, nothing migrated. */
  freshLocation(): Promise<string>;
  /** Runs SQL on the store directly, bypassing the Store API. */
  exec(location: string, sql: string): Promise<void>;
  /** Everything stored for runs, as the engine holds it. */
  rawText(location: string): Promise<string>;
  cleanup(): Promise<void>;
}

export function sqliteHarness(): EngineHarness {
  const root = mkdtempSync(join(tmpdir(), 'shipgate-store-'));
  let n = 0;
  return {
    engine: 'sqlite',
    async freshLocation() {
      n += 1;
      // a folder that does not exist yet: the store must create it
      return join(root, `t${n}`, 'shipgate.db');
    },
    async exec(location, sql) {
      const { DatabaseSync } = await loadSqlite();
      const db = new DatabaseSync(location, { timeout: 10_000 });
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
    async rawText(location) {
      // the file bytes themselves, WAL included: what an attacker with the file would see
      return [location, `${location}-wal`]
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f).toString('latin1'))
        .join('\n');
    },
    async cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** One schema per test in the shared test database, selected through the URL's search_path. */
export function postgresHarness(adminUrl: string): EngineHarness {
  const schemas: string[] = [];
  const withAdmin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  const withStore = async <T>(location: string, fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: location });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    engine: 'postgres',
    async freshLocation() {
      const schema = `t_${randomBytes(6).toString('hex')}`;
      await withAdmin((c) => c.query(`CREATE SCHEMA ${schema}`));
      schemas.push(schema);
      return postgresUrlWithSchema(adminUrl, schema);
    },
    async exec(location, sql) {
      await withStore(location, (c) => c.query(sql));
    },
    async rawText(location) {
      const { rows } = await withStore(location, (c) =>
        c.query<{ t: string }>('SELECT r::text AS t FROM runs r UNION ALL SELECT f::text FROM run_figures f'),
      );
      return rows.map((r) => r.t).join('\n');
    },
    async cleanup() {
      if (schemas.length === 0) return;
      await withAdmin((c) => c.query(`DROP SCHEMA ${schemas.splice(0).join(', ')} CASCADE`));
    },
  };
}

export function postgresUrlWithSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}
