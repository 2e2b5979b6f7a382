import { redact } from '../core/redact.ts';
import type { MonitorStore, OutboxMessage, OutboxSettlement } from '../store/monitoring.ts';
import { channelNamed } from './channels/index.ts';
import { type ChannelContext, DeliveryError } from './channels/types.ts';
import { digestEnabled, digestMessage } from './digest.ts';
import type { Message } from './message.ts';

/**
 * Sends what waits in the store's outbox. A message leaves the outbox only when its channel
 * accepted it; otherwise it is retried with exponential backoff until `giveUpAfter`. Claims are
 * leased, so two monitors on one store do not both send a message, and a monitor that dies
 * mid-send leaves the message to be retried once the lease runs out.
 */
export interface RetryPolicy {
  initialDelay: number;
  maxDelay: number;
  giveUpAfter: number;
}

export interface DeliveryReport {
  id: number;
  channel: string;
  title: string;
  delivered: boolean;
  attempt: number;
  error?: string;
  /** Not retried any more. */
  gaveUp?: boolean;
  retryAt?: string;
}

export interface DeliverOptions {
  retry: RetryPolicy;
  now?: () => Date;
  /** How long a claimed message is reserved for this sender (longer than any send takes). */
  leaseMs?: number;
  limit?: number;
}

export function backoffMs(attempts: number, retry: RetryPolicy): number {
  return Math.min(retry.maxDelay, retry.initialDelay * 2 ** Math.max(0, attempts - 1));
}

export async function deliverOutbox(
  store: MonitorStore,
  ctx: ChannelContext,
  options: DeliverOptions,
): Promise<DeliveryReport[]> {
  const now = options.now ?? (() => new Date());
  const claimed = await store.claimOutbox(now(), options.leaseMs ?? 60_000, options.limit ?? 100);
  const reports: DeliveryReport[] = [];
  const digest = digestEnabled(ctx.config) ? claimed.filter((m) => m.channel === 'email') : [];
  if (digest.length > 0) reports.push(...(await deliverDigest(store, ctx, digest, options.retry, now)));
  for (const m of claimed) {
    if (!digest.includes(m)) reports.push(await deliverOne(store, ctx, m, options.retry, now));
  }
  return reports;
}

/** The email digest: every due email message in one mail, each row settled by that one send. */
async function deliverDigest(
  store: MonitorStore,
  ctx: ChannelContext,
  rows: OutboxMessage[],
  retry: RetryPolicy,
  now: () => Date,
): Promise<DeliveryReport[]> {
  const [first] = rows;
  if (!first) return [];
  const combined: OutboxMessage = {
    ...first,
    payload: digestMessage(
      rows.map((r) => r.payload as Message),
      now(),
    ),
  };
  const report = await deliverOne(store, ctx, combined, retry, now);
  const settlement: OutboxSettlement = report.delivered
    ? { delivered: true }
    : {
        delivered: false,
        error: report.error ?? 'not delivered',
        ...(report.retryAt ? { retryAt: new Date(report.retryAt) } : {}),
      };
  for (const r of rows.slice(1)) await store.settleOutbox(r.id, settlement, now());
  return [report];
}

async function deliverOne(
  store: MonitorStore,
  ctx: ChannelContext,
  m: OutboxMessage,
  retry: RetryPolicy,
  now: () => Date,
): Promise<DeliveryReport> {
  const message = m.payload as Message;
  const attempt = m.attempts + 1;
  const base = { id: m.id, channel: m.channel, title: message.title, attempt };
  const channel = channelNamed(m.channel);
  let error: DeliveryError | undefined;
  if (!channel?.configured(ctx)) {
    error = new DeliveryError(`channel ${m.channel} is not configured`, true);
  } else {
    try {
      await channel.send(message, ctx, `shipgate-${m.dedupKey.replace(/[^A-Za-z0-9-]/g, '-')}`);
    } catch (e) {
      error = e instanceof DeliveryError ? e : new DeliveryError((e as Error).message ?? String(e));
    }
  }
  const at = now();
  if (!error) {
    await store.settleOutbox(m.id, { delivered: true }, at);
    return { ...base, delivered: true };
  }
  const text = redact(error.message);
  const retryAt = new Date(at.getTime() + backoffMs(attempt, retry));
  const expired = retryAt.getTime() - m.createdAt.getTime() > retry.giveUpAfter;
  if (error.permanent || expired) {
    await store.settleOutbox(m.id, { delivered: false, error: text }, at);
    return { ...base, delivered: false, error: text, gaveUp: true };
  }
  await store.settleOutbox(m.id, { delivered: false, error: text, retryAt }, at);
  return { ...base, delivered: false, error: text, retryAt: retryAt.toISOString() };
}
