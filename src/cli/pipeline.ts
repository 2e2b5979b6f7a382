import type { Command } from 'commander';
import { action, examples } from './action.ts';
import { collect } from './options.ts';

interface PipelineRunOptions {
  testCommand?: string;
  junit: string;
  coverageReport?: string[];
  openapi: string;
  apiBase?: string;
  url?: string;
  version?: string;
  baseline: string;
  results: string;
  arg?: string[];
}

export function registerPipeline(program: Command): void {
  const pipeline = program
    .command('pipeline')
    .description(
      'The CI pipeline, locally: the stages the generated workflows run, in order, with one summary.',
    );
  const run = pipeline
    .command('run')
    .argument('[stages...]', 'only these stages: tests, audit, api-diff, staging, performance, production')
    .description(
      'Run the pipeline stages in order — tests + coverage → audit → api-diff → staging deploy + validate → performance compare → production blue-green — each as the shipgate command the workflows call, and stop at the first that fails. Stages that cannot run here (no test command, no baseline, no deploy environment, a command not in this build) are skipped with the reason. Exit 1 when a stage failed, 3 when one could not tell.',
    )
    .option(
      '--test-command <cmd>',
      "the project's test command (run by sh -c); it must write JUnit XML to --junit",
    )
    .option('--junit <file>', 'where the test command writes JUnit XML', 'reports/junit.xml')
    .option(
      '--coverage-report <file>',
      'coverage report the tests write, repeatable (default: the usual paths)',
      collect,
    )
    .option('--openapi <file>', 'the OpenAPI document of the working tree', 'openapi.json')
    .option('--api-base <ref>', 'what the OpenAPI document is compared with (default: git:main:<openapi>)')
    .option('--url <url>', 'what the performance stage loads (default: service.baseUrl + service.healthPath)')
    .option('--version <version>', 'version to deploy (default: the current git commit, short)')
    .option('--baseline <name>', 'the stored baseline performance is compared with', 'main')
    .option('--results <dir>', 'folder for the stages’ JSON results', '.shipgate/pipeline')
    .option(
      '--arg <command=arg>',
      'extra argument for one command, repeatable: --arg audit=--osv-db=osv.zip',
      collect,
    )
    .action(
      action<PipelineRunOptions>(async (ctx, stageIds, opts) => {
        const startedAt = new Date();
        const [
          { resolve },
          { execFileSync },
          { makeEnvelope },
          { pipelineKind },
          { PIPELINE_STAGES },
          { runPipeline, pipelineVerdict },
          { buildProgram },
          { cliEntry },
          { UserError },
          { joinUrl },
          { formatDuration },
        ] = await Promise.all([
          import('node:path'),
          import('node:child_process'),
          import('../core/envelope.ts'),
          import('../pipeline/result.ts'),
          import('../pipeline/stages.ts'),
          import('../pipeline/run.ts'),
          import('./program.ts'),
          import('../demo/cli-entry.ts'),
          import('../core/errors.ts'),
          import('../config/schema.ts'),
          import('../core/units.ts'),
        ]);
        const known = PIPELINE_STAGES.map((s) => s.id);
        const unknown = stageIds.filter((id) => !known.includes(id));
        if (unknown.length) {
          throw new UserError(`unknown stage ${unknown.map((u) => `'${u}'`).join(', ')}`, {
            hint: `stages: ${known.join(', ')}`,
          });
        }
        const extraArgs: Record<string, string[]> = {};
        for (const a of opts.arg ?? []) {
          const eq = a.indexOf('=');
          if (eq <= 0)
            throw new UserError(`--arg '${a}': expected COMMAND=ARGUMENT, e.g. audit=--osv-db=osv.zip`);
          const command = a.slice(0, eq);
          extraArgs[command] = [...(extraArgs[command] ?? []), a.slice(eq + 1)];
        }
        const { config } = await ctx.config();
        const store = await ctx.store();
        const version =
          opts.version ??
          (() => {
            try {
              return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
                cwd: ctx.cwd,
                encoding: 'utf8',
                stdio: ['ignore', 'pipe', 'ignore'],
              }).trim();
            } catch {
              return 'local';
            }
          })();
        const selected = stageIds.length
          ? PIPELINE_STAGES.filter((s) => stageIds.includes(s.id))
          : PIPELINE_STAGES;
        const globalArgs = [
          ...(ctx.options.config ? ['--config', resolve(ctx.cwd, ctx.options.config)] : []),
          '--store',
          store.engine === 'sqlite'
            ? resolve(ctx.cwd, store.location)
            : (ctx.options.store ?? ctx.env.SHIPGATE_STORE ?? config.store.url ?? ''),
          '--no-color',
        ];
        const results = await runPipeline({
          stages: selected,
          settings: {
            cwd: ctx.cwd,
            ...(opts.testCommand ? { testCommand: ['sh', '-c', opts.testCommand] } : {}),
            junit: opts.junit,
            coverageReports: opts.coverageReport ?? [],
            openapi: opts.openapi,
            apiBase: opts.apiBase ?? `git:main:${opts.openapi}`,
            url: opts.url ?? joinUrl(config.service.baseUrl, config.service.healthPath),
            version,
            baseline: opts.baseline,
            hasBaseline: (await store.getBaseline(opts.baseline)) !== undefined,
            deployEnvironments: Object.keys(config.deploy),
            resultsDir: resolve(ctx.cwd, opts.results),
          },
          program: buildProgram(),
          shipgate: [process.execPath, ...process.execArgv, cliEntry()],
          globalArgs,
          extraArgs,
          env: ctx.env,
          ...(ctx.options.quiet ? {} : { onOutput: (text: string) => process.stderr.write(text) }),
          onStage: (stage, status) =>
            ctx.log.info(status === 'start' ? `── ${stage.title}` : `── ${stage.title}: ${status}`),
        });
        const verdict = pipelineVerdict(results);
        const count = (status: string) => results.filter((r) => r.status === status).length;
        const took = Date.now() - startedAt.getTime();
        const summary = `${count('passed') + count('warned')} passed, ${count('failed')} failed, ${count('inconclusive')} inconclusive, ${count('skipped')} skipped, ${count('not-run')} not run in ${formatDuration(took)}`;
        const envelope = makeEnvelope(pipelineKind, {
          verdict,
          summary,
          startedAt,
          fields: { stages: results },
        });
        return {
          envelope,
          record: {
            figures: {
              stages: results.length,
              passed: count('passed') + count('warned'),
              failed: count('failed'),
              skipped: count('skipped'),
              duration_ms: took,
            },
            labels: { version },
          },
          document: {
            title: 'shipgate pipeline',
            verdict,
            summary,
            blocks: [
              {
                type: 'table',
                columns: ['stage', 'status', 'time', 'result'],
                align: ['left', 'left', 'right', 'left'],
                rows: results.map((r) => [
                  r.title,
                  { text: r.status, tone: STATUS_TONE[r.status] },
                  r.durationMs ? formatDuration(r.durationMs) : '',
                  r.summary,
                ]),
              },
            ],
          },
        };
      }),
    );
  examples(run, [
    ["shipgate pipeline run --test-command 'npm test'", 'every stage that can run here'],
    ['shipgate pipeline run audit api-diff', 'only the dependency and API gates'],
    [
      'shipgate pipeline run performance --url http://127.0.0.1:8000/api/status',
      'load and compare with baseline "main"',
    ],
    [
      'shipgate pipeline run --arg audit=--osv-db=osv.zip --json pipeline.json',
      'offline advisories; the result as JSON',
    ],
  ]);
}

const STATUS_TONE = {
  passed: 'good',
  warned: 'warn',
  failed: 'bad',
  inconclusive: 'warn',
  skipped: 'muted',
  'not-run': 'muted',
} as const;
