import type { Command } from 'commander';
import { action, examples } from './action.ts';
import type { CommandContext } from './context.ts';
import { collect, floatArg } from './options.ts';
import type { Outcome } from './outcome.ts';

interface CoverageFlags {
  min?: number;
  target?: number;
  branchMin?: number;
  perFileMin?: number;
  diff?: string;
  diffMin?: number;
  maxDrop?: number;
  root?: string;
  pathMap?: string[];
  report?: string[];
  html?: string;
  badge?: string;
}

const percent = floatArg(0, 100);

export function registerCoverage(program: Command): void {
  const cmd = program
    .command('coverage')
    .usage('[REPORT…] [options]  |  coverage run [options] -- <test command…>')
    .description(
      'Gate test coverage from lcov, Istanbul coverage-final.json, Cobertura XML or coverage.py JSON reports (detected by content; several reports merge). Totals equal the producing tool’s own. `coverage run -- CMD` runs the tests first and reports a test failure as a failure. Exit 1 below a minimum, 3 when the coverage cannot be judged.',
    )
    .argument(
      '[reports...]',
      'coverage reports (default: the first of coverage/lcov.info, coverage/coverage-final.json, coverage.xml, …)',
    )
    .option('--min <pct>', 'minimum line (and branch) coverage (default: config coverage.min, 80)', percent)
    .option(
      '--target <pct>',
      'target: below it the verdict is warn (default: config coverage.target, 90)',
      percent,
    )
    .option(
      '--branch-min <pct>',
      'minimum branch coverage when branches are measured (default: --min)',
      percent,
    )
    .option('--per-file-min <pct>', 'every file with executable lines must reach this line coverage', percent)
    .option(
      '--diff <base-ref>',
      'measure the lines changed since the merge base with this ref (e.g. origin/main)',
    )
    .option('--diff-min <pct>', 'minimum coverage of the changed lines (needs --diff)', percent)
    .option(
      '--max-drop <points>',
      'fail when line coverage dropped by more than this against the last run on this branch',
      floatArg(0, 100),
    )
    .option('--root <dir>', 'repository root report paths are mapped onto (default: the current folder)')
    .option(
      '--path-map <from=to>',
      'replace a path prefix the report wrote, repeatable: /ci/build/app=.',
      collect,
    )
    .option(
      '--report <file>',
      'coverage run: the report the tests write, repeatable (default: the usual paths)',
      collect,
    )
    .option('--html <dir>', 'write an offline HTML report (per-file source with hits and branches)')
    .option('--badge <file>', 'write an SVG badge of the line coverage')
    .action(action<CoverageFlags>((ctx, args, flags) => coverage(ctx, args, flags)));
  examples(cmd, [
    ['shipgate coverage', 'gate the usual report against coverage.min (80%)'],
    ['shipgate coverage coverage/lcov.info --min 85 --target 95', 'one report, stricter gate'],
    [
      'shipgate coverage shard-*/lcov.info --html coverage-html --badge coverage.svg',
      'merge shards; HTML and badge',
    ],
    ['shipgate coverage --diff origin/main --diff-min 90', 'changed lines must be 90% covered'],
    [
      'shipgate coverage coverage.xml --max-drop 0.5 --format markdown',
      'fail on a drop > 0.5 pts; PR comment',
    ],
    ['shipgate coverage run -- npx vitest run --coverage', 'run the tests, then gate what they wrote'],
    ['shipgate coverage run --report coverage.xml -- pytest --cov=app --cov-report=xml', 'a Python suite'],
  ]);
}

async function coverage(ctx: CommandContext, args: string[], flags: CoverageFlags): Promise<Outcome> {
  const startedAt = new Date();
  const [{ UserError }, { checkCoverage, runAndCheckCoverage }, { findUsualReport }, { parsePathMap }] =
    await Promise.all([
      import('../core/errors.ts'),
      import('../coverage/check.ts'),
      import('../coverage/read.ts'),
      import('../coverage/paths.ts'),
    ]);
  if (flags.diffMin !== undefined && !flags.diff) {
    throw new UserError('--diff-min needs --diff <base-ref>', {
      hint: 'e.g. --diff origin/main --diff-min 90',
    });
  }
  const { config } = await ctx.config();
  const min = flags.min ?? config.coverage.min;
  const target = flags.target ?? Math.max(config.coverage.target, min);
  if (target < min) throw new UserError(`--target ${target}% is below the minimum ${min}%`);
  const gate = {
    min,
    target,
    ...(flags.branchMin !== undefined ? { branchMin: flags.branchMin } : {}),
    ...(flags.perFileMin !== undefined ? { perFileMin: flags.perFileMin } : {}),
    ...(flags.diffMin !== undefined ? { diffMin: flags.diffMin } : {}),
    ...(flags.maxDrop !== undefined ? { maxDrop: flags.maxDrop } : {}),
  };
  const input = {
    reports: [] as string[],
    cwd: ctx.cwd,
    ...(flags.root ? { root: flags.root } : {}),
    pathMap: (flags.pathMap ?? []).map(parsePathMap),
    gate,
    ...(flags.diff ? { diffBase: flags.diff } : {}),
    previous: async () => {
      const branch = (await import('../core/environment.ts')).environmentFingerprint().git?.branch;
      return branch ? latestRunOn(ctx, branch) : undefined;
    },
    latestOn: (branch: string) => latestRunOn(ctx, branch),
    ...(flags.html ? { html: flags.html } : {}),
    ...(flags.badge ? { badge: flags.badge } : {}),
  };

  let result: Awaited<ReturnType<typeof checkCoverage>>;
  if (args[0] === 'run') {
    const task = ctx.progress.start('tests');
    result = await runAndCheckCoverage(input, args.slice(1), flags.report ?? [], ctx.env);
    task.done(result.fields.tests?.exitCode === 0 ? 'pass' : 'fail');
  } else {
    if (flags.report?.length) {
      throw new UserError('--report is for `coverage run`; name reports as arguments');
    }
    result = await checkCoverage({ ...input, reports: args.length ? args : [findUsualReport(ctx.cwd)] });
  }

  const [{ makeEnvelope }, { coverageKind }, { coverageDocument, coverageAnnotations }] = await Promise.all([
    import('../core/envelope.ts'),
    import('../coverage/result.ts'),
    import('../coverage/report.ts'),
  ]);
  for (const w of result.warnings) ctx.log.warn(w);
  if (flags.html) ctx.log.info(`HTML report: ${flags.html}/index.html`);
  const envelope = makeEnvelope(coverageKind, {
    verdict: result.verdict,
    summary: result.summary,
    startedAt,
    warnings: result.warnings,
    fields: result.fields,
  });
  return {
    envelope,
    document: coverageDocument(result.fields, result.verdict, result.summary, result.warnings),
    record: { figures: result.figures, labels: result.labels },
    annotations: coverageAnnotations(result.fields),
  };
}

/** The last coverage run recorded on a branch, read back for the drop gate, lost lines and deltas. */
async function latestRunOn(ctx: CommandContext, branch: string) {
  const { previousFromEnvelope } = await import('../coverage/analyse.ts');
  const store = await ctx.store();
  const [last] = await store.listRuns({ kind: 'coverage', branch, limit: 1 });
  return last ? previousFromEnvelope(last.id, last.result, last.labels.producer) : undefined;
}
