import type { Message } from '../message.ts';
import { postJson } from './http.ts';
import { type Channel, DeliveryError } from './types.ts';

/**
 * The seed's monitoring webhook: one `{metric, value, tags}` JSON per alert to MONITORING_URL with
 * `Authorization: Bearer $MONITORING_API_KEY`. Each POST carries an Idempotency-Key that stays the
 * same across retries, so a receiver can drop a repeat of a POST whose answer was lost.
 */
export const webhookChannel: Channel = {
  name: 'webhook',
  configured: (ctx) => Boolean(ctx.config.notify.webhook.url),
  describe: () => 'monitoring webhook',
  async send(message, ctx, id) {
    const { url, apiKey } = ctx.config.notify.webhook;
    if (!url) throw new DeliveryError('no monitoring webhook URL configured (MONITORING_URL)', true);
    const payloads = webhookPayloads(message);
    for (const [i, payload] of payloads.entries()) {
      await postJson(url, payload, {
        headers: {
          ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
          'idempotency-key': `${id}-${i}`,
        },
      });
    }
  },
};

export function webhookPayloads(
  message: Message,
): Array<{ metric: string; value: number | null; tags: Record<string, string> }> {
  if (message.alerts.length === 0) {
    return [
      {
        metric: 'shipgate_notification',
        value: 1,
        tags: { kind: message.kind, title: message.title, text: message.text },
      },
    ];
  }
  return message.alerts.map((a) => ({
    metric: a.labels.alertname ?? 'alert',
    value: a.value,
    tags: {
      ...a.labels,
      status: a.status,
      summary: a.summary,
      startsAt: a.startsAt,
      ...(a.endsAt ? { endsAt: a.endsAt } : {}),
    },
  }));
}
