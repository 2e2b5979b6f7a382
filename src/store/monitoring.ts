/**
 * What `shipgate monitor` keeps in the history store (migration 3): alert states, the notification
 * outbox, silences, and samples with their per-minute and per-hour roll-ups. Both engines
 * implement it; the alert logic itself never touches SQL.
 */

/** One alert instance's state, as the monitor's pure state machine describes it (stored as JSON). */
export interface AlertStateRecord {
  key: string;
  data: unknown;
}

export interface NewOutboxMessage {
  /** A message with a key already in the outbox is not enqueued again: this is what makes retries and restarts idempotent. */
  dedupKey: string;
  channel: string;
  /** Redacted before it is stored. Secrets (webhook URLs, passwords) are never part of a message. */
  payload: unknown;
  /** When it may be sent first (a digest's time); default: at once. */
  dueAt?: Date;
}

export interface OutboxMessage extends NewOutboxMessage {
  id: number;
  createdAt: Date;
  attempts: number;
  nextAttemptAt: Date;
  deliveredAt?: Date;
  /** Set when the message was given up on (a permanent error, or retried for too long). */
  failedAt?: Date;
  lastError?: string;
}

export type OutboxSettlement =
  | { delivered: true }
  | { delivered: false; error: string /** When to try again; absent means give up. */; retryAt?: Date };

export interface NewSilence {
  /** Alerts whose labels include all of these are muted. */
  matchers: Record<string, string>;
  startsAt: Date;
  endsAt: Date;
  comment: string;
  createdBy?: string;
}

export interface Silence extends NewSilence {
  id: number;
}

export interface MonitorSample {
  /** The series in Prometheus notation: `http_response_time_ms{check="health"}`. */
  series: string;
  at: Date;
  value: number;
}

export interface RetentionPolicy {
  now: Date;
  rawMs: number;
  minuteMs: number;
  hourMs: number;
}

export interface SampleCounts {
  raw: number;
  minute: number;
  hour: number;
}

export interface Rollup {
  series: string;
  resolution: 'minute' | 'hour';
  bucket: Date;
  count: number;
  sum: number;
  min: number;
  max: number;
}

export interface MonitorStore {
  loadAlertStates(): Promise<AlertStateRecord[]>;
  /**
   * Saves alert states and enqueues the notifications they caused in one transaction, so a crash
   * can neither lose a notification nor send one twice after a restart. Returns how many messages
   * were new. `at` (default now) is when the messages become due.
   */
  commitAlerts(states: AlertStateRecord[], messages: NewOutboxMessage[], at?: Date): Promise<number>;
  /**
   * Takes up to `limit` due messages and pushes their next attempt `leaseMs` into the future, so a
   * second monitor sharing the store does not send them at the same time.
   */
  claimOutbox(now: Date, leaseMs: number, limit: number): Promise<OutboxMessage[]>;
  settleOutbox(id: number, settlement: OutboxSettlement, at?: Date): Promise<void>;
  /** Newest first. `pending` keeps only undelivered messages not given up on. */
  listOutbox(options?: { pending?: boolean; limit?: number }): Promise<OutboxMessage[]>;
  addSilence(silence: NewSilence): Promise<Silence>;
  /** Silences in force at `at` (all of them, expired too, when `at` is absent), oldest first. */
  listSilences(at?: Date): Promise<Silence[]>;
  /** Ends a silence now; true when it was in force. */
  expireSilence(id: number, at?: Date): Promise<boolean>;
  recordSamples(samples: MonitorSample[]): Promise<void>;
  /** Rolls raw samples older than the raw retention into minutes, old minutes into hours, and drops old hours. */
  compactSamples(policy: RetentionPolicy): Promise<{ rolledUp: number; dropped: number }>;
  sampleCounts(): Promise<SampleCounts>;
  /** Raw samples of one series since a time, oldest first. */
  listSamples(series: string, since: Date): Promise<MonitorSample[]>;
  listRollups(series: string, resolution: 'minute' | 'hour'): Promise<Rollup[]>;
}
