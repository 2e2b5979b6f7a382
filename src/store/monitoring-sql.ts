import type { Migration } from './migrations.ts';

/** Migration 3: alert states, the notification outbox, silences, samples and roll-ups. */
export const MONITORING_MIGRATION: Migration = {
  version: 3,
  name: 'alert states, notification outbox, silences, samples and roll-ups',
  sqlite: `
CREATE TABLE alert_states (
  key TEXT PRIMARY KEY,
  data TEXT NOT NULL CHECK (json_valid(data)),
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE notify_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dedup_key TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  delivered_at INTEGER,
  failed_at INTEGER,
  last_error TEXT
) STRICT;
CREATE INDEX notify_outbox_due ON notify_outbox (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;

CREATE TABLE silences (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  matchers TEXT NOT NULL CHECK (json_valid(matchers)),
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  comment TEXT NOT NULL,
  created_by TEXT
) STRICT;

CREATE TABLE monitor_samples (
  series TEXT NOT NULL,
  at INTEGER NOT NULL,
  value REAL NOT NULL
) STRICT;
CREATE INDEX monitor_samples_series_at ON monitor_samples (series, at);
CREATE INDEX monitor_samples_at ON monitor_samples (at);

CREATE TABLE monitor_rollups (
  series TEXT NOT NULL,
  resolution TEXT NOT NULL CHECK (resolution IN ('minute', 'hour')),
  bucket INTEGER NOT NULL,
  count INTEGER NOT NULL,
  sum REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  PRIMARY KEY (series, resolution, bucket)
) STRICT;
CREATE INDEX monitor_rollups_resolution_bucket ON monitor_rollups (resolution, bucket);
`,
  postgres: `
CREATE TABLE alert_states (
  key text PRIMARY KEY,
  data jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE notify_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dedup_key text NOT NULL UNIQUE,
  channel text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  delivered_at timestamptz,
  failed_at timestamptz,
  last_error text
);
CREATE INDEX notify_outbox_due ON notify_outbox (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;

CREATE TABLE silences (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  matchers jsonb NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  comment text NOT NULL,
  created_by text
);

CREATE TABLE monitor_samples (
  series text NOT NULL,
  at timestamptz NOT NULL,
  value double precision NOT NULL
);
CREATE INDEX monitor_samples_series_at ON monitor_samples (series, at);
CREATE INDEX monitor_samples_at ON monitor_samples (at);

CREATE TABLE monitor_rollups (
  series text NOT NULL,
  resolution text NOT NULL CHECK (resolution IN ('minute', 'hour')),
  bucket timestamptz NOT NULL,
  count bigint NOT NULL,
  sum double precision NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  PRIMARY KEY (series, resolution, bucket)
);
CREATE INDEX monitor_rollups_resolution_bucket ON monitor_rollups (resolution, bucket);
`,
};
