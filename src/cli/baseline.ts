import type { Command } from 'commander';
import { UserError } from '../core/errors.ts';
import type { Verdict } from '../core/verdict.ts';
import type { BaselineEntry } from '../perf/baselines.ts';
import type { Block, Cell } from '../report/document.ts';
import { action, examples } from './action.ts';
import type { CommandContext } from './context.ts';
import {
  addLoadFlags,
  engineHooks,
  type LoadFlags,
  outcomeOf as loadOutcome,
  prepare,
  progressFor,
} from './load-common.ts';
import type { Outcome } from './outcome.ts';

type Action = 'create' | 'list' | 'show' | 'accept' | 'delete';

interface CreateFlags extends LoadFlags {
  from?: string;
  name: string;
  note?: string;
}

export function registerBaseline(program: Command): void {
  const baseline = program
    .command('baseline')
    .description(
      'Named performance baselines in the history store: what `compare --baseline name:NAME` judges against. ' +
        'Each points at a stored load run and carries its fingerprint (scenario hash, CPU, Node and shipgate versions, commit).',
    );

  const create = baseline
    .command('create')
    .description(
      'Store a baseline: from a result file (--from), or by running the load test now (URL or --scenario, config defaults).',
    )
    .option('--from <file>', 'a --json result of shipgate load/stress/endurance to store as the baseline')
    .option('--name <name>', 'the baseline name', 'main')
    .option('--note <text>', 'why this baseline (kept with it)');
  addLoadFlags(create, { thresholds: false });
  create.action(
    action<CreateFlags>(async (ctx, [url], flags) => {
      const startedAt = new Date();
      const [{ recordLoadResult, describeBaseline }, { resolveResult }] = await Promise.all([
        import('../perf/baselines.ts'),
        import('../perf/sources.ts'),
      ]);
      if (flags.from && (url || flags.scenario))
        throw new UserError('give --from FILE or a URL/--scenario to run, not both');
      const store = await ctx.store();
      const result = flags.from
        ? (await resolveResult(flags.from, () => ctx.store())).result
        : await measure(ctx, url, flags);
      const runId = await recordLoadResult(store, result);
      const stored = await store.setBaseline(flags.name, runId, flags.note);
      const entry = await describeBaseline(store, stored);
      return baselineOutcome(
        startedAt,
        'create',
        [entry],
        `baseline ${flags.name} → run #${runId}: ${result.summary}`,
      );
    }),
  );

  baseline
    .command('list')
    .description('List the stored baselines and the figures of the runs they point at.')
    .action(
      action(async (ctx) => {
        const startedAt = new Date();
        const { describeBaseline } = await import('../perf/baselines.ts');
        const store = await ctx.store();
        const entries = await Promise.all(
          (await store.listBaselines()).map((b) => describeBaseline(store, b)),
        );
        return baselineOutcome(
          startedAt,
          'list',
          entries,
          `${entries.length} baseline${entries.length === 1 ? '' : 's'} in ${store.location}`,
        );
      }),
    );

  baseline
    .command('show')
    .argument('<name>', 'the baseline')
    .description('Show one baseline: its run, fingerprint and figures.')
    .action(
      action(async (ctx, [name]) => {
        const startedAt = new Date();
        const entry = await existing(ctx, name as string);
        return baselineOutcome(startedAt, 'show', [entry], `baseline ${entry.name} → run #${entry.runId}`);
      }),
    );

  baseline
    .command('accept')
    .argument('<run-id>', 'the stored run that becomes the baseline (see shipgate history)')
    .option('--name <name>', 'the baseline to move', 'main')
    .option('--note <text>', 'why (kept with the baseline, e.g. "new caching layer, accepted in #123")')
    .description(
      'Accept a run as the new baseline level, e.g. after an intended change: later comparisons and trends use it.',
    )
    .action(
      action<{ name: string; note?: string }>(async (ctx, [id], flags) => {
        const startedAt = new Date();
        const digits = String(id).replace(/^(run:|#)/, '');
        if (!/^\d+$/.test(digits))
          throw new UserError(`'${id}' is not a run id`, { hint: 'e.g. shipgate baseline accept 42' });
        const runId = Number(digits);
        const { describeBaseline } = await import('../perf/baselines.ts');
        const { asLoadResult } = await import('../perf/sources.ts');
        const store = await ctx.store();
        const run = await store.getRun(runId);
        if (!run)
          throw new UserError(`no run #${runId} in ${store.location}`, {
            hint: 'list runs with: shipgate history --kind load',
          });
        asLoadResult(run.result, `run #${runId} (${run.kind})`);
        const previous = await store.getBaseline(flags.name);
        const stored = await store.setBaseline(flags.name, runId, flags.note ?? `accepted run #${runId}`);
        const entry = await describeBaseline(store, stored);
        return baselineOutcome(
          startedAt,
          'accept',
          [entry],
          `baseline ${flags.name} → run #${runId}${previous ? ` (was run #${previous.runId})` : ''}`,
        );
      }),
    );

  baseline
    .command('delete')
    .argument('<name>', 'the baseline')
    .description('Delete a baseline (the run it pointed at stays in the history).')
    .action(
      action(async (ctx, [name]) => {
        const startedAt = new Date();
        const entry = await existing(ctx, name as string);
        await (await ctx.store()).deleteBaseline(entry.name);
        return baselineOutcome(
          startedAt,
          'delete',
          [entry],
          `deleted baseline ${entry.name} (run #${entry.runId} kept)`,
        );
      }),
    );

  examples(baseline, [
    ['shipgate load http://127.0.0.1:8000/api/status --json load.json', 'measure'],
    ['shipgate baseline create --from load.json --name main', 'store it as "main"'],
    ['shipgate baseline create --scenario api.yaml -d 60s', 'or measure and store in one step'],
    ['shipgate compare --current new.json --baseline name:main', 'judge a later run against it'],
    ['shipgate baseline accept 42 --note "new cache"', 'accept run #42 as the new level'],
    ['shipgate baseline list', 'what is stored'],
  ]);
}

async function measure(ctx: CommandContext, url: string | undefined, flags: CreateFlags) {
  const startedAt = new Date();
  const { scenario } = await prepare(ctx, url, { ...flags, thresholds: false });
  const { loadTest } = await import('../load/tests.ts');
  const { task, onProgress } = progressFor(ctx, 'baseline', scenario.durationMs);
  const test = await loadTest(scenario, [], {
    onProgress,
    ...engineHooks(flags),
  });
  task.done(test.verdict);
  if (test.verdict === 'inconclusive') {
    throw new UserError(`not storing a baseline from an untrustworthy run: ${test.summary}`, {
      hint: 'fewer users, a longer --think-time or more --workers; the load generator was the bottleneck',
    });
  }
  const { envelope } = await loadOutcome(startedAt, test);
  return envelope as unknown as import('../perf/metrics.ts').LoadEnvelope;
}

async function existing(ctx: CommandContext, name: string): Promise<BaselineEntry> {
  const { describeBaseline } = await import('../perf/baselines.ts');
  const store = await ctx.store();
  const found = await store.getBaseline(name);
  if (!found) {
    const known = (await store.listBaselines()).map((b) => b.name);
    throw new UserError(`no baseline named "${name}" in ${store.location}`, {
      hint: known.length
        ? `known baselines: ${known.join(', ')}`
        : 'create one with: shipgate baseline create --from RESULT.json',
    });
  }
  return describeBaseline(store, found);
}

async function baselineOutcome(
  startedAt: Date,
  act: Action,
  entries: BaselineEntry[],
  summary: string,
  verdict: Verdict = 'pass',
): Promise<Outcome> {
  const [{ makeEnvelope }, { baselineKind }] = await Promise.all([
    import('../core/envelope.ts'),
    import('../perf/result.ts'),
  ]);
  const envelope = makeEnvelope(baselineKind, {
    verdict,
    summary,
    startedAt,
    fields: { action: act, baselines: entries },
  });
  const blocks: Block[] =
    entries.length > 0
      ? [
          {
            type: 'table',
            columns: ['name', 'run', 'created', 'scenario', 'p95 ms', 'rps', 'machine', 'note'],
            align: ['left', 'right', 'left', 'left', 'right', 'right', 'left', 'left'],
            rows: entries.map((e): Cell[] => [
              e.name,
              `#${e.runId}`,
              e.createdAt.replace('T', ' ').slice(0, 16),
              e.fingerprint
                ? `${e.fingerprint.scenario} (${e.fingerprint.scenarioHash.slice(0, 8)})`
                : e.kind,
              e.figures?.p95_ms?.toFixed(2) ?? '',
              e.figures?.rps?.toFixed(1) ?? '',
              e.fingerprint ? `${e.fingerprint.cpuCount} × ${e.fingerprint.cpuModel}` : '',
              e.note ?? '',
            ]),
          },
        ]
      : [
          {
            type: 'paragraph',
            text: 'No baselines yet: shipgate baseline create --from RESULT.json',
            tone: 'muted',
          },
        ];
  return { envelope, document: { title: 'Baselines', verdict, summary, blocks } };
}
