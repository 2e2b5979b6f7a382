import type { Command } from 'commander';
import type { Annotation } from '../report/github.ts';
import type { TestsFields } from '../testmetrics/result.ts';
import { action, examples } from './action.ts';
import type { CommandContext } from './context.ts';
import { durationArg, floatArg, intArg } from './options.ts';
import type { Outcome } from './outcome.ts';

interface JudgeFlags {
  suite?: string;
  quarantine?: string;
  maxDrop?: number;
  window?: number;
  root?: string;
  html?: string;
  record: boolean;
}

interface RunFlags extends JudgeFlags {
  junit: string;
}

function addJudgeFlags(cmd: Command): Command {
  return cmd
    .option('--suite <name>', 'which test suite this is; history is kept per suite (config tests.suite)')
    .option(
      '--quarantine <file>',
      'quarantine list, reviewed in the repository (config tests.quarantineFile)',
    )
    .option(
      '--max-drop <percent>',
      'fail when executed tests drop more than this below recent runs (config tests.maxExecutedDrop)',
      floatArg(0, 100),
    )
    .option(
      '--window <runs>',
      'earlier runs that flaky and duration analysis read (config tests.window)',
      intArg(1, 1000),
    )
    .option('--root <dir>', 'project folder: test file paths under it are made relative (default: cwd)')
    .option('--html <file>', 'also write an offline HTML report')
    .option('--no-record', 'judge against the history store, but do not record this run');
}

