import type { Config } from '../config/schema.ts';
import type { NewOutboxMessage } from '../store/monitoring.ts';
import type { Message } from './message.ts';

/**
 * The email digest (`notify.email.digest: daily | weekly`): alert messages for email wait in the
 * outbox until the next digest time, and whatever is due then goes out as one mail. The outbox
 * keeps them, so a restart between two digests loses nothing.
 */
const DAY_MS = 86_400_000;

/** The first digest time strictly after `now` (UTC; weekly digests go out on Mondays). */
export function nextDigestAt(now: number, mode: 'daily' | 'weekly', at: string): number {
  const [h, m] = at.split(':').map(Number);
  const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
  let t = dayStart + ((h ?? 0) * 60 + (m ?? 0)) * 60_000;
  if (t <= now) t += DAY_MS;
  if (mode === 'weekly') {
    // 1970-01-01 was a Thursday: day index 4 is Monday
    while (Math.floor(t / DAY_MS) % 7 !== 4) t += DAY_MS;
  }
  return t;
}

export function digestEnabled(config: Config): boolean {
  return config.notify.email.digest !== 'off';
}

/** Holds email alert messages until the next digest when the digest is on. */
export function scheduleDigest(
  messages: NewOutboxMessage[],
  config: Config,
  now: number,
): NewOutboxMessage[] {
  const { digest, digestAt } = config.notify.email;
  if (digest === 'off') return messages;
  const dueAt = new Date(nextDigestAt(now, digest, digestAt));
  return messages.map((m) => (m.channel === 'email' ? { ...m, dueAt } : m));
}

export function digestMessage(messages: readonly Message[], now: Date): Message {
  const alerts = messages.flatMap((m) => m.alerts);
  const firing = alerts.filter((a) => a.status === 'firing').length;
  return {
    kind: 'alerts',
    title: `Digest: ${messages.length} notification${messages.length === 1 ? '' : 's'} (${firing} firing, ${alerts.length - firing} resolved)`,
    text: messages.map((m) => m.title).join('\n'),
    alerts,
    createdAt: now.toISOString(),
  };
}
