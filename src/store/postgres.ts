import pg from 'pg';
import { UserError } from '../core/errors.ts';
import { redact, registerSecret } from '../core/redact.ts';
import type { DeployStore } from './deploys.ts';
import { postgresDeployStore } from './deploys-engines.ts';
import { assertSchemaNotNewer, MIGRATIONS_TABLE, pendingMigrations } from './migrations.ts';
import type { MonitorStore } from './monitoring.ts';
import { postgresMonitorStore } from './monitoring-postgres.ts';
import { inTransaction, type Queryable } from './pg-transaction.ts';
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
import { postgresTestResultStore } from './test-results-postgres.ts';

/**
 * The shared store: one PostgreSQL database for many CI runners. Tables live in the connection's
 * search_path, so a team can give shipgate its own schema with `?options=-c search_path=shipgate`.
 */

/** A wrong host or port should fail in seconds, not hang a CI job. */
export const POSTGRES_CONNECT_TIMEOUT_MS = 5_000;

/** Any constant works as long as every shipgate uses the same one: it names the migration lock. */
const MIGRATION_LOCK_KEY = 0x51f6a7e;

const HINT = 'check that the server is running and the URL (user, password, host, port, database) is right';

type Row = Record<string, unknown>;

export interface PostgresStoreOptions {
  /** How long to wait for a connection to be ready, in ms (default POSTGRES_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
}

export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const connectTimeoutMs = options.connectTimeoutMs ?? POSTGRES_CONNECT_TIMEOUT_MS;
  registerUrlPassword(url);
  const location = redact(url);
  let pool: pg.Pool;
  try {
    pool = new pg.Pool({
      connectionString: url,
      max: 4,
      connectionTimeoutMillis: connectTimeoutMs,
      idleTimeoutMillis: 10_000,
      // a CLI that forgets close() should still exit
      allowExitOnIdle: true,
      application_name: 'shipgate',
    });
  } catch (e) {
    throw new UserError(`cannot open store ${location}: ${redact(errorText(e))}`, { hint: HINT });
  }
  // An idle connection dropped by the server emits 'error' on the pool; unhandled, that would
  // crash the process. The next query simply checks out a fresh connection.
  pool.on('error', () => {});

  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    await pool.end().catch(() => {});
    throw new UserError(`cannot open store ${location}: ${describeConnectError(e, connectTimeoutMs)}`, {
      hint: HINT,
    });
  }
  try {
    await migrate(client, location);
  } catch (e) {
    client.release(true);
    await pool.end().catch(() => {});
    if (e instanceof UserError) throw e;
    if (isEnvironmentError(e)) {
      throw new UserError(`cannot open store ${location}: ${redact(errorText(e))}`, { hint: HINT });
    }
    throw e;
  }
  client.release();
  return new PostgresStore(pool, location);
}

/**
 * Migrations run in one transaction holding a transaction-scoped advisory lock, so runners that
 * start together on a fresh database take turns: the first migrates, the others find it done.
 * The lock goes away with the transaction, even if the process dies.
 */
async function migrate(client: pg.PoolClient, location: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(MIGRATIONS_TABLE.postgres);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = rows.map((r) => Number(r.version));
    assertSchemaNotNewer(applied, location);
    for (const m of pendingMigrations(applied)) {
      await client.query(m.postgres);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        m.version,
        m.name,
      ]);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

/** Then the password stays hidden even inside an error text that pg or the server makes up. */
function registerUrlPassword(url: string): void {
  try {
    const password = new URL(url).password;
    if (password) registerSecret(decodeURIComponent(password));
  } catch {
    // pg reports a malformed URL itself, and redact() still hides user:password@ by pattern
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error && e.message) return e.message;
  // net.connect to a name with several addresses fails with an AggregateError whose message is empty
  const inner = (e as { errors?: unknown[] } | undefined)?.errors?.[0];
  if (inner instanceof Error && inner.message) return inner.message;
  return String(e);
}

const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  '28P01': 'password authentication failed',
  '28000': 'authentication rejected',
  '3D000': 'database does not exist',
  '57P03': 'the server is starting up or shutting down',
};