export function registerTests(program: Command): void {
  const tests = program
    .command('tests')
    .description(
      'Test metrics from JUnit XML (pytest, node --test, vitest, jest-junit, Surefire, …): one model, flaky and slow tests, failure clusters, a gate. Exit 1 when a test fails outside quarantine, executed tests drop, or a quarantine entry expired.',
    );

  const record = addJudgeFlags(
    tests
      .command('record')
      .description('Read JUnit XML reports (files or folders of *.xml), record the run and apply the gate.')
      .argument('<reports...>', 'JUnit XML files or folders'),
  ).action(
    action<JudgeFlags>(async (ctx, reports, flags) => {
      const startedAt = new Date();
      const { readReports } = await import('../testmetrics/formats/junit.ts');
      const run = readReports(reports, { root: flags.root ?? ctx.cwd });
      return judge(ctx, run, flags, startedAt, {});
    }),
  );
  examples(record, [
    ['shipgate tests record junit.xml', 'read, record and gate one report'],
    ['shipgate tests record target/surefire-reports/', 'every TEST-*.xml of a Maven build'],
    [
      'shipgate tests record e2e.xml --suite e2e --format markdown',
      'a separate suite; a PR comment on stdout',
    ],
    [
      'shipgate tests record junit.xml --json tests.json --html tests.html',
      'JSON envelope and an HTML report',
    ],
  ]);

  const run = addJudgeFlags(
    tests
      .command('run')
      .description(
        "Run a test command, sample its whole process tree (CPU, RSS), then read the JUnit XML it wrote, record the run and gate it. The exit code is the gate's, not the runner's.",
      )
      .requiredOption('--junit <file>', 'where the test command writes its JUnit XML')
      .argument('<command...>', 'the test command, after --'),
  ).action(
    action<RunFlags>(async (ctx, argv, flags) => {
      const [{ runTestCommand, writtenSince }, { readReports }, { UserError }] = await Promise.all([
        import('../testmetrics/runner.ts'),
        import('../testmetrics/formats/junit.ts'),
        import('../core/errors.ts'),
      ]);
      const result = await runTestCommand(argv, { cwd: ctx.cwd, env: ctx.env });
      const command = { argv, exitCode: result.exitCode, signal: result.signal };
      if (!writtenSince(flags.junit, result.startedAt)) {
        throw new UserError(
          `the test command (exit ${result.signal ?? result.exitCode}) wrote no JUnit report here`,
          { file: flags.junit, hint: 'make the runner write JUnit XML to the --junit path' },
        );
      }
      const testRun = readReports([flags.junit], { root: flags.root ?? ctx.cwd });
      return judge(ctx, testRun, flags, result.startedAt, {
        command,
        ...(result.resources ? { resources: result.resources } : {}),
      });
    }),
  );
  examples(run, [
    [
      "shipgate tests run --junit junit.xml -- node --test --test-reporter=junit --test-reporter-destination=junit.xml 'test/*.test.js'",
      "node's runner",
    ],
    ['shipgate tests run --junit report.xml -- pytest --junitxml=report.xml', 'pytest'],
    [
      'shipgate tests run --junit junit.xml -- npx vitest run --reporter=junit --outputFile=junit.xml',
      'vitest',
    ],
  ]);

  const report = tests
    .command('report')
    .description(
      'Trends over recorded test runs: counts and time per run, flaky tests, slowest and most failing tests.',
    )
    .option('--suite <name>', 'which test suite (config tests.suite)')
    .option('--since <duration>', 'runs started within this long (e.g. 30d)', durationArg)
    .option('--limit <runs>', 'at most this many runs', intArg(1, 1000), 50)
    .option('--html <file>', 'also write an offline HTML report with trend charts')
    .action(
      action<{ suite?: string; since?: number; limit: number; html?: string }>(async (ctx, _args, flags) => {
        const { testsReport } = await import('../testmetrics/trends.ts');
        const outcome = await testsReport(await ctx.store(), {
          suite: flags.suite ?? (await ctx.config()).config.tests.suite,
          limit: flags.limit,
          ...(flags.since !== undefined ? { since: new Date(Date.now() - flags.since) } : {}),
        });
        if (flags.html) await writeHtml(flags.html, 'shipgate tests report', outcome.document);
        return outcome;
      }),
    );
  examples(report, [
    ['shipgate tests report', 'the last 50 runs of the default suite'],
    ['shipgate tests report --since 30d --html tests-report.html', 'a month, as an offline HTML page'],
    ['shipgate tests report --format markdown', 'for a PR comment or wiki page'],
  ]);

  const quarantine = tests
    .command('quarantine')
    .description(
      'Manage the quarantine list (shipgate.quarantine.yaml, reviewed like code): failures of listed tests warn instead of failing until the entry expires.',
    );
  const qFile = (cmd: Command) =>
    cmd.option('--file <file>', 'quarantine list (config tests.quarantineFile)');
  const fileOf = async (ctx: CommandContext, file?: string) =>
    file ?? (await ctx.config()).config.tests.quarantineFile;
  const qList = qFile(
    quarantine.command('list').description('List quarantined tests; expired entries fail.'),
  ).action(
    action<{ file?: string }>(async (ctx, _args, flags) => {
      const { quarantineOutcome } = await import('../testmetrics/quarantine-command.ts');
      return quarantineOutcome(await fileOf(ctx, flags.file), 'list');
    }),
  );
  const qAdd = qFile(
    quarantine
      .command('add')
      .description('Quarantine a test by id or key, with a reason and an expiry date.')
      .argument('<test>', 'test id (16 hex digits) or key as reports show it')
      .requiredOption('--reason <text>', 'why (a link to the issue helps)')
      .requiredOption('--until <date>', 'expiry date, e.g. 2026-12-31')
      .option('--owner <name>', 'who will fix it')
      .option('--issue <url>', 'the issue tracking the fix'),
  ).action(
    action<{ file?: string; reason: string; until: string; owner?: string; issue?: string }>(
      async (ctx, [test], flags) => {
        const { addToQuarantine } = await import('../testmetrics/quarantine-command.ts');
        return addToQuarantine(await fileOf(ctx, flags.file), test as string, flags);
      },
    ),
  );
  const qRemove = qFile(
    quarantine
      .command('remove')
      .description('Take a test out of quarantine.')
      .argument('<test>', 'test id or key'),
  ).action(
    action<{ file?: string }>(async (ctx, [test], flags) => {
      const { removeFromQuarantine } = await import('../testmetrics/quarantine-command.ts');
      return removeFromQuarantine(await fileOf(ctx, flags.file), test as string);
    }),
  );
  examples(qAdd, [
    [
      'shipgate tests quarantine add 3e29b19738509533 --reason "races the cache, #812" --until 2026-12-31',
      'by id',
    ],
    [
      "shipgate tests quarantine add 'tests/api.test.ts › auth › refresh' --reason flaky --until 2026-12-15 --owner ana",
      'by key',
    ],
  ]);
  examples(qList, [['shipgate tests quarantine list', 'what is muted, until when']]);
  examples(qRemove, [['shipgate tests quarantine remove 3e29b19738509533', 'fixed: gate it again']]);
}

