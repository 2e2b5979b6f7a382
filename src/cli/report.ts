import { type Command, Option } from 'commander';
import type { Config } from '../config/schema.ts';
import { parseDuration } from '../core/units.ts';
import type { ReportDocument } from '../report/document.ts';
import { action, examples } from './action.ts';
import type { CommandContext } from './context.ts';
import { durationArg } from './options.ts';

interface ReportOptions {
  since?: number;
  html?: string;
  email?: boolean;
  digest?: DigestPeriod;
}

/**
 * The scheduled digests of the seed's `reporting.send_daily_summary` / `send_weekly_report`: the
 * period each covers and the config switch that turns it off.
 */
type DigestPeriod = 'daily' | 'weekly';
const DIGESTS: Record<DigestPeriod, { title: string; since: string; switch: keyof Config['reporting'] }> = {
  daily: { title: 'Daily summary', since: '1d', switch: 'dailySummary' },
  weekly: { title: 'Weekly report', since: '7d', switch: 'weeklyReport' },
};

export function registerReport(program: Command): void {
  const report = program
    .command('report')
    .description(
      'One static, offline HTML report over the history store: performance trends with change points, coverage, test pass rate with flaky and slow tests, the deploy and rollback timeline, alerts. Charts are drawn into the page (no network needed; opens from file://). The summary goes to stdout; --email sends it through the email channel; --digest is the scheduled daily or weekly mail, on unless reporting.dailySummary / reporting.weeklyReport is false.',
    )
    .option(
      '--since <duration>',
      'the period the report covers (default 30d; 1d or 7d with --digest)',
      durationArg,
    )
    .option('--html <dir>', 'write the page to DIR/index.html (not when reporting.html is false)')
    .option('--email', 'also send the summary by email (notify.email settings, EMAIL_* variables)')
    .addOption(
      new Option(
        '--digest <period>',
        'the scheduled digest: the last day or week, sent by email; skipped when its reporting switch is off',
      ).choices(Object.keys(DIGESTS)),
    )
    .action(
      action<ReportOptions>(async (ctx, _args, opts) => {
        const startedAt = new Date();
        const [
          { join, resolve },
          { makeEnvelope },
          { reportKind },
          { collectReport },
          { renderPage },
          { reportDocument },
          { writeFileAtomic },
          { setStepOutput },
        ] = await Promise.all([
          import('node:path'),
          import('../core/envelope.ts'),
          import('../dashboard/result.ts'),
          import('../dashboard/collect.ts'),
          import('../dashboard/page.ts'),
          import('../dashboard/summary.ts'),
          import('../core/fs.ts'),
          import('../report/github.ts'),
        ]);
        const { reporting } = (await ctx.config()).config;
        const digest = opts.digest ? { period: opts.digest, ...DIGESTS[opts.digest] } : undefined;
        const digestOn = digest ? reporting[digest.switch] === true : undefined;
        const store = await ctx.store();
        const period = opts.since ?? parseDuration(digest?.since ?? '30d');
        const data = await collectReport(store, {
          since: new Date(startedAt.getTime() - period),
          now: startedAt,
        });
        const file =
          opts.html && reporting.html ? join(resolve(ctx.cwd, opts.html), 'index.html') : undefined;
        if (file) writeFileAtomic(file, renderPage(data));
        const document = reportDocument(data, file);
        const sendMail = digest ? digestOn : opts.email;
        const email = sendMail ? await sendDigest(ctx, document, digest?.title ?? 'Report') : undefined;
        const verdict = email && !email.delivered ? 'fail' : document.verdict;
        const notes = [
          opts.html && !file ? 'no HTML page: reporting.html is false' : undefined,
          digest && !digestOn
            ? `${digest.title.toLowerCase()} not sent: reporting.${digest.switch} is false`
            : undefined,
          email
            ? `email ${email.delivered ? `sent to ${email.target}` : `not sent: ${email.error}`}`
            : undefined,
        ].filter((n): n is string => n !== undefined);
        const summary = [document.summary, ...notes].join('; ');
        // For the workflow's artifact upload: reports are kept as long as the config says.
        setStepOutput('retention-days', String(reporting.retentionDays), ctx.env);
        if (file) setStepOutput('html', file, ctx.env);
        const envelope = makeEnvelope(reportKind, {
          verdict,
          summary,
          startedAt,
          fields: {
            ...(file ? { html: file } : {}),
            ...(digest ? { digest: { period: digest.period, enabled: digestOn === true } } : {}),
            retentionDays: reporting.retentionDays,
            since: data.since,
            runs: data.runs,
            sections: data.sections.map((s) => ({
              id: s.id,
              title: s.title,
              kinds: s.kinds.map((k) => ({ kind: k.kind, runs: k.runs, failed: k.verdicts.fail })),
              charts: s.charts.length,
              changePoints: s.charts.reduce((n, c) => n + c.changePoints.length, 0),
            })),
            alerts: data.alerts.length,
            flakyTests: data.suites.reduce((n, s) => n + s.flaky.length, 0),
            ...(email ? { email } : {}),
          },
        });
        return {
          envelope,
          document: { ...document, verdict, summary },
          record: {
            figures: { runs: data.runs, charts: data.sections.reduce((n, s) => n + s.charts.length, 0) },
            labels: {},
          },
        };
      }),
    );
  examples(report, [
    ['shipgate report --html report', 'the last 30 days into report/index.html'],
    ['shipgate report --since 7d', 'the last week summarised on stdout, no page'],
    [
      'shipgate report --since 7d --html weekly --email',
      'a page, and its summary by email (EMAIL_SMTP_SERVER, …)',
    ],
    [
      'shipgate report --digest weekly --html report',
      "the scheduled weekly mail (the Reports workflow's job)",
    ],
    [
      'shipgate report --store postgres://ci@db/shipgate --since 365d --html year',
      "a year of the shared store's history",
    ],
  ]);
}

async function sendDigest(
  ctx: CommandContext,
  document: ReportDocument,
  title: string,
): Promise<{ delivered: boolean; target: string; attempts: number; error?: string }> {
  const [{ channelNamed }, { sendNow, textMessage }, { renderText }, { makeStyle }, { UserError }] =
    await Promise.all([
      import('../notify/channels/index.ts'),
      import('../notify/direct.ts'),
      import('../report/text.ts'),
      import('../core/style.ts'),
      import('../core/errors.ts'),
    ]);
  const channel = channelNamed('email');
  const { config } = await ctx.config();
  const channelCtx = { config, env: ctx.env };
  if (!channel?.configured(channelCtx)) {
    throw new UserError('--email: the email channel is not configured', {
      hint: 'set notify.email.smtpServer and recipients (or EMAIL_SMTP_SERVER, …): docs/monitoring.md#channels',
    });
  }
  const result = await sendNow(
    channel,
    textMessage('text', `${title}: ${document.summary}`, renderText(document, makeStyle(false))),
    channelCtx,
  );
  return { ...result, target: channel.describe(channelCtx) };
}
