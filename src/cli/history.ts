import type { Command } from 'commander';
import { formatDuration } from '../core/units.ts';
import { VERDICT_LABEL, VERDICT_TONE } from '../report/document.ts';
import { action, examples } from './action.ts';
import { durationArg, intArg } from './options.ts';

interface HistoryOptions {
  kind?: string;
  branch?: string;
  since?: number;
  limit: number;
}

export function registerHistory(program: Command): void {
  const history = program
    .command('history')
    .description('List recorded gate runs from the history store, newest first.')
    .option('--kind <kind>', 'only runs of this kind (load, compare, coverage, demo, …)')
    .option('--branch <branch>', 'only runs recorded on this git branch')
    .option('--since <duration>', 'only runs started within this long (e.g. 7d, 12h)', durationArg)
    .option('--limit <n>', 'at most this many runs', intArg(1, 10_000), 20)
    .action(
      action<HistoryOptions>(async (ctx, _args, opts) => {
        const startedAt = new Date();
        const [{ makeEnvelope }, { historyKind }] = await Promise.all([
          import('../core/envelope.ts'),
          import('../store/result.ts'),
        ]);
        const store = await ctx.store();
        const runs = await store.listRuns({
          ...(opts.kind ? { kind: opts.kind } : {}),
          ...(opts.branch ? { branch: opts.branch } : {}),
          ...(opts.since !== undefined ? { since: new Date(Date.now() - opts.since) } : {}),
          limit: opts.limit,
        });
        const summary = `${runs.length} run${runs.length === 1 ? '' : 's'} in ${store.location}`;
        const envelope = makeEnvelope(historyKind, {
          verdict: 'pass',
          summary,
          startedAt,
          fields: {
            store: {
              engine: store.engine,
              location: store.location,
              schemaVersion: await store.schemaVersion(),
            },
            runs: runs.map((r) => ({
              id: r.id,
              kind: r.kind,
              verdict: r.verdict,
              summary: r.summary,
              startedAt: r.startedAt.toISOString(),
              finishedAt: r.finishedAt.toISOString(),
              ...(r.gitCommit ? { gitCommit: r.gitCommit } : {}),
              ...(r.gitBranch ? { gitBranch: r.gitBranch } : {}),
              figures: r.figures,
              labels: r.labels,
            })),
          },
        });
        return {
          envelope,
          document: {
            title: 'History',
            verdict: 'pass',
            summary,
            blocks: runs.length
              ? [
                  {
                    type: 'table',
                    columns: ['id', 'when', 'kind', 'verdict', 'took', 'commit', 'summary'],
                    align: ['right', 'left', 'left', 'left', 'right', 'left', 'left'],
                    rows: runs.map((r) => [
                      r.id,
                      r.startedAt.toISOString().replace('T', ' ').slice(0, 19),
                      r.kind,
                      { text: VERDICT_LABEL[r.verdict], tone: VERDICT_TONE[r.verdict] },
                      formatDuration(r.finishedAt.getTime() - r.startedAt.getTime()),
                      r.gitCommit?.slice(0, 8) ?? '',
                      r.summary,
                    ]),
                  },
                ]
              : [
                  {
                    type: 'paragraph',
                    text: 'No runs recorded yet. Run `shipgate demo` to record some.',
                    tone: 'muted',
                  },
                ],
          },
        };
      }),
    );
  examples(history, [
    ['shipgate history', 'the last 20 runs'],
    ['shipgate history --kind demo --limit 5', 'the last five demo runs'],
    ['shipgate history --since 7d --branch main', "this week's runs on main"],
    [
      'shipgate history --store postgres://ci@db/shipgate --format json',
      'from a shared PostgreSQL store, as JSON',
    ],
  ]);
}