async function judge(
  ctx: CommandContext,
  run: import('../testmetrics/model.ts').TestRun,
  flags: JudgeFlags,
  startedAt: Date,
  extra: Pick<import('../testmetrics/evaluate.ts').EvaluateInput, 'resources' | 'command'>,
): Promise<Outcome> {
  const [
    { makeEnvelope },
    { testsKind },
    { evaluate },
    { loadHistory, testResultRows, TESTS_KIND },
    { readQuarantine },
    { testsDocument },
    { environmentFingerprint },
  ] = await Promise.all([
    import('../core/envelope.ts'),
    import('../testmetrics/result.ts'),
    import('../testmetrics/evaluate.ts'),
    import('../testmetrics/history.ts'),
    import('../testmetrics/quarantine.ts'),
    import('../testmetrics/report.ts'),
    import('../core/environment.ts'),
  ]);
  const settings = (await ctx.config()).config.tests;
  const suite = flags.suite ?? settings.suite;
  const quarantineFile = flags.quarantine ?? settings.quarantineFile;
  const store = await ctx.store();
  const history = await loadHistory(store, suite, flags.window ?? settings.window);
  const git = environmentFingerprint().git;
  const evaluation = evaluate({
    run,
    history,
    quarantine: { file: quarantineFile, entries: readQuarantine(quarantineFile) },
    commit: git?.commit,
    now: new Date(),
    analysis: {
      slowest: settings.slowest,
      minSamples: settings.minSamples,
      durationZ: settings.durationZ,
      minSlowdownMs: settings.minSlowdown,
      flakyRate: settings.flakyRate / 100,
      infraFailureShare: 0.8,
    },
    maxExecutedDropPercent: flags.maxDrop ?? settings.maxExecutedDrop,
    ...extra,
  });
  const envelope = makeEnvelope(testsKind, {
    verdict: evaluation.verdict,
    summary: evaluation.summary,
    startedAt,
    warnings: evaluation.warnings,
    fields: evaluation.fields,
  });
  if (flags.record) {
    // per-test rows go to their own table; the stored envelope leaves out the (possibly huge) test list
    const { tests: _tests, ...rest } = envelope;
    const stored = await store.recordRun({
      kind: TESTS_KIND,
      verdict: envelope.verdict,
      summary: envelope.summary,
      startedAt,
      finishedAt: new Date(envelope.finishedAt),
      ...(git?.commit ? { gitCommit: git.commit } : {}),
      ...(git?.branch ? { gitBranch: git.branch } : {}),
      environment: envelope.environment,
      figures: evaluation.figures,
      labels: { suite },
      result: rest,
    });
    await store.testResults().record(stored.id, testResultRows(run.tests));
    envelope.runId = stored.id;
    ctx.log.debug(`recorded as run ${stored.id} in ${store.location}`);
  }
  const document = testsDocument(
    evaluation.fields,
    evaluation.verdict,
    evaluation.summary,
    evaluation.warnings,
  );
  if (flags.html) await writeHtml(flags.html, 'shipgate tests', document);
  return { envelope, document, annotations: annotationsOf(evaluation.fields) };
}

function annotationsOf(fields: TestsFields): Annotation[] {
  const quarantined = new Set(fields.quarantine.quarantined);
  return fields.tests
    .filter((t) => (t.status === 'failed' || t.status === 'error') && t.file)
    .slice(0, 50)
    .map((t) => ({
      level: quarantined.has(t.id) ? 'warning' : 'error',
      title: t.key,
      message: t.failure?.message ?? t.status,
      ...(t.file ? { file: t.file } : {}),
    }));
}

async function writeHtml(
  file: string,
  title: string,
  document: import('../report/document.ts').ReportDocument,
): Promise<void> {
  const [{ renderHtml }, { writeFileAtomic }] = await Promise.all([
    import('../report/html.ts'),
    import('../core/fs.ts'),
  ]);
  writeFileAtomic(file, renderHtml(title, [document]));
}
