import type { Command } from 'commander';
import { UserError } from '../core/errors.ts';
import type { Verdict } from '../core/verdict.ts';
import type { AlertState } from '../monitor/rules.ts';
import { action, examples } from './action.ts';
import type { CommandContext } from './context.ts';
import { collect, durationArg } from './options.ts';
import type { Outcome } from './outcome.ts';

type Action = 'list' | 'silence' | 'unsilence' | 'test';

interface ListFlags {
  all?: boolean;
}

interface SilenceFlags {
  match: string[];
  for: number;
  comment?: string;
}

/** Builds the envelope and document every `alerts` subcommand returns. */
async function outcome(
  ctx: CommandContext,
  act: Action,
  verdict: Verdict,
  summary: string,
  startedAt: Date,
  parts: {
    alerts?: boolean;
    /** With `alerts`: resolved ones too. */
    includeResolved?: boolean;
    silences?: boolean;
    outbox?: boolean;
    deliveries?: Array<{
      channel: string;
      title: string;
      delivered: boolean;
      attempt: number;
      error?: string;
    }>;
  },
): Promise<Outcome> {
  const [{ makeEnvelope }, { alertsKind }, report] = await Promise.all([
    import('../core/envelope.ts'),
    import('../monitor/result.ts'),
    import('../monitor/report.ts'),
  ]);
  const store = await ctx.store();
  const m = store.monitoring();
  const alerts = parts.alerts
    ? (await m.loadAlertStates())
        .map((r) => r.data as AlertState)
        .filter(
          (s) =>
            s.phase === 'pending' ||
            s.phase === 'firing' ||
            (parts.includeResolved && s.phase === 'resolved'),
        )
        .map(report.alertView)
    : [];
  const silences = parts.silences ? (await m.listSilences(new Date())).map(report.silenceView) : [];
  const outbox = parts.outbox
    ? (await m.listOutbox({ pending: true })).map((o) => ({
        id: o.id,
        channel: o.channel,
        title: String((o.payload as { title?: unknown }).title ?? ''),
        attempts: o.attempts,
        createdAt: o.createdAt.toISOString(),
        nextAttemptAt: o.nextAttemptAt.toISOString(),
        ...(o.lastError ? { lastError: o.lastError } : {}),
      }))
    : [];
  const fields = { action: act, alerts, silences, deliveries: parts.deliveries ?? [], outbox };
  const envelope = makeEnvelope(alertsKind, { verdict, summary, startedAt, fields });
  return {
    envelope,
    document: report.alertsDocument(fields, verdict, summary),
    record: {
      figures: {
        firing: alerts.filter((a) => a.phase === 'firing').length,
        silences: silences.length,
        outbox_pending: outbox.length,
      },
      labels: { action: act },
    },
  };
}

