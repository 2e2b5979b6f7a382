import type { Message } from '../message.ts';
import { postJson } from './http.ts';
import { type Channel, DeliveryError } from './types.ts';

/** How long a test or text message stays active in Alertmanager. */
const NOTE_TTL_MS = 5 * 60_000;

/**
 * Prometheus Alertmanager's API (`POST /api/v2/alerts`): alerts go in with their labels, and a
 * resolution is the same alert with `endsAt` set. Alertmanager then does its own routing,
 * grouping and inhibition for teams that already run it.
 */
export const alertmanagerChannel: Channel = {
  name: 'alertmanager',
  configured: (ctx) => Boolean(ctx.config.notify.alertmanager.url),
  describe: (ctx) => `Alertmanager at ${ctx.config.notify.alertmanager.url ?? '(none)'}`,
  async send(message, ctx) {
    const base = ctx.config.notify.alertmanager.url;
    if (!base) throw new DeliveryError('no Alertmanager URL configured', true);
    await postJson(`${base.replace(/\/+$/, '')}/api/v2/alerts`, alertmanagerPayload(message));
  },
};

export function alertmanagerPayload(message: Message): unknown[] {
  if (message.alerts.length === 0) {
    const at = Date.parse(message.createdAt);
    return [
      {
        labels: {
          alertname: message.kind === 'test' ? 'ShipgateTest' : 'ShipgateNotification',
          severity: 'info',
        },
        annotations: { summary: message.title, description: message.text },
        startsAt: message.createdAt,
        endsAt: new Date(at + NOTE_TTL_MS).toISOString(),
      },
    ];
  }
  return message.alerts.map((a) => ({
    labels: a.labels,
    annotations: { summary: a.summary },
    startsAt: a.startsAt,
    ...(a.status === 'resolved' ? { endsAt: a.endsAt ?? message.createdAt } : {}),
  }));
}
