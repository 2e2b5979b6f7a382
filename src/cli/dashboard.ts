import type { Command } from 'commander';
import { parseDuration } from '../core/units.ts';
import { action, examples } from './action.ts';
import { durationArg, intArg } from './options.ts';

interface DashboardOptions {
  port: number;
  host: string;
  since?: number;
  refresh?: number;
}

export function registerDashboard(program: Command): void {
  const dashboard = program
    .command('dashboard')
    .description(
      "Serve the report's views live from the history store (SQLite or PostgreSQL), refreshing on their own. Read-only. Binds to loopback; any other --host needs SHIPGATE_DASHBOARD_TOKEN, which every request must then carry. Runs until Ctrl-C.",
    )
    .option('--port <port>', 'port to listen on (0 picks a free one)', intArg(0, 65_535), 8080)
    .option(
      '--host <host>',
      'address to bind (other than loopback only with SHIPGATE_DASHBOARD_TOKEN)',
      '127.0.0.1',
    )
    .option(
      '--since <duration>',
      'period shown by default, 30d (?since=90d in the URL picks another)',
      durationArg,
    )
    .option('--refresh <duration>', 'how often an open page refreshes itself (default 30s)', durationArg)
    .action(
      action<DashboardOptions>(async (ctx, _args, opts) => {
        const { startDashboard } = await import('../dashboard/server.ts');
        const token = ctx.env.SHIPGATE_DASHBOARD_TOKEN || undefined;
        const store = await ctx.store();
        const dashboard = await startDashboard({
          store,
          host: opts.host,
          port: opts.port,
          ...(token ? { token } : {}),
          sinceMs: opts.since ?? parseDuration('30d'),
          refreshSeconds: Math.max(1, Math.round((opts.refresh ?? 30_000) / 1000)),
          onRequest: (line) => ctx.log.debug(line),
        });
        // The address on stdout, so scripts and tests can read it; the rest is log.
        process.stdout.write(`dashboard on ${dashboard.url}\n`);
        ctx.log.info(`reading ${store.location}${token ? '; requests need the token' : ''}; Ctrl-C stops`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await dashboard.close();
        return 0;
      }),
    );
  examples(dashboard, [
    ['shipgate dashboard', 'http://127.0.0.1:8080/ over .shipgate/shipgate.db'],
    [
      'shipgate dashboard --store postgres://ci@db/shipgate --since 90d',
      "the team's shared store, last 90 days",
    ],
    [
      'SHIPGATE_DASHBOARD_TOKEN=… shipgate dashboard --host 0.0.0.0',
      'on the network, behind a token (open /?token=… once)',
    ],
  ]);
}
