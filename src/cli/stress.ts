import type { Command } from 'commander';
import { UserError } from '../core/errors.ts';
import { action, examples } from './action.ts';
import { addLoadFlags, type LoadFlags, outcomeOf, prepare, progressFor } from './load-common.ts';
import { durationArg, intArg, percentArg, rateArg } from './options.ts';

interface StressFlags extends LoadFlags {
  maxUsers?: number;
  maxRate?: number;
  startAt?: number;
  step: number;
  minUsers?: number;
  minRate?: number;
  maxErrorRate?: number;
  maxP95?: number;
}

export function registerStress(program: Command): void {
  const cmd = program
    .command('stress')
    .description(
      'Find the breaking point: step users (or the arrival rate) up to a maximum, hold each step, and stop at the first step where errors pass the bound, p95 passes the threshold, or throughput stops rising; then bisect between the last good and first failing step. A service that never breaks passes.',
    );
  addLoadFlags(cmd, { rate: false, thresholds: false })
    .option(
      '--max-users <n>',
      'highest user count to try (default: config load.stress.maxUsers, 200)',
      intArg(1, 100_000),
    )
    .option(
      '--max-rate <rate>',
      'step the open-model arrival rate up to this instead of users, e.g. 2000/s',
      rateArg,
    )
    .option('--start-at <n>', 'first level (users or requests/s; default 1)', intArg(1, 1_000_000))
    .option('--step <duration>', 'how long to hold each level', durationArg, 10_000)
    .option(
      '--max-error-rate <percent>',
      'errors above this break a step (default: config thresholds.errorRatePercent)',
      percentArg,
    )
    .option(
      '--max-p95 <duration>',
      'p95 above this breaks a step (default: config thresholds.apiResponseTime)',
      durationArg,
    )
    .option(
      '--min-users <n>',
      'gate: fail (exit 1) when the service breaks below this many users',
      intArg(1, 100_000),
    )
    .option('--min-rate <rate>', 'gate: fail when the service breaks below this rate', rateArg)
    .action(
      action<StressFlags>(async (ctx, [url], flags) => {
        const startedAt = new Date();
        const { config } = await ctx.config();
        if (flags.maxUsers !== undefined && flags.maxRate !== undefined)
          throw new UserError('give --max-users or --max-rate, not both');
        const unit = flags.maxRate !== undefined ? 'rate' : 'users';
        const { scenario } = await prepare(ctx, url, { ...flags, thresholds: false });
        const { stressTest } = await import('../load/tests.ts');
        const max =
          unit === 'rate' ? (flags.maxRate as number) : (flags.maxUsers ?? config.load.stress.maxUsers);
        const { task, onProgress } = progressFor(ctx, 'stress', flags.step);
        const test = await stressTest(
          scenario,
          {
            unit,
            max,
            ...(flags.startAt !== undefined ? { start: flags.startAt } : {}),
            stepDurationMs: flags.step,
            maxErrorRate: (flags.maxErrorRate ?? config.thresholds.errorRatePercent) / 100,
            maxP95Ms: flags.maxP95 ?? config.thresholds.apiResponseTime,
            ...((unit === 'users' ? flags.minUsers : flags.minRate) !== undefined
              ? { minLevel: (unit === 'users' ? flags.minUsers : flags.minRate) as number }
              : {}),
          },
          {
            onProgress,
            onStep: (level) => task.update(`level ${level}${unit === 'users' ? ' users' : '/s'}`),
            ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
          },
        );
        task.done(test.verdict);
        return outcomeOf(startedAt, test, flags.html);
      }),
    );
  examples(cmd, [
    ['shipgate stress http://127.0.0.1:8000/api/status', 'users 1, 2, 4 … 200, 10 s each'],
    ['shipgate stress URL --max-users 500 --step 20s --min-users 50', 'the seed gate: must hold 50 users'],
    ['shipgate stress -s api.yaml --max-rate 5000/s', 'step the arrival rate instead of users'],
  ]);
}
