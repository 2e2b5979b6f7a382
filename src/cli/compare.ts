import type { Command } from 'commander';
import { UserError } from '../core/errors.ts';
import { writeFileAtomic } from '../core/fs.ts';
import { DEFAULT_RESAMPLES } from '../perf/bootstrap.ts';
import type { Comparison } from '../perf/compare.ts';
import type { Store } from '../store/store.ts';
import { action, examples } from './action.ts';
import type { CommandContext } from './context.ts';
import { addLoadFlags, engineHooks, type LoadFlags, prepare } from './load-common.ts';
import { intArg, percentArg } from './options.ts';
import type { Outcome } from './outcome.ts';

interface CompareFlags extends Omit<LoadFlags, 'threshold'> {
  current?: string;
  baseline?: string;
  threshold?: number;
  output?: string;
  resamples: number;
  calibration: boolean;
  ab?: boolean;
  baselineUrl?: string;
  candidateUrl?: string;
  rounds: number;
}

export function registerCompare(program: Command): void {
  const cmd = program
    .command('compare')
    .description(
      'Compare a load result with a baseline, metric by metric, with a 95% block-bootstrap interval for each change. ' +
        'A regression is called only when the whole interval is beyond the threshold in the bad direction; too few ' +
        'samples, a runner noisier than the threshold or results from different machines give inconclusive (exit 3). ' +
        'With --ab, runs two live services interleaved (A B, B A, …) and compares paired rounds.',
    )
    .option('--current <ref>', 'the result to judge: a --json file of shipgate load, run:ID, or name:NAME')
    .option('--baseline <ref>', 'what to judge it against: name:NAME (a stored baseline), run:ID or a file')
    .option(
      '--threshold <percent>',
      'smallest change that counts (default: config regression.threshold, PERFORMANCE_THRESHOLD, 10%)',
      percentArg,
    )
    .option('--output <file>', 'write the report (in --format) to this file instead of stdout')
    .option('--resamples <n>', 'bootstrap resamples per metric', intArg(100, 1_000_000), DEFAULT_RESAMPLES)
    .option('--no-calibration', "ignore this runner's calibrated noise band (shipgate calibrate)")
    .option('--ab', 'A/B mode: measure --baseline-url and --candidate-url now, interleaved')
    .option('--baseline-url <url>', 'A/B: the service as it is (e.g. the main build)')
    .option('--candidate-url <url>', 'A/B: the service with the change')
    .option('--rounds <n>', 'A/B: paired rounds (each runs A and B once)', intArg(2, 1000), 6);
  addLoadFlags(cmd, { thresholds: false, url: false });
  cmd.action(
    action<CompareFlags>(async (ctx, _args, flags) => {
      const startedAt = new Date();
      const { config } = await ctx.config();
      const thresholdPct = flags.threshold ?? config.regression.threshold;
      const comparison = flags.ab
        ? await abComparison(ctx, flags, thresholdPct)
        : await resultComparison(ctx, flags, thresholdPct);
      return outcomeOf(startedAt, comparison, flags.output, flags.html);
    }),
  );
  examples(cmd, [
    ['shipgate compare --current load.json --baseline name:main', 'against the stored "main" baseline'],
    [
      'shipgate compare --current cur.json --baseline base.json --threshold 10 --format markdown',
      'two files; a PR comment',
    ],
    ['shipgate compare --current run:42 --baseline run:17 --json compare.json', 'two stored runs'],
    [
      'shipgate compare --ab --baseline-url http://127.0.0.1:8001 --candidate-url http://127.0.0.1:8002 -d 10s --rounds 6',
      'interleaved A/B of two live builds',
    ],
  ]);
}

async function resultComparison(
  ctx: CommandContext,
  flags: CompareFlags,
  thresholdPct: number,
): Promise<Comparison> {
  if (!flags.current || !flags.baseline) {
    throw new UserError('compare needs --current and --baseline (or --ab with two URLs)', {
      hint: 'e.g. shipgate compare --current load.json --baseline name:main',
    });
  }
  const [{ resolveResult }, { compareResults }, { fingerprintOf }] = await Promise.all([
    import('../perf/sources.ts'),
    import('../perf/compare.ts'),
    import('../perf/fingerprint.ts'),
  ]);
  const store = () => ctx.store();
  const baseline = await resolveResult(flags.baseline, store);
  const current = await resolveResult(flags.current, store);
  const band = flags.calibration
    ? await calibratedBand(await ctx.store(), fingerprintOf(baseline.result))
    : undefined;
  return compareResults(baseline, current, {
    thresholdPct,
    resamples: flags.resamples,
    ...(band ? { noiseBandPct: band } : {}),
  });
}

