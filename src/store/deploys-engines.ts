import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type pg from 'pg';
import { type DeployStore, deployStore } from './deploys.ts';

/** SQLite numbers its placeholders `?1`; the shared statements are written `$1`. */
const numbered = (sql: string) => sql.replace(/\$(\d+)/g, '?$1');

export function sqliteDeployStore(db: DatabaseSync): DeployStore {
  return deployStore({
    async run(sql, params) {
      return Number(db.prepare(numbered(sql)).run(...(params as SQLInputValue[])).changes);
    },
    async all(sql, params) {
      return db.prepare(numbered(sql)).all(...(params as SQLInputValue[])) as Record<string, unknown>[];
    },
    async insertId(sql, params) {
      return Number(db.prepare(numbered(sql)).run(...(params as SQLInputValue[])).lastInsertRowid);
    },
    time: (d) => d.getTime(),
    date: (v) => new Date(Number(v)),
    json: (v) => JSON.parse(String(v)),
    toJson: (v) => JSON.stringify(v),
  });
}

export function postgresDeployStore(pool: pg.Pool): DeployStore {
  return deployStore({
    async run(sql, params) {
      return (await pool.query(sql, params)).rowCount ?? 0;
    },
    async all(sql, params) {
      return (await pool.query(sql, params)).rows;
    },
    async insertId(sql, params) {
      const { rows } = await pool.query(`${sql} RETURNING id`, params);
      return Number(rows[0].id);
    },
    time: (d) => d,
    date: (v) => (v instanceof Date ? v : new Date(String(v))),
    json: (v) => (typeof v === 'string' ? JSON.parse(v) : v),
    toJson: (v) => JSON.stringify(v),
  });
}
