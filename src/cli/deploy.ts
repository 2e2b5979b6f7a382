import type { Command } from 'commander';
import type { DeployEnvironment } from '../deploy/environment.ts';
import type { DeployReport } from '../deploy/run.ts';
import { action, examples } from './action.ts';
import type { CommandContext } from './context.ts';
import { intArg } from './options.ts';
import type { Outcome } from './outcome.ts';

/**
 * `shipgate deploy VERSION --env NAME` and `deploy status|history|recover|down`: the blue-green flow
 * of src/deploy over the environments of the config's `deploy` section.
 */
export interface EnvFlags {
  env?: string;
}

export async function openDeployEnvironment(ctx: CommandContext, name: string): Promise<DeployEnvironment> {
  const [{ environmentConfig, openEnvironment }, loaded, store] = await Promise.all([
    import('../deploy/environment.ts'),
    ctx.config(),
    ctx.store(),
  ]);
  return openEnvironment({
    name,
    config: environmentConfig(loaded.config, name, loaded.file),
    store: store.deploys(),
    log: ctx.log,
    cwd: ctx.cwd,
    env: ctx.env,
  });
}

/** The outcome of a deploy or rollback: envelope, document, and a history record. */
export async function deployOutcome(
  startedAt: Date,
  operation: 'deploy' | 'rollback',
  r: DeployReport,
): Promise<Outcome> {
  const [{ makeEnvelope }, { deployKind }, { deployDocument, deploySummary, ENDING_VERDICT }] =
    await Promise.all([
      import('../core/envelope.ts'),
      import('../deploy/result.ts'),
      import('../deploy/report.ts'),
    ]);
  const verdict = ENDING_VERDICT[r.outcome];
  return {
    envelope: makeEnvelope(deployKind, {
      verdict,
      summary: deploySummary(r),
      startedAt,
      fields: { operation, env: r.env, deploy: r },
    }),
    document: deployDocument(r),
    record: {
      figures: {
        phases: r.phases.length,
        ...(r.switchMs !== undefined ? { switch_ms: r.switchMs } : {}),
        ...(r.watch ? { watch_error_rate: r.watch.errorRatePercent, watch_p95_ms: r.watch.p95Ms } : {}),
      },
      labels: { env: r.env, version: r.version, outcome: r.outcome, router: r.router, operation },
    },
  };
}

type Operation = (ctx: CommandContext, env: string, flags: DeployFlags) => Promise<Outcome>;

interface DeployFlags extends EnvFlags {
  limit: number;
}

