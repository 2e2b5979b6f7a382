import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { UserError } from '../core/errors.ts';
import { loadSqlite } from '../core/sqlite.ts';
import type { DeployStore } from './deploys.ts';
import { sqliteDeployStore } from './deploys-engines.ts';
import { assertSchemaNotNewer, MIGRATIONS_TABLE, pendingMigrations } from './migrations.ts';
import type { MonitorStore } from './monitoring.ts';
import { sqliteMonitorStore } from './monitoring-sqlite.ts';
import {
  checkBaselineArgs,
  checkSince,
  figuresByRun,
  missingRunError,
  prepareRun,
  queryLimit,
  redactLabels,
} from './records.ts';
import type { Baseline, NewRun, RunQuery, Store, StoredRun } from './store.ts';
import type { TestResultStore } from './test-results.ts';
import { sqliteTestResultStore } from './test-results-sqlite.ts';

/**
 * The default store: one SQLite file through node:sqlite. Several shipgate processes may share a
 * file (parallel CI jobs on one runner, `monitor` next to `load`), so every write is a
 * `BEGIN IMMEDIATE` transaction — it takes the write lock up front and waits for it (busy_timeout)
 * instead of failing midway when a read transaction cannot be upgraded.
 */

/** Long enough to outlast another process's migration or a burst of writes; short enough to report a stuck lock. */
export const SQLITE_BUSY_TIMEOUT_MS = 15_000;

const HINT = 'point SHIPGATE_STORE at a writable file path, or at a postgres:// URL';

const SQLITE_BUSY = 5;

/** SQLite result codes that describe the file or its lock rather than a bug in our SQL. */
const FILE_LEVEL_CODES = new Set([
  3, // SQLITE_PERM
  SQLITE_BUSY,
  6, // SQLITE_LOCKED
  8, // SQLITE_READONLY
  10, // SQLITE_IOERR
  11, // SQLITE_CORRUPT
  13, // SQLITE_FULL
  14, // SQLITE_CANTOPEN
  26, // SQLITE_NOTADB
]);

type Row = Record<string, unknown>;

export async function openSqliteStore(path: string): Promise<Store> {
  const { DatabaseSync } = await loadSqlite();
  const memory = path === ':memory:';
  if (!memory) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw openError(path, e);
    }
  }
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { timeout: SQLITE_BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
    db.exec(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    db.exec('PRAGMA foreign_keys = ON');
    // WAL lets readers (the dashboard, `trend`) run while a gate writes. With WAL, synchronous=NORMAL
    // cannot corrupt the file; at worst a power cut loses the last commits.
    if (!memory) enableWal(db);
    db.exec('PRAGMA synchronous = NORMAL');
    migrate(db, path);
  } catch (e) {
    try {
      db?.close();
    } catch {
      // the original error is the one worth reporting
    }
    if (e instanceof UserError) throw e;
    const code = (e as { errcode?: unknown }).errcode;
    if (typeof code === 'number' && FILE_LEVEL_CODES.has(code & 0xff)) throw openError(path, e);
    throw e;
  }
  return new SqliteStore(db, path);
}

/**
 * Switching to WAL needs an exclusive lock, and SQLite reports SQLITE_BUSY for it at once, without
 * consulting busy_timeout — e.g. while another process closes the file as its last user (it
 * checkpoints and removes the WAL under an exclusive lock). So wait and retry here, within the same
 * time budget.
 */
function enableWal(db: DatabaseSync): void {
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      db.exec('PRAGMA journal_mode = WAL');
      return;
    } catch (e) {
      const code = (e as { errcode?: unknown }).errcode;
      if (typeof code !== 'number' || (code & 0xff) !== SQLITE_BUSY || Date.now() >= deadline) throw e;
      sleepSync(Math.min(100, attempt * 5) * (0.5 + Math.random()));
    }
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Applies pending migrations under the write lock, so two processes opening a fresh file at once
 * serialise here: the second waits, then finds nothing left to do.
 */
function migrate(db: DatabaseSync, location: string): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(MIGRATIONS_TABLE.sqlite);
    const applied = db
      .prepare('SELECT version FROM schema_migrations')
      .all()
      .map((r) => Number(r.version));
    assertSchemaNotNewer(applied, location);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of pendingMigrations(applied)) {
      db.exec(m.sqlite);
      record.run(m.version, m.name, Date.now());
    }
    db.exec('COMMIT');
  } catch (e) {
    rollback(db);
    throw e;
  }
}

