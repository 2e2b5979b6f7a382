import type { OutboxMessage, Rollup, Silence } from './monitoring.ts';

/**
 * Rows of the monitoring tables as objects. The engines differ only in how a timestamp and a JSON
 * column arrive (epoch ms and text on SQLite; Date and parsed JSON from pg), so they pass those in.
 */
type Row = Record<string, unknown>;

export interface ColumnReaders {
  date(value: unknown): Date;
  json(value: unknown): unknown;
}

export function toOutbox(r: Row, read: ColumnReaders): OutboxMessage {
  const m: OutboxMessage = {
    id: Number(r.id),
    dedupKey: String(r.dedup_key),
    channel: String(r.channel),
    payload: read.json(r.payload),
    createdAt: read.date(r.created_at),
    attempts: Number(r.attempts),
    nextAttemptAt: read.date(r.next_attempt_at),
  };
  if (r.delivered_at !== null) m.deliveredAt = read.date(r.delivered_at);
  if (r.failed_at !== null) m.failedAt = read.date(r.failed_at);
  if (r.last_error !== null) m.lastError = String(r.last_error);
  return m;
}

export function toSilence(r: Row, read: ColumnReaders): Silence {
  const s: Silence = {
    id: Number(r.id),
    matchers: read.json(r.matchers) as Record<string, string>,
    startsAt: read.date(r.starts_at),
    endsAt: read.date(r.ends_at),
    comment: String(r.comment),
  };
  if (r.created_by !== null) s.createdBy = String(r.created_by);
  return s;
}

export function toRollup(r: Row, resolution: 'minute' | 'hour', read: ColumnReaders): Rollup {
  return {
    series: String(r.series),
    resolution,
    bucket: read.date(r.bucket),
    count: Number(r.count),
    sum: Number(r.sum),
    min: Number(r.min),
    max: Number(r.max),
  };
}
