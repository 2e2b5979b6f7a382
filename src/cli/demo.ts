import { join } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../core/fs.ts';
import { formatDuration } from '../core/units.ts';
import { worstVerdict } from '../core/verdict.ts';
import { type ReportDocument, VERDICT_LABEL, VERDICT_TONE } from '../report/document.ts';
import { renderHtml } from '../report/html.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { action, examples } from './action.ts';

interface DemoOptions {
  dir?: string;
}

export function registerDemo(program: Command): void {
  const demo = program
    .command('demo')
    .description(
      'Start the bundled sample service and run every shipgate capability against it, end to end; then print a summary and write Markdown and HTML reports. Runs are recorded in the workspace store (or --store).',
    )
    .option('--dir <dir>', 'work in this folder (kept) instead of a fresh temporary one')
    .action(
      action<DemoOptions>(async (ctx, _args, opts) => {
        const startedAt = new Date();
        const [{ makeEnvelope }, { demoKind }, { runDemo }] = await Promise.all([
          import('../core/envelope.ts'),
          import('../demo/result.ts'),
          import('../demo/run.ts'),
        ]);
        const run = await runDemo({
          log: ctx.log,
          progress: ctx.progress,
          ...(opts.dir ? { workspace: opts.dir } : {}),
        });
        // The demo is self-contained: unless told otherwise, its history goes into its own workspace.
        ctx.defaultStore(join(run.workspace, '.shipgate', 'shipgate.db'));

        const verdict = worstVerdict(run.stages.map((s) => s.verdict));
        const passed = run.stages.filter((s) => s.verdict === 'pass').length;
        const took = Date.now() - startedAt.getTime();
        const summary = `${passed}/${run.stages.length} stages passed against the sample service in ${formatDuration(took)}`;
        const overview: ReportDocument = {
          title: 'shipgate demo',
          verdict,
          summary,
          blocks: [
            {
              type: 'table',
              title: 'Stages',
              columns: ['stage', 'verdict', 'time', 'result'],
              align: ['left', 'left', 'right', 'left'],
              rows: run.stages.map((s) => [
                s.title,
                { text: VERDICT_LABEL[s.verdict], tone: VERDICT_TONE[s.verdict] },
                formatDuration(s.durationMs),
                s.summary,
              ]),
            },
            {
              type: 'chart',
              title: 'Time per stage',
              unit: 'ms',
              series: run.stages.map((s) => ({
                label: s.title,
                value: Math.round(s.durationMs),
                tone: VERDICT_TONE[s.verdict],
              })),
            },
          ],
        };
        const details: ReportDocument[] = run.stages
          .filter((s) => s.blocks.length > 0)
          .map((s) => ({ title: s.title, verdict: s.verdict, summary: s.summary, blocks: s.blocks }));
        const reports = {
          markdown: join(run.workspace, 'reports', 'demo.md'),
          html: join(run.workspace, 'reports', 'demo.html'),
        };
        writeFileAtomic(
          reports.markdown,
          [overview, ...details].map((d, i) => renderMarkdown(d, i === 0 ? 1 : 2)).join('\n'),
        );
        writeFileAtomic(reports.html, renderHtml('shipgate demo', [overview, ...details]));

        const envelope = makeEnvelope(demoKind, {
          verdict,
          summary,
          startedAt,
          fields: {
            workspace: run.workspace,
            service: run.service,
            stages: run.stages.map(({ blocks: _blocks, ...s }) => s),
            reports,
          },
        });
        const figures: Record<string, number> = {
          stages: run.stages.length,
          stages_passed: passed,
          duration_ms: took,
        };
        for (const s of run.stages)
          for (const [k, v] of Object.entries(s.figures)) figures[`${s.id}.${k}`] = v;
        overview.blocks.push({
          type: 'fields',
          title: 'Where things are',
          fields: [
            ['workspace', run.workspace],
            ['Markdown report', reports.markdown],
            ['HTML report', reports.html],
          ],
        });
        overview.blocks.push({
          type: 'paragraph',
          text: 'See the recorded run with `shipgate history --store <workspace>/.shipgate/shipgate.db`.',
          tone: 'muted',
        });
        return { envelope, document: overview, record: { figures, labels: { target: run.service.url } } };
      }),
    );
  examples(demo, [
    ['shipgate demo', 'everything, in a fresh temporary folder'],
    ['shipgate demo --dir ./demo --json demo.json', 'keep the workspace and the result envelope'],
    ['SAMPLE_LATENCY_MS=50 shipgate demo', 'the same against a slower service'],
  ]);
}
