import { redact } from '../core/redact.ts';
import type { Channel, ChannelContext } from './channels/types.ts';
import { DeliveryError } from './channels/types.ts';
import type { Message } from './message.ts';

/**
 * Sends at once, for a pipeline step waiting on the answer (`shipgate notify`, `alerts test`):
 * a few quick retries for temporary failures, none for permanent ones.
 */
export interface DirectDelivery {
  delivered: boolean;
  attempts: number;
  error?: string;
}

export async function sendNow(
  channel: Channel,
  message: Message,
  ctx: ChannelContext,
  options: { attempts?: number; delayMs?: number } = {},
): Promise<DirectDelivery> {
  const max = options.attempts ?? 3;
  const id = `shipgate-${message.kind}-${Date.parse(message.createdAt)}`;
  let last = '';
  for (let attempt = 1; attempt <= max; attempt++) {
    try {
      await channel.send(message, ctx, id);
      return { delivered: true, attempts: attempt };
    } catch (e) {
      last = redact((e as Error).message ?? String(e));
      if (e instanceof DeliveryError && e.permanent)
        return { delivered: false, attempts: attempt, error: last };
      if (attempt < max)
        await new Promise((r) => setTimeout(r, (options.delayMs ?? 500) * 2 ** (attempt - 1)));
    }
  }
  return { delivered: false, attempts: max, error: last };
}

export function textMessage(kind: 'test' | 'text', title: string, text: string, now = new Date()): Message {
  return { kind, title, text, alerts: [], createdAt: now.toISOString() };
}
