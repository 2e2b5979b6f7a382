import { alertmanagerChannel } from './alertmanager.ts';
import { emailChannel } from './email.ts';
import { githubChannel } from './github.ts';
import { slackChannel } from './slack.ts';
import type { Channel, ChannelContext } from './types.ts';
import { webhookChannel } from './webhook.ts';

/** Every channel. A new one is one module and one row. */
export const CHANNELS: readonly Channel[] = [
  slackChannel,
  emailChannel,
  webhookChannel,
  githubChannel,
  alertmanagerChannel,
];

export const CHANNEL_NAMES = CHANNELS.map((c) => c.name);

export function channelNamed(name: string): Channel | undefined {
  return CHANNELS.find((c) => c.name === name);
}

export function configuredChannels(ctx: ChannelContext): Channel[] {
  return CHANNELS.filter((c) => c.configured(ctx));
}
