import { existsSync } from 'node:fs';
import { loadSqlite } from '../../core/sqlite.ts';
import { type CheckKind, type CheckSpec, timedQuery } from './types.ts';

type SqliteSpec = Extract<CheckSpec, { kind: 'sqlite' }>;

/**
 * A SQLite database file: opens it read-only and times the configured query. Read-only, so a
 * monitor can never create a missing file or take the write lock from the service.
 */
export const sqliteCheck: CheckKind<SqliteSpec> = {
  kind: 'sqlite',
  target: (spec) => spec.path,
  async run(spec) {
    if (!existsSync(spec.path)) return { ok: false, samples: [], problem: `${spec.path}: no such file` };
    const { DatabaseSync } = await loadSqlite();
    const t0 = performance.now();
    const db = new DatabaseSync(spec.path, { readOnly: true, timeout: spec.timeout });
    try {
      const t1 = performance.now();
      db.prepare(spec.query).all();
      const t2 = performance.now();
      return timedQuery(t0, t1, t2);
    } finally {
      db.close();
    }
  },
};
