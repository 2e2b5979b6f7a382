import type { Config } from '../../config/schema.ts';
import type { Message } from '../message.ts';

export interface ChannelContext {
  config: Config;
  env: NodeJS.ProcessEnv;
}

/**
 * A place messages go. `send` resolves when the receiver accepted the message and throws a
 * DeliveryError otherwise; `permanent` errors (a 400 for a malformed message, a 404 webhook) are not
 * retried, everything else is. `id` is stable across retries, for receivers that deduplicate.
 */
export interface Channel {
  name: string;
  configured(ctx: ChannelContext): boolean;
  /** Where it sends, without secrets. */
  describe(ctx: ChannelContext): string;
  send(message: Message, ctx: ChannelContext, id: string): Promise<void>;
}

export class DeliveryError extends Error {
  readonly permanent: boolean;
  constructor(message: string, permanent = false) {
    super(message);
    this.permanent = permanent;
  }
}

/** 4xx means the message or the address is wrong and will stay wrong; 408/429 and 5xx may pass later. */
export function isPermanentStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}
