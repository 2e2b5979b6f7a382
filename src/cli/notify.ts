import type { Command } from 'commander';
import { UserError } from '../core/errors.ts';
import { action, examples } from './action.ts';

interface NotifyFlags {
  channel: string;
  text: string;
  title?: string;
}

export function registerNotify(program: Command): void {
  const cmd = program
    .command('notify')
    .description(
      'Send one message to a channel from a pipeline step (slack, email, webhook, github, alertmanager), with the channel settings from the config and environment. Exit 1 when it could not be delivered.',
    )
    .requiredOption('--channel <name>', 'slack, email, webhook, github or alertmanager')
    .requiredOption('--text <text>', 'the message')
    .option('--title <title>', 'a title or subject line (default: the first line of the text)')
    .action(
      action<NotifyFlags>(async (ctx, _args, flags) => {
        const startedAt = new Date();
        const [{ channelNamed, CHANNEL_NAMES }, { sendNow, textMessage }, { makeEnvelope }, { notifyKind }] =
          await Promise.all([
            import('../notify/channels/index.ts'),
            import('../notify/direct.ts'),
            import('../core/envelope.ts'),
            import('../monitor/result.ts'),
          ]);
        const channel = channelNamed(flags.channel);
        if (!channel)
          throw new UserError(`--channel: unknown channel '${flags.channel}'`, {
            hint: `use one of ${CHANNEL_NAMES.join(', ')}`,
          });
        if (flags.text.trim() === '') throw new UserError('--text is empty');
        const { config } = await ctx.config();
        const channelCtx = { config, env: ctx.env };
        if (!channel.configured(channelCtx)) {
          throw new UserError(`channel ${channel.name} is not configured`, {
            hint: 'see docs/monitoring.md#channels for its settings and environment variables',
          });
        }
        const title = flags.title ?? flags.text.split('\n')[0]?.slice(0, 120) ?? '';
        const result = await sendNow(channel, textMessage('text', title, flags.text), channelCtx);
        const target = channel.describe(channelCtx);
        const verdict = result.delivered ? 'pass' : 'fail';
        const summary = result.delivered
          ? `delivered to ${target}`
          : `not delivered to ${target}: ${result.error}`;
        const envelope = makeEnvelope(notifyKind, {
          verdict,
          summary,
          startedAt,
          fields: {
            channel: channel.name,
            target,
            title,
            delivered: result.delivered,
            attempts: result.attempts,
            ...(result.error ? { error: result.error } : {}),
          },
        });
        return {
          envelope,
          document: { title: 'Notify', verdict, summary, blocks: [] },
          record: {
            figures: { delivered: result.delivered ? 1 : 0, attempts: result.attempts },
            labels: { channel: channel.name },
          },
        };
      }),
    );
  examples(cmd, [
    [
      'shipgate notify --channel slack --text "Deployed v1.4.2 to staging"',
      'a Slack message (SLACK_WEBHOOK_URL)',
    ],
    [
      'shipgate notify --channel email --title "Nightly load test" --text "p95 412 ms"',
      'an email (EMAIL_* variables)',
    ],
    ['shipgate notify --channel github --text "Coverage 81.2 %"', 'the sticky comment on this pull request'],
  ]);
}
