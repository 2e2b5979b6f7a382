import { UserError } from '../core/errors.ts';
import { DEPLOY_MIGRATION } from './deploy-sql.ts';
import { MONITORING_MIGRATION } from './monitoring-sql.ts';
import { TEST_RESULTS_MIGRATION } from './test-results-sql.ts';

/**
 * The store's schema, as an ordered list of migrations. Each engine applies, in one transaction
 * under a lock, every migration whose version is not yet in `schema_migrations`. A new feature
 * that needs a table appends an entry; entries already released are never edited, because stores
 * out there have applied them.
 *
 * The DDL deliberately uses plain `CREATE TABLE` (no `IF NOT EXISTS`): if the locking ever failed
 * and a migration ran twice, the second run must fail loudly rather than silently diverge.
 *
 * Timestamps: `timestamptz` on PostgreSQL; epoch milliseconds (INTEGER) on SQLite, which is exact
 * to the millisecond, sorts and compares as a number, and needs no parsing.
 */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

/** Created by the migration runner itself, before it can read which versions are applied. */
export const MIGRATIONS_TABLE = {
  sqlite: `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT`,
  postgres: `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`,
} as const;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, figures and baselines',
    sqlite: `
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  verdict TEXT NOT NULL,
  summary TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  git_commit TEXT,
  git_branch TEXT,
  environment TEXT NOT NULL CHECK (json_valid(environment)),
  labels TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(labels)),
  result TEXT CHECK (result IS NULL OR json_valid(result))
) STRICT;
CREATE INDEX runs_kind_started_at ON runs (kind, started_at);
CREATE INDEX runs_git_branch ON runs (git_branch);

CREATE TABLE run_figures (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (run_id, name)
) STRICT;
CREATE INDEX run_figures_name_run_id ON run_figures (name, run_id);

CREATE TABLE baselines (
  name TEXT PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id),
  created_at INTEGER NOT NULL,
  note TEXT
) STRICT;
CREATE INDEX baselines_run_id ON baselines (run_id);
`,
    postgres: `
CREATE TABLE runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  verdict text NOT NULL,
  summary text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  git_commit text,
  git_branch text,
  environment jsonb NOT NULL,
  labels jsonb NOT NULL DEFAULT '{}',
  result jsonb
);
CREATE INDEX runs_kind_started_at ON runs (kind, started_at);
CREATE INDEX runs_git_branch ON runs (git_branch);
-- label filters are containment queries (labels @> '{"scenario":"checkout"}')
CREATE INDEX runs_labels ON runs USING gin (labels jsonb_path_ops);

CREATE TABLE run_figures (
  run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name text NOT NULL,
  value double precision NOT NULL,
  PRIMARY KEY (run_id, name)
);
CREATE INDEX run_figures_name_run_id ON run_figures (name, run_id);

CREATE TABLE baselines (
  name text PRIMARY KEY,
  run_id bigint NOT NULL REFERENCES runs (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  note text
);
CREATE INDEX baselines_run_id ON baselines (run_id);
`,
  },
  TEST_RESULTS_MIGRATION,
  MONITORING_MIGRATION,
  DEPLOY_MIGRATION,
];

/** The version a store has once every known migration is applied. */
export function latestSchemaVersion(): number {
  return MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
}

/** Migrations not yet applied, in order. Throws when the list itself is malformed (a programming error). */
export function pendingMigrations(applied: Iterable<number>): Migration[] {
  let previous = 0;
  for (const m of MIGRATIONS) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new Error(`store migrations out of order at version ${m.version} (${m.name})`);
    }
    previous = m.version;
  }
  const done = new Set(applied);
  return MIGRATIONS.filter((m) => !done.has(m.version));
}

/**
 * A store migrated by a newer shipgate may have tables this version does not know about; writing
 * to it could break the newer version's invariants, so refuse instead of guessing.
 */
export function assertSchemaNotNewer(applied: Iterable<number>, location: string): void {
  const newest = Math.max(0, ...applied);
  const latest = latestSchemaVersion();
  if (newest > latest) {
    throw new UserError(
      `store ${location} has schema version ${newest}, newer than this shipgate understands (${latest})`,
      { hint: 'upgrade shipgate, or point SHIPGATE_STORE at another store' },
    );
  }
}
