import type { Command } from 'commander';
import { writeFileAtomic } from '../core/fs.ts';
import { action, examples } from './action.ts';
import { durationArg } from './options.ts';

interface TrendFlags {
  metric: string;
  scenario?: string;
  branch?: string;
  since?: number;
  baseline: string;
  html?: string;
}

export function registerTrend(program: Command): void {
  const cmd = program
    .command('trend')
    .description(
      "A metric's history over the stored load runs and the change points in it (E-Divisive means with a " +
        't-test, as Apache Otava): where the level shifted and stayed shifted, by how much, how surely, and the ' +
        'first commit after it. A change for the worse that no `baseline accept` has taken in gives warn (exit 0).',
    )
    .option('--metric <name>', 'p50, p95, p99, rps, error_rate … (any recorded figure)', 'p95')
    .option('--scenario <name>', 'only runs of this scenario')
    .option('--branch <branch>', 'only runs recorded on this git branch')
    .option('--since <duration>', 'only runs within this long (e.g. 30d)', durationArg)
    .option('--baseline <name>', 'the baseline that marks changes as accepted', 'main')
    .option('--html <file>', 'also write an HTML report with the chart')
    .action(
      action<TrendFlags>(async (ctx, _args, flags) => {
        const startedAt = new Date();
        const [{ trendOf, trendDocument }, { metricName }, { makeEnvelope }, { trendKind }, { renderHtml }] =
          await Promise.all([
            import('../perf/trend.ts'),
            import('../perf/metrics.ts'),
            import('../core/envelope.ts'),
            import('../perf/result.ts'),
            import('../report/html.ts'),
          ]);
        const trend = await trendOf(await ctx.store(), {
          metric: metricName(flags.metric),
          baseline: flags.baseline,
          ...(flags.scenario ? { scenario: flags.scenario } : {}),
          ...(flags.branch ? { branch: flags.branch } : {}),
          ...(flags.since !== undefined ? { since: new Date(Date.now() - flags.since) } : {}),
        });
        const envelope = makeEnvelope(trendKind, {
          verdict: trend.verdict,
          summary: trend.summary,
          startedAt,
          fields: trend.fields,
        });
        const document = trendDocument(trend);
        if (flags.html)
          writeFileAtomic(flags.html, renderHtml(`shipgate trend: ${trend.fields.metric}`, [document]));
        return { envelope, document };
      }),
    );
  examples(cmd, [
    ['shipgate trend', 'p95 over every stored load run'],
    ['shipgate trend --metric rps --branch main --since 30d', 'throughput on main, last 30 days'],
    ['shipgate trend --scenario sample-api --html trend.html', 'one scenario, with a chart'],
  ]);
}