/** Ends a failed transaction, if SQLite has not already rolled it back itself. */
function rollback(db: DatabaseSync): void {
  // isTransaction arrived in Node 22.16; on older releases, try and ignore "no transaction is active"
  if (db.isTransaction === false) return;
  try {
    db.exec('ROLLBACK');
  } catch {
    // nothing left to roll back
  }
}

function openError(path: string, e: unknown): UserError {
  return new UserError(`cannot open store ${path}: ${reason(path, e)}`, { hint: HINT });
}

function reason(path: string, e: unknown): string {
  try {
    if (statSync(path).isDirectory()) return 'is a directory';
  } catch {
    // missing is fine here: SQLite creates the file; the error below says what went wrong
  }
  const err = e as { code?: string; errcode?: number; errstr?: string; message?: string };
  if (err.code === 'EACCES' || err.code === 'EPERM') return 'permission denied';
  // SQLite only says "unable to open" or "readonly"; WAL also needs to create files next to the database
  if ((err.errcode === 8 || err.errcode === 14) && (!writable(path) || !writable(dirname(path)))) {
    return 'permission denied';
  }
  if (err.code === 'ENOTDIR' || err.code === 'EEXIST') return 'a parent of it is not a directory';
  if (err.code === 'EROFS') return 'read-only file system';
  return err.errstr ?? err.message ?? String(e);
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

class SqliteStore implements Store {
  readonly engine = 'sqlite';
  readonly location: string;
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  #monitoring: MonitorStore | undefined;
  #testResults: TestResultStore | undefined;
  #deploys: DeployStore | undefined;
  #closed = false;

  constructor(db: DatabaseSync, location: string) {
    this.#db = db;
    this.location = location;
  }

  async recordRun(run: NewRun): Promise<StoredRun> {
    const p = prepareRun(run);
    const recordedAt = Date.now();
    const id = this.#write(() => {
      const { lastInsertRowid } = this.#sql(
        `INSERT INTO runs (kind, verdict, summary, started_at, finished_at, recorded_at, git_commit, git_branch,
           environment, labels, result)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        p.kind,
        p.verdict,
        p.summary,
        p.startedAt.getTime(),
        p.finishedAt.getTime(),
        recordedAt,
        p.gitCommit,
        p.gitBranch,
        JSON.stringify(p.environment),
        JSON.stringify(p.labels),
        p.resultJson,
      );
      const runId = Number(lastInsertRowid);
      const figure = this.#sql('INSERT INTO run_figures (run_id, name, value) VALUES (?, ?, ?)');
      for (const [name, value] of p.figures) figure.run(runId, name, value);
      return runId;
    });
    const stored = await this.getRun(id);
    if (!stored) throw new Error(`run #${id} vanished right after it was recorded`);
    return stored;
  }

  async getRun(id: number): Promise<StoredRun | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    const row = this.#sql('SELECT * FROM runs WHERE id = ?').get(id);
    return row ? this.#withFigures([row])[0] : undefined;
  }

  async listRuns(query: RunQuery = {}): Promise<StoredRun[]> {
    const limit = queryLimit(query);
    checkSince(query.since);
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (query.kind !== undefined) {
      where.push('kind = ?');
      params.push(query.kind);
    }
    if (query.branch !== undefined) {
      where.push('git_branch = ?');
      params.push(query.branch);
    }
    if (query.since !== undefined) {
      where.push('started_at >= ?');
      params.push(query.since.getTime());
    }
    for (const [key, value] of Object.entries(redactLabels(query.labels ?? {}))) {
      // json_each rather than json_extract: a label key may contain '.', '"' or '[' that a JSON path would misread.
      where.push('EXISTS (SELECT 1 FROM json_each(runs.labels) AS l WHERE l.key = ? AND l.value = ?)');
      params.push(key, value);
    }
    const columns = query.withoutResult
      ? 'id, kind, verdict, summary, started_at, finished_at, recorded_at, git_commit, git_branch, environment, labels, NULL AS result'
      : '*';
    const sql = `SELECT ${columns} FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY started_at DESC, id DESC LIMIT ?`;
    const rows = this.#sql(sql).all(...params, limit);
    return this.#withFigures(rows);
  }

  async setBaseline(name: string, runId: number, note?: string): Promise<Baseline> {
    checkBaselineArgs(name, runId);
    return this.#write(() => {
      const run = this.#sql('SELECT kind FROM runs WHERE id = ?').get(runId);
      if (!run) throw missingRunError(runId, this.location);
      const row = this.#sql(
        `INSERT INTO baselines (name, run_id, created_at, note) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET run_id = excluded.run_id, created_at = excluded.created_at, note = excluded.note
         RETURNING name, run_id, created_at, note`,
      ).get(name, runId, Date.now(), note ?? null);
      if (!row) throw new Error(`baseline ${name} was not written`);
      return toBaseline({ ...row, kind: run.kind });
    });
  }

  async getBaseline(name: string): Promise<Baseline | undefined> {
    const row = this.#sql(
      'SELECT b.name, b.run_id, b.created_at, b.note, r.kind FROM baselines b JOIN runs r ON r.id = b.run_id WHERE b.name = ?',
    ).get(name);
    return row ? toBaseline(row) : undefined;
  }

  async listBaselines(): Promise<Baseline[]> {
    return this.#sql(
      'SELECT b.name, b.run_id, b.created_at, b.note, r.kind FROM baselines b JOIN runs r ON r.id = b.run_id ORDER BY b.name',
    )
      .all()
      .map(toBaseline);
  }

  async deleteBaseline(name: string): Promise<boolean> {
    return this.#write(() => Number(this.#sql('DELETE FROM baselines WHERE name = ?').run(name).changes) > 0);
  }

  async schemaVersion(): Promise<number> {
    const row = this.#sql('SELECT coalesce(max(version), 0) AS version FROM schema_migrations').get();
    return Number(row?.version ?? 0);
  }

  monitoring(): MonitorStore {
    this.#monitoring ??= sqliteMonitorStore(this.#db);
    return this.#monitoring;
  }

  testResults(): TestResultStore {
    this.#testResults ??= sqliteTestResultStore(this.#db);
    return this.#testResults;
  }

  deploys(): DeployStore {
    this.#deploys ??= sqliteDeployStore(this.#db);
    return this.#deploys;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#statements.clear();
    this.#db.close();
  }

  #sql(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #write<T>(fn: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.#db.exec('COMMIT');
      return result;
    } catch (e) {
      rollback(this.#db);
      throw e;
    }
  }

  #withFigures(rows: Row[]): StoredRun[] {
    if (rows.length === 0) return [];
    const figureRows = this.#sql(
      'SELECT run_id, name, value FROM run_figures WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY name',
    ).all(JSON.stringify(rows.map((r) => Number(r.id))));
    const byRun = figuresByRun(
      figureRows.map((f) => ({ runId: Number(f.run_id), name: String(f.name), value: Number(f.value) })),
    );
    return rows.map((r) => toRun(r, byRun.get(Number(r.id)) ?? {}));
  }
}

function toRun(r: Row, figures: Record<string, number>): StoredRun {
  const run: StoredRun = {
    id: Number(r.id),
    kind: String(r.kind),
    verdict: String(r.verdict) as StoredRun['verdict'],
    summary: String(r.summary),
    startedAt: new Date(Number(r.started_at)),
    finishedAt: new Date(Number(r.finished_at)),
    recordedAt: new Date(Number(r.recorded_at)),
    environment: JSON.parse(String(r.environment)),
    figures,
    labels: JSON.parse(String(r.labels)),
    result: r.result === null ? null : JSON.parse(String(r.result)),
  };
  if (r.git_commit !== null) run.gitCommit = String(r.git_commit);
  if (r.git_branch !== null) run.gitBranch = String(r.git_branch);
  return run;
}

function toBaseline(r: Row): Baseline {
  const b: Baseline = {
    name: String(r.name),
    runId: Number(r.run_id),
    kind: String(r.kind),
    createdAt: new Date(Number(r.created_at)),
  };
  if (r.note !== null && r.note !== undefined) b.note = String(r.note);
  return b;
}