async function abComparison(
  ctx: CommandContext,
  flags: CompareFlags,
  thresholdPct: number,
): Promise<Comparison> {
  if (!flags.baselineUrl || !flags.candidateUrl) {
    throw new UserError('--ab needs --baseline-url and --candidate-url', {
      hint: 'e.g. shipgate compare --ab --baseline-url http://127.0.0.1:8001 --candidate-url http://127.0.0.1:8002',
    });
  }
  const [{ runAb }, { assertTargetAllowed }] = await Promise.all([
    import('../perf/ab.ts'),
    import('../load/scenario.ts'),
  ]);
  // One round is one ordinary load run. Without --scenario it is a GET of the baseline URL's path,
  // sent to each side's origin; with one, each side's URL replaces the scenario's base URL.
  const { scenario } = await prepare(ctx, flags.scenario ? undefined : flags.baselineUrl, {
    ...flags,
    threshold: [],
    thresholds: false,
  });
  const sideUrl = (u: string): string => {
    if (!URL.canParse(u))
      throw new UserError(`'${u}' is not a URL`, { hint: 'give e.g. http://127.0.0.1:8001' });
    return flags.scenario ? u.replace(/\/$/, '') : new URL(u).origin;
  };
  const { config } = await ctx.config();
  for (const u of [flags.baselineUrl, flags.candidateUrl])
    assertTargetAllowed(sideUrl(u), config.load.allowedHosts);
  const task = ctx.progress.start('A/B');
  const comparison = await runAb({
    scenario,
    baselineUrl: sideUrl(flags.baselineUrl),
    candidateUrl: sideUrl(flags.candidateUrl),
    rounds: flags.rounds,
    thresholdPct,
    resamples: flags.resamples,
    hooks: engineHooks(flags),
    onRound: (round, side) =>
      task.update(
        `round ${round + 1}/${flags.rounds}: ${side}`,
        (round + (side === 'baseline' ? 0 : 0.5)) / flags.rounds,
      ),
  });
  task.done(comparison.verdict);
  return comparison;
}

/** The newest calibration of this scenario on this machine type, if any. */
async function calibratedBand(
  store: Store,
  fp: { scenarioHash: string; cpuModel: string },
): Promise<Record<string, number> | undefined> {
  const { bandFromFigures } = await import('../perf/calibrate.ts');
  const [latest] = await store.listRuns({
    kind: 'calibration',
    labels: { scenario_hash: fp.scenarioHash, cpu_model: fp.cpuModel },
    limit: 1,
    withoutResult: true,
  });
  return latest ? bandFromFigures(latest.figures) : undefined;
}

async function outcomeOf(startedAt: Date, c: Comparison, output?: string, html?: string): Promise<Outcome> {
  const [{ makeEnvelope }, { compareKind }, { compareDocument, compareDocumentForComment }, { renderHtml }] =
    await Promise.all([
      import('../core/envelope.ts'),
      import('../perf/result.ts'),
      import('../perf/report.ts'),
      import('../report/html.ts'),
    ]);
  const envelope = makeEnvelope(compareKind, {
    verdict: c.verdict,
    summary: c.summary,
    startedAt,
    warnings: c.warnings,
    fields: c.fields,
  });
  const counts = c.fields.summary_counts;
  const document = compareDocument(c.fields, c.verdict, c.summary, c.warnings);
  if (html) writeFileAtomic(html, renderHtml('shipgate compare', [document]));
  return {
    envelope,
    document,
    markdownDocument: compareDocumentForComment(c.fields, c.verdict, c.summary, c.warnings),
    ...(output ? { output } : {}),
    record: {
      figures: {
        total_metrics: counts.total_metrics,
        regression_count: counts.regression_count,
        improvement_count: counts.improvement_count,
        inconclusive_count: counts.inconclusive_count,
        threshold_pct: c.fields.thresholdPct,
      },
      labels: {
        mode: c.fields.mode,
        baseline: c.fields.baseline.ref,
        current: c.fields.current.ref,
        ...(c.fields.baseline.fingerprint
          ? { scenario_hash: c.fields.baseline.fingerprint.scenarioHash }
          : {}),
      },
    },
  };
}