function parseMatchers(items: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw new UserError(`--match '${item}' is not label=value`, {
        hint: 'e.g. --match alertname=cpu_usage --match check=api',
      });
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description(
      "Look at and manage the monitor's alerts: list them, silence or unsilence them, send a test message to every channel.",
    );

  const list = alerts
    .command('list', { isDefault: true })
    .description(
      'Alerts pending or firing, silences in force and messages waiting in the outbox. Exit 1 when an alert is firing.',
    )
    .option('--all', 'also list resolved alerts')
    .action(
      action<ListFlags>(async (ctx, _args, flags) => {
        const startedAt = new Date();
        const built = await outcome(ctx, 'list', 'pass', '', startedAt, {
          alerts: true,
          includeResolved: Boolean(flags.all),
          silences: true,
          outbox: true,
        });
        const f = built.envelope as unknown as {
          alerts: Array<{ phase: string }>;
          silences: unknown[];
          outbox: unknown[];
        };
        const firing = f.alerts.filter((a) => a.phase === 'firing').length;
        const verdict: Verdict = firing > 0 ? 'fail' : 'pass';
        const summary = `${firing} firing, ${f.alerts.length - firing} pending or resolved, ${f.silences.length} silence${f.silences.length === 1 ? '' : 's'}, ${f.outbox.length} message${f.outbox.length === 1 ? '' : 's'} waiting`;
        built.envelope.verdict = verdict;
        built.envelope.summary = summary;
        built.document.verdict = verdict;
        built.document.summary = summary;
        return built;
      }),
    );
  examples(list, [
    ['shipgate alerts list', 'what is firing now'],
    ['shipgate alerts list --all --format json', 'including resolved alerts, as JSON'],
  ]);

  const silence = alerts
    .command('silence')
    .description(
      'Mute the notifications of matching alerts for a while (they still change state, and resolve messages still go out).',
    )
    .option(
      '--match <label=value>',
      'label the alert must carry (repeatable; e.g. alertname=cpu_usage)',
      collect,
      [],
    )
    .option('--for <duration>', 'how long', durationArg, 3_600_000)
    .option('--comment <text>', 'why (shown in alerts list)')
    .action(
      action<SilenceFlags>(async (ctx, _args, flags) => {
        const startedAt = new Date();
        if (flags.match.length === 0)
          throw new UserError('silence needs at least one --match label=value', {
            hint: 'e.g. --match alertname=cpu_usage',
          });
        const matchers = parseMatchers(flags.match);
        const store = await ctx.store();
        const s = await store.monitoring().addSilence({
          matchers,
          startsAt: startedAt,
          endsAt: new Date(startedAt.getTime() + flags.for),
          comment: flags.comment ?? '',
          ...(ctx.env.USER ? { createdBy: ctx.env.USER } : {}),
        });
        return outcome(
          ctx,
          'silence',
          'pass',
          `silence #${s.id} until ${s.endsAt.toISOString()}`,
          startedAt,
          { silences: true },
        );
      }),
    );
  examples(silence, [
    [
      'shipgate alerts silence --match alertname=cpu_usage --for 2h --comment "load test"',
      'quiet during a load test',
    ],
    ['shipgate alerts silence --match check=wifi_networks --for 30m', 'one endpoint, half an hour'],
  ]);

  const unsilence = alerts
    .command('unsilence')
    .description('End a silence now.')
    .argument('<id>', 'the silence id (from alerts list)')
    .action(
      action<object>(async (ctx, [id]) => {
        const startedAt = new Date();
        const n = Number(id);
        if (!/^\d+$/.test(id ?? '') || !Number.isSafeInteger(n))
          throw new UserError(`'${id}' is not a silence id`);
        const store = await ctx.store();
        const ended = await store.monitoring().expireSilence(n, startedAt);
        if (!ended)
          throw new UserError(`no silence #${n} in force`, {
            hint: 'shipgate alerts list shows the silences in force',
          });
        return outcome(ctx, 'unsilence', 'pass', `silence #${n} ended`, startedAt, { silences: true });
      }),
    );
  examples(unsilence, [['shipgate alerts unsilence 3', 'end silence #3']]);

  const test = alerts
    .command('test')
    .description(
      'Send a test message to every configured channel and report whether each accepted it. Exit 1 when one did not.',
    )
    .action(
      action<object>(async (ctx) => {
        const startedAt = new Date();
        const [{ configuredChannels }, { sendNow, textMessage }] = await Promise.all([
          import('../notify/channels/index.ts'),
          import('../notify/direct.ts'),
        ]);
        const { config } = await ctx.config();
        const channelCtx = { config, env: ctx.env };
        const channels = configuredChannels(channelCtx);
        if (channels.length === 0) {
          throw new UserError('no notification channel is configured', {
            hint: 'set SLACK_WEBHOOK_URL, EMAIL_SMTP_SERVER with notify.email.recipients, MONITORING_URL, notify.alertmanager.url or GITHUB_TOKEN on a pull request',
          });
        }
        const message = textMessage(
          'test',
          'shipgate test message',
          'If you can read this, shipgate alerts reach this channel.',
          startedAt,
        );
        const deliveries = await Promise.all(
          channels.map(async (c) => {
            const r = await sendNow(c, message, channelCtx);
            return {
              channel: c.name,
              title: c.describe(channelCtx),
              delivered: r.delivered,
              attempt: r.attempts,
              ...(r.error ? { error: r.error, gaveUp: true } : {}),
            };
          }),
        );
        const ok = deliveries.filter((d) => d.delivered).length;
        const verdict: Verdict = ok === deliveries.length ? 'pass' : 'fail';
        return outcome(
          ctx,
          'test',
          verdict,
          `${ok} of ${deliveries.length} channel${deliveries.length === 1 ? '' : 's'} accepted the test message`,
          startedAt,
          { deliveries },
        );
      }),
    );
  examples(test, [
    ['SLACK_WEBHOOK_URL=… shipgate alerts test', 'check that alerts reach Slack before relying on them'],
  ]);
}
