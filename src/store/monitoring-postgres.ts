import type pg from 'pg';
import { redactDeep } from '../core/redact.ts';
import type {
  AlertStateRecord,
  MonitorSample,
  MonitorStore,
  NewOutboxMessage,
  NewSilence,
  OutboxSettlement,
  RetentionPolicy,
  SampleCounts,
} from './monitoring.ts';
import { type ColumnReaders, toOutbox, toRollup, toSilence } from './monitoring-rows.ts';
import { inTransaction, type Queryable } from './pg-transaction.ts';

type Row = Record<string, unknown>;

const READ: ColumnReaders = { date: (v) => v as Date, json: (v) => v };

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The monitoring tables on PostgreSQL. */
export function postgresMonitorStore(pool: pg.Pool): MonitorStore {
  const transaction = <T>(fn: (c: Queryable) => Promise<T>): Promise<T> => inTransaction(pool, fn);
  const rowsOf = async (sql: string, params: unknown[] = []): Promise<Row[]> =>
    (await pool.query<Row>(sql, params)).rows;

  return {
    async loadAlertStates() {
      return (await rowsOf('SELECT key, data FROM alert_states ORDER BY key COLLATE "C"')).map((r) => ({
        key: String(r.key),
        data: r.data,
      }));
    },

    async commitAlerts(states: AlertStateRecord[], messages: NewOutboxMessage[], at = new Date()) {
      return transaction(async (c) => {
        for (const s of states) {
          await c.query(
            `INSERT INTO alert_states (key, data, updated_at) VALUES ($1, $2::jsonb, now())
             ON CONFLICT (key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
            [s.key, JSON.stringify(redactDeep(s.data))],
          );
        }
        let added = 0;
        for (const m of messages) {
          const { rowCount } = await c.query(
            `INSERT INTO notify_outbox (dedup_key, channel, payload, created_at, next_attempt_at)
             VALUES ($1, $2, $3::jsonb, $4, $5) ON CONFLICT (dedup_key) DO NOTHING`,
            // the caller's clock, as claimOutbox compares against it
            [m.dedupKey, m.channel, JSON.stringify(redactDeep(m.payload)), at, m.dueAt ?? at],
          );
          added += rowCount ?? 0;
        }
        return added;
      });
    },

    async claimOutbox(now: Date, leaseMs: number, limit: number) {
      // SKIP LOCKED: two monitors sharing the store each take different messages instead of waiting.
      const rows = await rowsOf(
        `UPDATE notify_outbox SET next_attempt_at = $2 WHERE id IN (
           SELECT id FROM notify_outbox
           WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1
           ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [now, new Date(now.getTime() + leaseMs), limit],
      );
      return rows.map((r) => toOutbox(r, READ)).sort((a, b) => a.id - b.id);
    },

    async settleOutbox(id: number, settlement: OutboxSettlement, at = new Date()) {
      if (settlement.delivered) {
        await pool.query(
          'UPDATE notify_outbox SET delivered_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1',
          [id, at],
        );
        return;
      }
      await pool.query(
        `UPDATE notify_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, failed_at = $4
         WHERE id = $1`,
        [id, settlement.error, settlement.retryAt ?? at, settlement.retryAt ? null : at],
      );
    },

    async listOutbox(options = {}) {
      const where = options.pending ? 'WHERE delivered_at IS NULL AND failed_at IS NULL' : '';
      return (
        await rowsOf(`SELECT * FROM notify_outbox ${where} ORDER BY id DESC LIMIT $1`, [options.limit ?? 100])
      ).map((r) => toOutbox(r, READ));
    },

    async addSilence(silence: NewSilence) {
      const rows = await rowsOf(
        `INSERT INTO silences (matchers, starts_at, ends_at, comment, created_by) VALUES ($1::jsonb, $2, $3, $4, $5)
         RETURNING *`,
        [
          JSON.stringify(silence.matchers),
          silence.startsAt,
          silence.endsAt,
          silence.comment,
          silence.createdBy ?? null,
        ],
      );
      return toSilence(rows[0] as Row, READ);
    },

    async listSilences(at?: Date) {
      const rows = at
        ? await rowsOf('SELECT * FROM silences WHERE starts_at <= $1 AND ends_at > $1 ORDER BY id', [at])
        : await rowsOf('SELECT * FROM silences ORDER BY id');
      return rows.map((r) => toSilence(r, READ));
    },

    async expireSilence(id: number, at = new Date()) {
      const { rowCount } = await pool.query(
        'UPDATE silences SET ends_at = $2 WHERE id = $1 AND ends_at > $2',
        [id, at],
      );
      return (rowCount ?? 0) > 0;
    },

    async recordSamples(samples: MonitorSample[]) {
      const finite = samples.filter((s) => Number.isFinite(s.value));
      if (finite.length === 0) return;
      await pool.query(
        `INSERT INTO monitor_samples (series, at, value)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::float8[])`,
        [finite.map((s) => s.series), finite.map((s) => s.at), finite.map((s) => s.value)],
      );
    },

    async compactSamples(policy: RetentionPolicy) {
      const now = policy.now.getTime();
      const rawCut = new Date(Math.floor((now - policy.rawMs) / MINUTE_MS) * MINUTE_MS);
      const minuteCut = new Date(Math.floor((now - policy.minuteMs) / HOUR_MS) * HOUR_MS);
      const hourCut = new Date(now - policy.hourMs);
      return transaction(async (c) => {
        const merge = `ON CONFLICT (series, resolution, bucket) DO UPDATE SET
          count = monitor_rollups.count + excluded.count, sum = monitor_rollups.sum + excluded.sum,
          min = least(monitor_rollups.min, excluded.min), max = greatest(monitor_rollups.max, excluded.max)`;
        const minutes = await c.query(
          `INSERT INTO monitor_rollups (series, resolution, bucket, count, sum, min, max)
           SELECT series, 'minute', date_trunc('minute', at), count(*), sum(value), min(value), max(value)
           FROM monitor_samples WHERE at < $1 GROUP BY 1, 3 ${merge}`,
          [rawCut],
        );
        const raw = await c.query('DELETE FROM monitor_samples WHERE at < $1', [rawCut]);
        const hours = await c.query(
          `INSERT INTO monitor_rollups (series, resolution, bucket, count, sum, min, max)
           SELECT series, 'hour', date_trunc('hour', bucket), sum(count), sum(sum), min(min), max(max)
           FROM monitor_rollups WHERE resolution = 'minute' AND bucket < $1 GROUP BY 1, 3 ${merge}`,
          [minuteCut],
        );
        const oldMinutes = await c.query(
          "DELETE FROM monitor_rollups WHERE resolution = 'minute' AND bucket < $1",
          [minuteCut],
        );
        const oldHours = await c.query(
          "DELETE FROM monitor_rollups WHERE resolution = 'hour' AND bucket < $1",
          [hourCut],
        );
        return {
          rolledUp: (minutes.rowCount ?? 0) + (hours.rowCount ?? 0),
          dropped: (raw.rowCount ?? 0) + (oldMinutes.rowCount ?? 0) + (oldHours.rowCount ?? 0),
        };
      });
    },

    async sampleCounts(): Promise<SampleCounts> {
      const [raw] = await rowsOf('SELECT count(*) AS n FROM monitor_samples');
      const counts = { raw: Number(raw?.n ?? 0), minute: 0, hour: 0 };
      for (const r of await rowsOf(
        'SELECT resolution, count(*) AS n FROM monitor_rollups GROUP BY resolution',
      )) {
        counts[String(r.resolution) as 'minute' | 'hour'] = Number(r.n);
      }
      return counts;
    },

    async listSamples(series: string, since: Date) {
      return (
        await rowsOf(
          'SELECT series, at, value FROM monitor_samples WHERE series = $1 AND at >= $2 ORDER BY at',
          [series, since],
        )
      ).map((r) => ({ series: String(r.series), at: r.at as Date, value: Number(r.value) }));
    },

    async listRollups(series: string, resolution: 'minute' | 'hour') {
      return (
        await rowsOf('SELECT * FROM monitor_rollups WHERE series = $1 AND resolution = $2 ORDER BY bucket', [
          series,
          resolution,
        ])
      ).map((r) => toRollup(r, resolution, READ));
    },
  };
}
