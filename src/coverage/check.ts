import { resolve } from 'node:path';
import { writeFileAtomic } from '../core/fs.ts';
import { type Verdict, worstVerdict } from '../core/verdict.ts';
import { analyse, producerOf, withPct } from './analyse.ts';
import { coverageBadge } from './badge.ts';
import { changedLinesSince } from './diff.ts';
import type { GateOptions, PreviousRun } from './gate.ts';
import { writeCoverageHtml } from './html.ts';
import { type CoverageData, pointsBetween } from './model.ts';
import { createPathMapper } from './paths.ts';
import { readCoverage } from './read.ts';
import type { CoverageFields } from './result.ts';
import { reportsOfRun, runTests, type TestRun } from './run.ts';

/**
 * One coverage gate from reports to result: read and merge, gate, write the HTML report and the
 * badge. The CLI and the demo both come through here; the store lookup is passed in.
 */
export interface CoverageCheckInput {
  reports: string[];
  cwd: string;
  /** Repository root report paths are mapped onto (default: cwd). */
  root?: string;
  pathMap?: Array<[string, string]>;
  gate: GateOptions;
  diffBase?: string;
  /** The last recorded coverage run of this branch (from the store). */
  previous?: () => Promise<PreviousRun | undefined>;
  /** The latest recorded run on a branch (for the delta against the diff base). */
  latestOn?: (branch: string) => Promise<PreviousRun | undefined>;
  html?: string;
  badge?: string;
  tests?: TestRun;
  /** Set by `coverage run` when the run wrote no usable report (the verdict can then not be pass). */
  missingReports?: string;
}

export interface CoverageCheck {
  verdict: Verdict;
  summary: string;
  warnings: string[];
  fields: CoverageFields;
  data: CoverageData;
  figures: Record<string, number>;
  labels: Record<string, string>;
}

export async function checkCoverage(input: CoverageCheckInput): Promise<CoverageCheck> {
  const root = resolve(input.cwd, input.root ?? '.');
  const mapper = createPathMapper(root, input.pathMap ?? []);
  const { data, unmatched } = await readCoverage(input.reports, input.cwd, mapper);
  const producer = producerOf(data);
  const changed = input.diffBase ? changedLinesSince(input.diffBase, root) : undefined;
  const previous = await input.previous?.();
  const { evaluation, fields: base } = analyse(data, input.gate, {
    ...(changed ? { changed } : {}),
    ...(previous ? { previous } : {}),
    unmatched,
  });
  const warnings = [...evaluation.notes];
  if (unmatched.length) {
    warnings.push(
      `${unmatched.length} report path${unmatched.length === 1 ? '' : 's'} not found under ${root}: reports from another checkout? Map them with --path-map FROM=TO`,
    );
  }
  if (previous?.producer && previous.producer !== producer) {
    warnings.push(
      `the previous run was read from ${previous.producer}, this one from ${producer}: a change of coverage tool alone moves the numbers`,
    );
  }
  const fields: CoverageFields = { ...base, ...(input.tests ? { tests: testsField(input.tests) } : {}) };
  const baseBranch = input.diffBase?.replace(/^(?:refs\/heads\/|refs\/remotes\/)?(?:origin\/)?/, '');
  const baseRun = baseBranch ? await input.latestOn?.(baseBranch) : undefined;
  if (baseBranch && baseRun && baseRun.lines.total > 0 && fields.totals.lines.total > 0) {
    fields.base = {
      branch: baseBranch,
      runId: baseRun.runId,
      lines: withPct(baseRun.lines),
      delta: Math.round(pointsBetween(fields.totals.lines, baseRun.lines) * 100) / 100,
    };
  }

  const verdicts: Verdict[] = [evaluation.verdict];
  let summary = evaluation.summary;
  if (input.tests && input.tests.exitCode !== 0) {
    verdicts.push('fail');
    summary = `tests failed (${input.tests.signal ?? `exit ${input.tests.exitCode}`}); ${summary}`;
  }
  if (input.missingReports) {
    verdicts.push('inconclusive');
    warnings.push(input.missingReports);
  }
  const verdict = worstVerdict(verdicts);

  if (input.html) writeCoverageHtml(resolve(input.cwd, input.html), root, data, fields, verdict, summary);
  if (input.badge) writeFileAtomic(resolve(input.cwd, input.badge), coverageBadge(fields.totals.lines.pct));

  const figures: Record<string, number> = {
    lines_covered: fields.totals.lines.covered,
    lines_total: fields.totals.lines.total,
  };
  const exact = (r: { covered: number; total: number }) => Math.round((r.covered / r.total) * 1e6) / 1e4;
  if (fields.totals.lines.total) figures.coverage_lines = exact(fields.totals.lines);
  if (fields.branchesMeasured && fields.totals.branches.total)
    figures.coverage_branches = exact(fields.totals.branches);
  if (fields.functionsMeasured && fields.totals.functions.total) {
    figures.coverage_functions = exact(fields.totals.functions);
  }
  if (fields.diff?.lines.total) figures.coverage_diff_lines = exact(fields.diff.lines);
  return { verdict, summary, warnings, fields, data, figures, labels: { producer } };
}

/**
 * `coverage run`: runs the test command, then gates the reports it wrote. A named report the run
 * did not write is a missing shard (inconclusive); no report at all yields `noReportCheck`.
 */
export async function runAndCheckCoverage(
  input: CoverageCheckInput,
  command: string[],
  named: string[],
  env: NodeJS.ProcessEnv,
  output: 'stderr' | 'ignore' = 'stderr',
): Promise<CoverageCheck> {
  const tests = await runTests(command, input.cwd, env, output);
  const { fresh, stale } = reportsOfRun(named, input.cwd, tests.startedAt);
  const withTests = { ...input, tests };
  if (fresh.length === 0) {
    return noReportCheck(
      withTests,
      stale.length
        ? `${stale.join(', ')} was not written by this run (older than it, or missing)`
        : 'the tests wrote none of the usual reports (give --report FILE; Vitest writes none when a test fails unless coverage.reportOnFailure is on)',
    );
  }
  return checkCoverage({
    ...withTests,
    reports: fresh,
    ...(stale.length ? { missingReports: `not written by this run: ${stale.join(', ')}` } : {}),
  });
}

/** An empty result for a `coverage run` whose tests wrote no report at all. */
export function noReportCheck(input: CoverageCheckInput, reason: string): CoverageCheck {
  const zero = { covered: 0, total: 0, pct: null };
  const failed = input.tests !== undefined && input.tests.exitCode !== 0;
  const summary = failed
    ? `tests failed (${input.tests?.signal ?? `exit ${input.tests?.exitCode}`}) and wrote no coverage report`
    : `no coverage report: ${reason}`;
  return {
    verdict: failed ? 'fail' : 'inconclusive',
    summary,
    warnings: [reason],
    fields: {
      reports: [],
      totals: { lines: zero, branches: zero, functions: zero },
      branchesMeasured: false,
      functionsMeasured: false,
      thresholds: { min: input.gate.min, target: input.gate.target },
      gates: [],
      files: [],
      unmatchedPaths: [],
      lostCoverage: [],
      ...(input.tests ? { tests: testsField(input.tests) } : {}),
    },
    data: { files: new Map(), sources: [] },
    figures: {},
    labels: {},
  };
}

function testsField(t: TestRun): NonNullable<CoverageFields['tests']> {
  return {
    command: t.command,
    exitCode: t.exitCode,
    ...(t.signal ? { signal: t.signal } : {}),
    durationMs: t.durationMs,
  };
}
