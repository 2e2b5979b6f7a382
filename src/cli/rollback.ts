import type { Command } from 'commander';
import { action, examples } from './action.ts';
import { deployOutcome, type EnvFlags, openDeployEnvironment } from './deploy.ts';

/**
 * `shipgate rollback [VERSION] --env NAME`: non-interactive. Back to the colour kept running since
 * the last deploy (re-verified by the health gate first); when it is gone, or VERSION names another
 * version, that version is started through the whole deploy flow.
 */
export function registerRollback(program: Command): void {
  const rollback = program
    .command('rollback')
    .description(
      'Roll an environment back: instantly to the previous colour while it still runs, otherwise by deploying ' +
        'VERSION (default: the last version that deployed successfully) through the same health gate.',
    )
    .argument('[version]', 'the version to return to (default: the previous one)')
    .option('--env <name>', 'the environment', 'production')
    .action(
      action<EnvFlags>(async (ctx, [version], flags) => {
        const startedAt = new Date();
        const e = await openDeployEnvironment(ctx, flags.env ?? 'production');
        const { runRollback } = await import('../deploy/rollback.ts');
        return deployOutcome(startedAt, 'rollback', await runRollback(e, version));
      }),
    );
  examples(rollback, [
    ['shipgate rollback --env production', 'to the colour still running from before the last deploy'],
    [
      'shipgate rollback 2.3.1 --env production',
      'start 2.3.1 again through the health gate and switch to it',
    ],
  ]);
}