function describeConnectError(e: unknown, timeoutMs: number): string {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code in CONNECT_ERRORS) return CONNECT_ERRORS[code] as string;
  const text = errorText(e);
  if (/timeout/i.test(text)) return `no answer within ${timeoutMs / 1000} s`;
  return redact(text);
}

/** Errors that say the database is unusable to us (rights, connection), as opposed to a bug in our SQL. */
function isEnvironmentError(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return false;
  return (
    code === '42501' || // insufficient_privilege: no CREATE on the schema
    code === '3F000' || // invalid_schema_name: search_path names no existing schema
    code === '25006' || // read_only_sql_transaction: connected to a standby
    code.startsWith('08') || // connection exceptions
    code.startsWith('53') || // insufficient resources (disk full, too many connections)
    code.startsWith('57') || // operator intervention (shutdown, cancel)
    code in CONNECT_ERRORS
  );
}

const RUN_COLUMNS = `id, kind, verdict, summary, started_at, finished_at, recorded_at, git_commit, git_branch,
  environment, labels, result`;
const RUN_COLUMNS_WITHOUT_RESULT = RUN_COLUMNS.replace(/result$/, 'NULL AS result');

class PostgresStore implements Store {
  readonly engine = 'postgres';
  readonly location: string;
  readonly #pool: pg.Pool;
  #monitoring: MonitorStore | undefined;
  #testResults: TestResultStore | undefined;
  #deploys: DeployStore | undefined;
  #closed = false;

  constructor(pool: pg.Pool, location: string) {
    this.#pool = pool;
    this.location = location;
  }

