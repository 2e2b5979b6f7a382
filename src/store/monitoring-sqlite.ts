import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
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

type Row = Record<string, unknown>;

const READ: ColumnReaders = { date: (v) => new Date(Number(v)), json: (v) => JSON.parse(String(v)) };

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The monitoring tables on SQLite. Every write is one `BEGIN IMMEDIATE` transaction, like the rest of the store. */
export function sqliteMonitorStore(db: DatabaseSync): MonitorStore {
  const write = <T>(fn: () => T): T => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      db.exec('COMMIT');
      return result;
    } catch (e) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // already rolled back by SQLite
      }
      throw e;
    }
  };
  const all = (sql: string, ...params: SQLInputValue[]): Row[] => db.prepare(sql).all(...params) as Row[];

  return {
    async loadAlertStates() {
      return all('SELECT key, data FROM alert_states ORDER BY key').map((r) => ({
        key: String(r.key),
        data: JSON.parse(String(r.data)),
      }));
    },

    async commitAlerts(states: AlertStateRecord[], messages: NewOutboxMessage[], at = new Date()) {
      const now = at.getTime();
      return write(() => {
        const upsert = db.prepare(
          `INSERT INTO alert_states (key, data, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
        );
        for (const s of states) upsert.run(s.key, JSON.stringify(redactDeep(s.data)), now);
        const enqueue = db.prepare(
          `INSERT INTO notify_outbox (dedup_key, channel, payload, created_at, next_attempt_at)
           VALUES (?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING`,
        );
        let added = 0;
        for (const m of messages) {
          added += Number(
            enqueue.run(
              m.dedupKey,
              m.channel,
              JSON.stringify(redactDeep(m.payload)),
              now,
              m.dueAt?.getTime() ?? now,
            ).changes,
          );
        }
        return added;
      });
    },

    async claimOutbox(now: Date, leaseMs: number, limit: number) {
      return write(() => {
        const rows = all(
          `SELECT * FROM notify_outbox WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
           ORDER BY id LIMIT ?`,
          now.getTime(),
          limit,
        );
        const lease = db.prepare('UPDATE notify_outbox SET next_attempt_at = ? WHERE id = ?');
        for (const r of rows) lease.run(now.getTime() + leaseMs, Number(r.id));
        return rows.map((r) => toOutbox(r, READ));
      });
    },

    async settleOutbox(id: number, settlement: OutboxSettlement, at = new Date()) {
      write(() => {
        if (settlement.delivered) {
          db.prepare(
            'UPDATE notify_outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?',
          ).run(at.getTime(), id);
        } else {
          db.prepare(
            `UPDATE notify_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, failed_at = ?
             WHERE id = ?`,
          ).run(
            settlement.error,
            settlement.retryAt?.getTime() ?? at.getTime(),
            settlement.retryAt ? null : at.getTime(),
            id,
          );
        }
      });
    },

    async listOutbox(options = {}) {
      const where = options.pending ? 'WHERE delivered_at IS NULL AND failed_at IS NULL' : '';
      return all(`SELECT * FROM notify_outbox ${where} ORDER BY id DESC LIMIT ?`, options.limit ?? 100).map(
        (r) => toOutbox(r, READ),
      );
    },

    async addSilence(silence: NewSilence) {
      return write(() => {
        const row = db
          .prepare(
            `INSERT INTO silences (matchers, starts_at, ends_at, comment, created_by) VALUES (?, ?, ?, ?, ?)
             RETURNING *`,
          )
          .get(
            JSON.stringify(silence.matchers),
            silence.startsAt.getTime(),
            silence.endsAt.getTime(),
            silence.comment,
            silence.createdBy ?? null,
          ) as Row;
        return toSilence(row, READ);
      });
    },

    async listSilences(at?: Date) {
      const rows = at
        ? all(
            'SELECT * FROM silences WHERE starts_at <= ? AND ends_at > ? ORDER BY id',
            at.getTime(),
            at.getTime(),
          )
        : all('SELECT * FROM silences ORDER BY id');
      return rows.map((r) => toSilence(r, READ));
    },

    async expireSilence(id: number, at = new Date()) {
      return write(
        () =>
          Number(
            db
              .prepare('UPDATE silences SET ends_at = ? WHERE id = ? AND ends_at > ?')
              .run(at.getTime(), id, at.getTime()).changes,
          ) > 0,
      );
    },

    async recordSamples(samples: MonitorSample[]) {
      if (samples.length === 0) return;
      write(() => {
        const insert = db.prepare('INSERT INTO monitor_samples (series, at, value) VALUES (?, ?, ?)');
        for (const s of samples) if (Number.isFinite(s.value)) insert.run(s.series, s.at.getTime(), s.value);
      });
    },

    async compactSamples(policy: RetentionPolicy) {
      const now = policy.now.getTime();
      // Cut-offs on bucket boundaries, so a bucket is rolled up whole and never split over two runs.
      const rawCut = Math.floor((now - policy.rawMs) / MINUTE_MS) * MINUTE_MS;
      const minuteCut = Math.floor((now - policy.minuteMs) / HOUR_MS) * HOUR_MS;
      const hourCut = now - policy.hourMs;
      return write(() => {
        const merge = `ON CONFLICT (series, resolution, bucket) DO UPDATE SET count = count + excluded.count,
          sum = sum + excluded.sum, min = min(min, excluded.min), max = max(max, excluded.max)`;
        const minutes = db
          .prepare(
            `INSERT INTO monitor_rollups (series, resolution, bucket, count, sum, min, max)
             SELECT series, 'minute', (at / ${MINUTE_MS}) * ${MINUTE_MS}, count(*), sum(value), min(value), max(value)
             FROM monitor_samples WHERE at < ? GROUP BY 1, 3 ${merge}`,
          )
          .run(rawCut);
        const rawDropped = db.prepare('DELETE FROM monitor_samples WHERE at < ?').run(rawCut);
        const hours = db
          .prepare(
            `INSERT INTO monitor_rollups (series, resolution, bucket, count, sum, min, max)
             SELECT series, 'hour', (bucket / ${HOUR_MS}) * ${HOUR_MS}, sum(count), sum(sum), min(min), max(max)
             FROM monitor_rollups WHERE resolution = 'minute' AND bucket < ? GROUP BY 1, 3 ${merge}`,
          )
          .run(minuteCut);
        const minutesDropped = db
          .prepare("DELETE FROM monitor_rollups WHERE resolution = 'minute' AND bucket < ?")
          .run(minuteCut);
        const hoursDropped = db
          .prepare("DELETE FROM monitor_rollups WHERE resolution = 'hour' AND bucket < ?")
          .run(hourCut);
        return {
          rolledUp: Number(minutes.changes) + Number(hours.changes),
          dropped: Number(rawDropped.changes) + Number(minutesDropped.changes) + Number(hoursDropped.changes),
        };
      });
    },

    async sampleCounts(): Promise<SampleCounts> {
      const raw = Number(all('SELECT count(*) AS n FROM monitor_samples')[0]?.n ?? 0);
      const counts = { raw, minute: 0, hour: 0 };
      for (const r of all('SELECT resolution, count(*) AS n FROM monitor_rollups GROUP BY resolution')) {
        counts[String(r.resolution) as 'minute' | 'hour'] = Number(r.n);
      }
      return counts;
    },

    async listSamples(series: string, since: Date) {
      return all(
        'SELECT series, at, value FROM monitor_samples WHERE series = ? AND at >= ? ORDER BY at',
        series,
        since.getTime(),
      ).map((r) => ({ series: String(r.series), at: new Date(Number(r.at)), value: Number(r.value) }));
    },

    async listRollups(series: string, resolution: 'minute' | 'hour') {
      return all(
        'SELECT * FROM monitor_rollups WHERE series = ? AND resolution = ? ORDER BY bucket',
        series,
        resolution,
      ).map((r) => toRollup(r, resolution, READ));
    },
  };
}
