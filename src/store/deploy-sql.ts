import type { Migration } from './migrations.ts';

/**
 * Migration 4: the deploy journal and the per-environment deploy lock. A deploy is one row; each
 * phase it went through (start, health, smoke, switch, verify, watch, …) is a row hanging off it,
 * so a deploy killed halfway leaves a journal that `deploy status` can show and `deploy recover`
 * can resolve. The lock is a row keyed by environment: inserting it is the atomic "take".
 */
export const DEPLOY_MIGRATION: Migration = {
  version: 4,
  name: 'deploy journal and locks',
  sqlite: `
CREATE TABLE deploys (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  env TEXT NOT NULL,
  action TEXT NOT NULL,
  version TEXT NOT NULL,
  colour TEXT NOT NULL,
  previous_version TEXT,
  previous_colour TEXT,
  git_commit TEXT,
  actor TEXT NOT NULL,
  outcome TEXT NOT NULL,
  rollback_of INTEGER REFERENCES deploys (id),
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
) STRICT;
CREATE INDEX deploys_env_id ON deploys (env, id);

CREATE TABLE deploy_phases (
  deploy_id INTEGER NOT NULL REFERENCES deploys (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  phase TEXT NOT NULL,
  outcome TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
  PRIMARY KEY (deploy_id, seq)
) STRICT;

CREATE TABLE deploy_locks (
  env TEXT PRIMARY KEY,
  deploy_id INTEGER NOT NULL,
  owner TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  acquired_at INTEGER NOT NULL
) STRICT;
`,
  postgres: `
CREATE TABLE deploys (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  env text NOT NULL,
  action text NOT NULL,
  version text NOT NULL,
  colour text NOT NULL,
  previous_version text,
  previous_colour text,
  git_commit text,
  actor text NOT NULL,
  outcome text NOT NULL,
  rollback_of bigint REFERENCES deploys (id),
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX deploys_env_id ON deploys (env, id);

CREATE TABLE deploy_phases (
  deploy_id bigint NOT NULL REFERENCES deploys (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  phase text NOT NULL,
  outcome text NOT NULL,
  started_at timestamptz NOT NULL,
  duration_ms double precision NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (deploy_id, seq)
);

CREATE TABLE deploy_locks (
  env text PRIMARY KEY,
  deploy_id bigint NOT NULL,
  owner text NOT NULL,
  pid integer NOT NULL,
  host text NOT NULL,
  acquired_at timestamptz NOT NULL
);
`,
};
