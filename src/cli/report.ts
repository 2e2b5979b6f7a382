import type { Command } from 'commander';
import { parseDuration } from '../core/units.ts';
import type { ReportDocument } from '../report/document.ts';
import { action, examples } from './action.ts';
import type { CommandContext } from './context.ts';
import { durationArg } from './options.ts';

interface ReportOptions {
  since?: number;
  html: string;
  email?: boolean;
}

export function registerReport(program: Command): void {
  const report = program
    .command('report')
    .description(
      'One static, offline HTML report over the history store: performance trends with change points, coverage, test pass rate with flaky and slow tests, the deploy and rollback timeline, alerts. Charts are drawn into the page (no network needed; opens from file://). --email sends the digest through the email channel.',
    )
    .option('--since <duration>', 'the period the report covers (default 30d)', durationArg)
    .requiredOption('--html <dir>', 'write the report to DIR/index.html')
    .option('--email', 'also send the digest by email (notify.email settings, EMAIL_* variables)')
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
        ] = await Promise.all([
          import('node:path'),
          import('../core/envelope.ts'),
          import('../dashboard/result.ts'),
          import('../dashboard/collect.ts'),
          import('../dashboard/page.ts'),
          import('../dashboard/summary.ts'),
          import('../core/fs.ts'),
        ]);
        const store = await ctx.store();
        const data = await collectReport(store, {
          since: new Date(startedAt.getTime() - (opts.since ?? parseDuration('30d'))),
          now: startedAt,
        });
        const file = join(resolve(ctx.cwd, opts.html), 'index.html');
        writeFileAtomic(file, renderPage(data));
        const document = reportDocument(data, file);
        const email = opts.email ? await sendDigest(ctx, document) : undefined;
        const verdict = email && !email.delivered ? 'fail' : document.verdict;
        const summary = email
          ? `${document.summary}; email ${email.delivered ? `sent to ${email.target}` : `not sent: ${email.error}`}`
          : document.summary;
        const envelope = makeEnvelope(reportKind, {
          verdict,
          summary,
          startedAt,
          fields: {
            html: file,
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
    ['shipgate report --since 7d --html weekly --email', 'a weekly digest by email (EMAIL_SMTP_SERVER, …)'],
    [
      'shipgate report --store postgres://ci@db/shipgate --since 365d --html year',
      "a year of the shared store's history",
    ],
  ]);
}

async function sendDigest(
  ctx: CommandContext,
  document: ReportDocument,
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
    textMessage('text', `Report: ${document.summary}`, renderText(document, makeStyle(false))),
    channelCtx,
  );
  return { ...result, target: channel.describe(channelCtx) };
}
