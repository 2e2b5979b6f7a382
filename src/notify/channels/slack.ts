import { alertLines, type Message } from '../message.ts';
import { postJson } from './http.ts';
import { type Channel, DeliveryError } from './types.ts';

// Slack's limits: a header's text ≤ 150 characters, a section's ≤ 3000, ≤ 50 blocks per message.
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const MAX_SECTIONS = 45;

/** A Slack incoming webhook, with Block Kit: a header, one section per few alerts, a context line. */
export const slackChannel: Channel = {
  name: 'slack',
  configured: (ctx) => Boolean(ctx.config.notify.slack.webhookUrl),
  describe: () => 'Slack incoming webhook',
  async send(message, ctx) {
    const url = ctx.config.notify.slack.webhookUrl;
    if (!url) throw new DeliveryError('no Slack webhook URL configured (SLACK_WEBHOOK_URL)', true);
    await postJson(url, slackPayload(message));
  },
};

export function slackPayload(message: Message): { text: string; blocks: unknown[] } {
  const icon =
    message.status === 'resolved'
      ? ':white_check_mark:'
      : message.status === 'firing'
        ? ':rotating_light:'
        : ':bell:';
  const lines = message.alerts.length > 0 ? alertLines(message) : message.text.split('\n');
  const sections: string[] = [];
  let current = '';
  for (const line of lines) {
    const escaped = escapeMrkdwn(line).slice(0, SECTION_MAX);
    if (current && current.length + escaped.length + 1 > SECTION_MAX) {
      sections.push(current);
      current = '';
    }
    current = current ? `${current}\n${escaped}` : escaped;
  }
  if (current) sections.push(current);
  const shown = sections.slice(0, MAX_SECTIONS);
  const blocks: unknown[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(`${message.title}`, HEADER_MAX), emoji: true },
    },
    ...shown.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${icon} shipgate · ${message.createdAt}${sections.length > shown.length ? ` · ${sections.length - shown.length} more sections left out` : ''}`,
        },
      ],
    },
  ];
  // `text` is the notification preview and the fallback where blocks cannot be shown.
  return { text: truncate(`${message.title}`, SECTION_MAX), blocks };
}

/** Slack mrkdwn treats &, < and > as markup. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
