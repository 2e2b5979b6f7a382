import type { Command } from 'commander';
import { action, examples } from './action.ts';
import { addLoadFlags, type LoadFlags, outcomeOf, prepare, progressFor } from './load-common.ts';
import { floatArg, intArg } from './options.ts';

interface EnduranceFlags extends LoadFlags {
  serverPid?: number;
  leakThreshold: number;
  degradeThreshold: number;
}

export function registerEndurance(program: Command): void {
  const cmd = program
    .command('endurance')
    .description(
      "Long-run stability: a steady load for a long time, then the slope of p95/p99 latency and of throughput over time with a 95% confidence interval, and — with --server-pid — the server's memory growth in MB/h. A leak or a degradation fails (exit 1); a steady server raises no alarm.",
    );
  addLoadFlags(cmd)
    .option(
      '--server-pid <pid>',
      'the server process to watch (RSS and CPU, from /proc)',
      intArg(1, 2 ** 31 - 1),
    )
    .option(
      '--leak-threshold <mb-per-hour>',
      'memory growth beyond this (whole CI) is a leak',
      floatArg(0, 1e9),
      10,
    )
    .option(
      '--degrade-threshold <share>',
      'p95 growth per hour, as a share of its level, that counts as degradation',
      floatArg(0, 100),
      0.2,
    )
    .action(
      action<EnduranceFlags>(async (ctx, [url], flags) => {
        const startedAt = new Date();
        const { config } = await ctx.config();
        const { scenario, thresholds } = await prepare(ctx, url, flags, {
          durationMs: flags.duration ?? config.load.endurance.duration,
        });
        const { enduranceTest } = await import('../load/tests.ts');
        const { task, onProgress } = progressFor(ctx, 'endurance', scenario.durationMs);
        const test = await enduranceTest(
          scenario,
          thresholds,
          {
            ...(flags.serverPid !== undefined ? { serverPid: flags.serverPid } : {}),
            leakMbPerHour: flags.leakThreshold,
            degradeShare: flags.degradeThreshold,
          },
          { onProgress, ...(flags.workers !== undefined ? { workers: flags.workers } : {}) },
        );
        task.done(test.verdict);
        return outcomeOf(startedAt, test, flags.html);
      }),
    );
  examples(cmd, [
    ['shipgate endurance http://127.0.0.1:8000/api/status', 'config default: 10 users for 300 s'],
    [
      'shipgate endurance URL -d 1h --server-pid $(pgrep -f uvicorn)',
      'an hour, watching the server for leaks',
    ],
    ['shipgate endurance -s api.yaml -d 30m --html soak.html', 'a scenario, with charts over time'],
  ]);
}
