import type { Command } from 'commander';
import { UserError } from '../core/errors.ts';
import { formatDuration } from '../core/units.ts';
import { action, examples } from './action.ts';
import { durationArg, intArg } from './options.ts';

interface MonitorFlags {
  interval?: number;
  duration?: number;
  once?: boolean;
  metricsPort?: number;
}

export function registerMonitor(program: Command): void {
  const cmd = program
    .command('monitor')
    .description(
      "Watch the service: HTTP endpoints, databases (SQLite, PostgreSQL, Redis), the host's CPU, memory, disk and network, and processes. Alert rules with for-durations, consecutive counts and recovery levels decide what fires; Slack, email, webhook, GitHub and Alertmanager receive it through an outbox that retries until delivered. --once runs every check once and exits 1 when an alert fires.",
    )
    .option(
      '--interval <duration>',
      'time between rounds of checks (default monitor.interval, 60s)',
      durationArg,
    )
    .option('--duration <duration>', 'stop after this long (default: until Ctrl-C)', durationArg)
    .option(
      '--once',
      'run every check once, evaluate the rules without waiting periods, send what fires, exit 1 if an alert fires',
    )
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics on 127.0.0.1:PORT/metrics (0 picks a free port)',
      intArg(0, 65_535),
    )
    .action(
      action<MonitorFlags>(async (ctx, _args, flags) => {
        if (flags.once && flags.duration !== undefined)
          throw new UserError('--once and --duration do not go together');
        const startedAt = new Date();
        const [
          { monitorPlan },
          { Monitor, runMonitor },
          { startMetricsServer },
          { makeEnvelope },
          result,
          report,
          { describeCondition },
        ] = await Promise.all([
          import('../monitor/plan.ts'),
          import('../monitor/runner.ts'),
          import('../monitor/metrics-server.ts'),
          import('../core/envelope.ts'),
          import('../monitor/result.ts'),
          import('../monitor/report.ts'),
          import('../monitor/rules.ts'),
        ]);
        const { config } = await ctx.config();
        const plan = monitorPlan(config);
        const intervalMs = flags.interval ?? plan.intervalMs;
        const store = await ctx.store();
        const monitor = new Monitor({ config, env: ctx.env, store, plan, log: ctx.log });
        const metrics =
          flags.metricsPort !== undefined
            ? await startMetricsServer(flags.metricsPort, () => monitor.exposition())
            : undefined;
        if (metrics) ctx.log.info(`serving metrics on ${metrics.url}`);
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        let rounds: Awaited<ReturnType<typeof runMonitor>>;
        try {
          if (!flags.once) {
            ctx.log.info(
              `monitoring ${plan.checks.length} checks every ${formatDuration(intervalMs)}${flags.duration !== undefined ? ` for ${formatDuration(flags.duration)}` : ' (Ctrl-C stops)'}`,
            );
          }
          rounds = await runMonitor(monitor, {
            intervalMs,
            ...(flags.once ? { once: true } : {}),
            ...(flags.duration !== undefined ? { durationMs: flags.duration } : {}),
            signal: stop.signal,
            onRound: (r) => {
              if (flags.once) return;
              const failing = r.checks.filter((c) => !c.ok).length;
              const firing = monitor.states.filter((s) => s.phase === 'firing').length;
              ctx.log.info(
                `round: ${r.checks.length} checks, ${failing} failing, ${firing} alert${firing === 1 ? '' : 's'} firing`,
              );
            },
          });
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          await metrics?.close();
        }

        const last = rounds.at(-1);
        const alerts = monitor.states
          .filter((s) => s.phase === 'pending' || s.phase === 'firing')
          .map(report.alertView);
        const events = rounds.flatMap((r) =>
          r.events.map((e) => ({ ...e, at: new Date(r.at).toISOString() })),
        );
        const deliveries = rounds.flatMap((r) => r.deliveries.map(({ id: _id, ...d }) => d));
        const monitoring = store.monitoring();
        const pending = (await monitoring.listOutbox({ pending: true, limit: 10_000 })).length;
        const firing = alerts.filter((a) => a.phase === 'firing');
        const fired = events.filter((e) => e.transition === 'firing').length;
        const verdict = firing.length > 0 || fired > 0 ? 'fail' : 'pass';
        const failingChecks = last?.checks.filter((c) => !c.ok).length ?? 0;
        const summary =
          `${last?.checks.length ?? 0} checks${rounds.length > 1 ? ` × ${rounds.length} rounds` : ''}, ${failingChecks} failing; ` +
          `${firing.length} alert${firing.length === 1 ? '' : 's'} firing; ` +
          `${deliveries.filter((d) => d.delivered).length} notification${deliveries.filter((d) => d.delivered).length === 1 ? '' : 's'} delivered` +
          (pending > 0 ? `, ${pending} waiting in the outbox` : '');
        const fields = {
          mode: flags.once ? ('once' as const) : ('continuous' as const),
          intervalMs,
          rounds: rounds.length,
          checks: (last?.checks ?? []).map((c) => ({ ...c, ms: Math.round(c.ms * 1000) / 1000 })),
          rules: plan.rules.map((r) => ({
            name: r.name,
            condition: describeCondition(r),
            severity: r.severity,
          })),
          alerts,
          events,
          notifications: {
            enqueued: rounds.reduce((a, r) => a + r.enqueued, 0),
            delivered: deliveries.filter((d) => d.delivered).length,
            failed: deliveries.filter((d) => d.gaveUp).length,
            pending,
          },
          deliveries,
          muted: last?.muted ?? [],
          samples: await monitoring.sampleCounts(),
          ...(metrics ? { metricsUrl: metrics.url } : {}),
        };
        const warnings = [
          ...new Set([
            ...rounds.flatMap((r) => r.warnings),
            ...deliveries.filter((d) => !d.delivered).map((d) => `${d.channel}: ${d.error}`),
          ]),
        ];
        const envelope = makeEnvelope(result.monitorKind, { verdict, summary, startedAt, warnings, fields });
        return {
          envelope,
          document: report.monitorDocument(fields, verdict, summary),
          record: {
            figures: {
              checks: fields.checks.length,
              failing_checks: failingChecks,
              firing: firing.length,
              notifications_delivered: fields.notifications.delivered,
            },
            labels: { mode: fields.mode },
          },
        };
      }),
    );
  examples(cmd, [
    ['shipgate monitor --once', 'every check once; exit 1 if an alert fires (a pipeline step)'],
    [
      'shipgate monitor --interval 30s --metrics-port 9464',
      'keep watching; Prometheus scrapes :9464/metrics',
    ],
    ['shipgate monitor --duration 10m --json monitor.json', 'watch for ten minutes, then write the result'],
    ['SLACK_WEBHOOK_URL=… shipgate monitor --config performance_config.json', "the seed's config as it is"],
  ]);
}