  async recordRun(run: NewRun): Promise<StoredRun> {
    const p = prepareRun(run);
    const id = await this.#transaction(async (c) => {
      const { rows } = await c.query<{ id: string }>(
        `INSERT INTO runs (kind, verdict, summary, started_at, finished_at, git_commit, git_branch,
           environment, labels, result)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb)
         RETURNING id`,
        [
          p.kind,
          p.verdict,
          p.summary,
          p.startedAt,
          p.finishedAt,
          p.gitCommit,
          p.gitBranch,
          // stringified here: pg would turn a top-level array into a PostgreSQL array, not JSON
          JSON.stringify(p.environment),
          JSON.stringify(p.labels),
          p.resultJson,
        ],
      );
      const runId = Number(rows[0]?.id);
      if (p.figures.length > 0) {
        await c.query(
          `INSERT INTO run_figures (run_id, name, value)
           SELECT $1, f.name, f.value FROM unnest($2::text[], $3::float8[]) AS f(name, value)`,
          [runId, p.figures.map(([n]) => n), p.figures.map(([, v]) => v)],
        );
      }
      return runId;
    });
    const stored = await this.getRun(id);
    if (!stored) throw new Error(`run #${id} vanished right after it was recorded`);
    return stored;
  }

  async getRun(id: number): Promise<StoredRun | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    const { rows } = await this.#pool.query<Row>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1`, [id]);
    return (await this.#withFigures(rows))[0];
  }

  async listRuns(query: RunQuery = {}): Promise<StoredRun[]> {
    const limit = queryLimit(query);
    checkSince(query.since);
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.kind !== undefined) where.push(`kind = ${param(query.kind)}`);
    if (query.branch !== undefined) where.push(`git_branch = ${param(query.branch)}`);
    if (query.since !== undefined) where.push(`started_at >= ${param(query.since)}`);
    const labels = redactLabels(query.labels ?? {});
    if (Object.keys(labels).length > 0) where.push(`labels @> ${param(JSON.stringify(labels))}::jsonb`);
    const { rows } = await this.#pool.query<Row>(
      `SELECT ${query.withoutResult ? RUN_COLUMNS_WITHOUT_RESULT : RUN_COLUMNS} FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY started_at DESC, id DESC LIMIT ${param(limit)}`,
      params,
    );
    return this.#withFigures(rows);
  }

  async setBaseline(name: string, runId: number, note?: string): Promise<Baseline> {
    checkBaselineArgs(name, runId);
    try {
      const { rows } = await this.#pool.query<Row>(
        `WITH b AS (
           INSERT INTO baselines (name, run_id, note) VALUES ($1, $2, $3)
           ON CONFLICT (name) DO UPDATE SET run_id = excluded.run_id, note = excluded.note, created_at = now()
           RETURNING name, run_id, created_at, note
         )
         SELECT b.*, r.kind FROM b JOIN runs r ON r.id = b.run_id`,
        [name, runId, note ?? null],
      );
      const row = rows[0];
      if (!row) throw new Error(`baseline ${name} was not written`);
      return toBaseline(row);
    } catch (e) {
      // the foreign key, not a prior SELECT, decides: a run cannot vanish between check and write
      if ((e as { code?: unknown }).code === '23503') throw missingRunError(runId, this.location);
      throw e;
    }
  }

  async getBaseline(name: string): Promise<Baseline | undefined> {
    const { rows } = await this.#pool.query<Row>(
      `SELECT b.name, b.run_id, b.created_at, b.note, r.kind
       FROM baselines b JOIN runs r ON r.id = b.run_id WHERE b.name = $1`,
      [name],
    );
    return rows[0] ? toBaseline(rows[0]) : undefined;
  }

  async listBaselines(): Promise<Baseline[]> {
    const { rows } = await this.#pool.query<Row>(
      `SELECT b.name, b.run_id, b.created_at, b.note, r.kind
       FROM baselines b JOIN runs r ON r.id = b.run_id ORDER BY b.name COLLATE "C"`,
    );
    return rows.map(toBaseline);
  }

  async deleteBaseline(name: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('DELETE FROM baselines WHERE name = $1', [name]);
    return (rowCount ?? 0) > 0;
  }

  async schemaVersion(): Promise<number> {
    const { rows } = await this.#pool.query<{ version: number }>(
      'SELECT coalesce(max(version), 0) AS version FROM schema_migrations',
    );
    return Number(rows[0]?.version ?? 0);
  }

  monitoring(): MonitorStore {
    this.#monitoring ??= postgresMonitorStore(this.#pool);
    return this.#monitoring;
  }

  testResults(): TestResultStore {
    this.#testResults ??= postgresTestResultStore(this.#pool);
    return this.#testResults;
  }

  deploys(): DeployStore {
    this.#deploys ??= postgresDeployStore(this.#pool);
    return this.#deploys;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  #transaction<T>(fn: (client: Queryable) => Promise<T>): Promise<T> {
    return inTransaction(this.#pool, fn);
  }

  async #withFigures(rows: Row[]): Promise<StoredRun[]> {
    if (rows.length === 0) return [];
    const { rows: figureRows } = await this.#pool.query<{ run_id: string; name: string; value: number }>(
      'SELECT run_id, name, value FROM run_figures WHERE run_id = ANY($1::bigint[]) ORDER BY name COLLATE "C"',
      [rows.map((r) => Number(r.id))],
    );
    const byRun = figuresByRun(
      figureRows.map((f) => ({ runId: Number(f.run_id), name: f.name, value: Number(f.value) })),
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
    startedAt: r.started_at as Date,
    finishedAt: r.finished_at as Date,
    recordedAt: r.recorded_at as Date,
    environment: r.environment as StoredRun['environment'],
    figures,
    labels: r.labels as Record<string, string>,
    result: r.result ?? null,
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
    createdAt: r.created_at as Date,
  };
  if (r.note !== null && r.note !== undefined) b.note = String(r.note);
  return b;
}