/** `deploy status|history|recover|down`: the operations besides deploying a version, by name. */
const OPERATIONS: Record<string, Operation> = {
  async status(ctx, env) {
    const startedAt = new Date();
    const e = await openDeployEnvironment(ctx, env);
    const [{ deployStatus }, { makeEnvelope }, { deployKind }, { statusDocument }] = await Promise.all([
      import('../deploy/ops.ts'),
      import('../core/envelope.ts'),
      import('../deploy/result.ts'),
      import('../deploy/report.ts'),
    ]);
    const s = await deployStatus(e);
    const verdict = s.consistent ? 'pass' : 'warn';
    const summary = s.active
      ? `${env}: ${s.colours.find((c) => c.active)?.version ?? '?'} on ${s.active}${s.consistent ? '' : ` — ${s.problems[0]}`}`
      : `${env}: nothing deployed${s.problems.length ? ` — ${s.problems[0]}` : ''}`;
    return {
      envelope: makeEnvelope(deployKind, {
        verdict,
        summary,
        startedAt,
        fields: { operation: 'status', env, status: s },
      }),
      document: statusDocument(s, verdict, summary),
    };
  },
  async history(ctx, env, flags) {
    const startedAt = new Date();
    const store = (await ctx.store()).deploys();
    const [{ makeEnvelope }, { deployKind }, { historyDocument }] = await Promise.all([
      import('../core/envelope.ts'),
      import('../deploy/result.ts'),
      import('../deploy/report.ts'),
    ]);
    const deploys = await store.list(env, flags.limit);
    const entries = await Promise.all(deploys.map(async (d) => ({ ...d, phases: await store.phases(d.id) })));
    const doc = historyDocument(env, entries);
    return {
      envelope: makeEnvelope(deployKind, {
        verdict: 'pass',
        summary: doc.summary,
        startedAt,
        fields: {
          operation: 'history',
          env,
          history: entries.map((d) => ({
            id: d.id,
            action: d.action,
            version: d.version,
            colour: d.colour,
            ...(d.previousVersion ? { previousVersion: d.previousVersion } : {}),
            outcome: d.outcome,
            actor: d.actor,
            ...(d.gitCommit ? { gitCommit: d.gitCommit } : {}),
            ...(d.rollbackOf ? { rollbackOf: d.rollbackOf } : {}),
            startedAt: d.startedAt.toISOString(),
            ...(d.finishedAt ? { finishedAt: d.finishedAt.toISOString() } : {}),
            phases: d.phases.map((p) => ({
              phase: p.phase,
              outcome: p.outcome,
              startedAt: p.startedAt.toISOString(),
              ms: p.durationMs,
              ...(typeof p.detail?.detail === 'string' ? { detail: p.detail.detail } : {}),
            })),
          })),
        },
      }),
      document: doc,
    };
  },
  async recover(ctx, env) {
    const startedAt = new Date();
    const e = await openDeployEnvironment(ctx, env);
    const [{ runRecover }, { makeEnvelope }, { deployKind }, { recoveryDocument }] = await Promise.all([
      import('../deploy/recover.ts'),
      import('../core/envelope.ts'),
      import('../deploy/result.ts'),
      import('../deploy/report.ts'),
    ]);
    const r = await runRecover(e);
    const doc = recoveryDocument(r);
    return {
      envelope: makeEnvelope(deployKind, {
        verdict: doc.verdict,
        summary: doc.summary,
        startedAt,
        fields: {
          operation: 'recover',
          env,
          recovery: {
            ...(r.deploy ? { deploy: r.deploy } : {}),
            ...(r.plan.serve ? { serve: r.plan.serve } : {}),
            stop: r.plan.stop,
            outcome: r.plan.outcome,
            reason: r.plan.reason,
            ...(r.serving ? { serving: r.serving } : {}),
          },
        },
      }),
      document: doc,
      record: {
        figures: { stopped: r.plan.stop.length },
        labels: { env, operation: 'recover', outcome: r.plan.outcome },
      },
    };
  },
  async down(ctx, env) {
    const startedAt = new Date();
    const e = await openDeployEnvironment(ctx, env);
    const [{ deployDown }, { makeEnvelope }, { deployKind }] = await Promise.all([
      import('../deploy/ops.ts'),
      import('../core/envelope.ts'),
      import('../deploy/result.ts'),
    ]);
    const { stopped } = await deployDown(e);
    const summary = stopped.length
      ? `${env} down: stopped ${stopped.join(', ')}`
      : `${env}: nothing was running`;
    return {
      envelope: makeEnvelope(deployKind, {
        verdict: 'pass',
        summary,
        startedAt,
        fields: { operation: 'down', env, stopped },
      }),
      document: { title: `Deploy down: ${env}`, verdict: 'pass', summary, blocks: [] },
      record: { figures: { stopped: stopped.length }, labels: { env, operation: 'down' } },
    };
  },
};

export function registerDeploy(program: Command): void {
  const deploy = program
    .command('deploy')
    .description(
      'Blue-green deploy of VERSION to an environment of the config: start the idle colour, health gate, smoke, ' +
        'switch the router, verify, watch error rate and latency, switch back on failure; exit 1 when refused or rolled back. ' +
        '`deploy status|history|recover|down` inspect, resolve a deploy that died halfway, or stop everything.',
    )
    .argument('<version|operation>', 'the version to deploy, or status, history, recover, down')
    .option('--env <name>', 'the environment under deploy: in the config', 'production')
    .option('--limit <n>', 'history: at most this many deploys', intArg(1, 10_000), 20)
    .action(
      action<DeployFlags>(async (ctx, [what], flags) => {
        const env = flags.env ?? 'production';
        const operation = OPERATIONS[what as string];
        if (operation && Object.hasOwn(OPERATIONS, what as string)) return operation(ctx, env, flags);
        const startedAt = new Date();
        const e = await openDeployEnvironment(ctx, env);
        const { runDeploy } = await import('../deploy/run.ts');
        return deployOutcome(startedAt, 'deploy', await runDeploy(e, what as string));
      }),
    );

  examples(deploy, [
    ['shipgate deploy 2.4.0 --env production', 'blue-green deploy; exit 1 when refused or rolled back'],
    ['shipgate deploy status --env production', 'router, colours, health, lock'],
    ['shipgate deploy history --env production --limit 5', 'the journal with every phase and its timing'],
    ['shipgate deploy recover --env production', 'after a deploy was killed halfway'],
    ['shipgate deploy down --env staging', 'stop the router and both colours'],
    ['shipgate rollback --env production', 'back to the previous colour while it still runs'],
  ]);
}
