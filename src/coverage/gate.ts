import { type Verdict, worstVerdict } from '../core/verdict.ts';
import type { ChangedLines } from './diff.ts';
import {
  type CoverageData,
  type CoverageSummary,
  formatRatioPercent,
  meets,
  percent,
  pointsBetween,
  type Ratio,
} from './model.ts';

/**
 * The coverage gates: overall lines (and branches when measured) against a minimum, a target
 * that only warns, a per-file minimum, diff coverage of changed lines, and a maximum drop against
 * the last recorded run of the same branch. Every comparison is on exact counts, never on a
 * rounded percentage: 79.996 % does not pass an 80 % gate.
 */
export interface GateOptions {
  min: number;
  target: number;
  /** Minimum for branches; defaults to `min`. */
  branchMin?: number;
  perFileMin?: number;
  diffMin?: number;
  maxDrop?: number;
}

export interface GateCheck {
  name: string;
  /** The threshold, in percent or points. */
  threshold: number;
  /** The measured value, in percent or points; null when there was nothing to measure. */
  actual: number | null;
  passed: boolean;
  detail: string;
}

export interface DiffFile {
  path: string;
  /** Changed lines that are instrumented (executable). */
  lines: Ratio;
  uncoveredLines: number[];
}

export interface DiffCoverage {
  base: string;
  mergeBase?: string;
  /** Set when the diff could not be judged (shallow clone): the gate is inconclusive, never a pass. */
  unavailable?: string;
  lines: Ratio;
  files: DiffFile[];
  /** Changed files the reports know nothing about. */
  unreported: string[];
}

export interface PreviousRun {
  runId: number;
  lines: Ratio;
  producer?: string;
  files: Array<{ path: string; linesTotal: number; uncoveredLines: number[] }>;
}

export interface LostCoverage {
  path: string;
  lines: number[];
}

export interface Evaluation {
  verdict: Verdict;
  summary: string;
  checks: GateCheck[];
  diff?: DiffCoverage;
  /** Points of line coverage against the previous run (positive = better). */
  delta?: number;
  lost: LostCoverage[];
  notes: string[];
}

export function diffCoverage(data: CoverageData, changed: ChangedLines): DiffCoverage {
  if (!changed.ok) {
    return {
      base: changed.base,
      unavailable: changed.reason,
      lines: { covered: 0, total: 0 },
      files: [],
      unreported: [],
    };
  }
  const files: DiffFile[] = [];
  const unreported: string[] = [];
  const total = { covered: 0, total: 0 };
  for (const [path, lines] of [...changed.files].sort(([a], [b]) => a.localeCompare(b))) {
    const f = data.files.get(path);
    if (!f) {
      unreported.push(path);
      continue;
    }
    const r = { covered: 0, total: 0 };
    const uncoveredLines: number[] = [];
    for (const n of [...lines].sort((a, b) => a - b)) {
      const hits = f.lines.get(n);
      if (hits === undefined) continue;
      r.total++;
      if (hits > 0) r.covered++;
      else uncoveredLines.push(n);
    }
    if (r.total === 0) continue;
    total.covered += r.covered;
    total.total += r.total;
    files.push({ path, lines: r, uncoveredLines });
  }
  return { base: changed.base, mergeBase: changed.mergeBase, lines: total, files, unreported };
}

/** Lines covered in the previous run and not now, in files whose line count did not change and that the diff did not touch. */
export function lostCoverage(
  summary: CoverageSummary,
  previous: PreviousRun,
  diff?: DiffCoverage,
): LostCoverage[] {
  const before = new Map(previous.files.map((f) => [f.path, f]));
  const touched = new Set([...(diff?.files.map((f) => f.path) ?? []), ...(diff?.unreported ?? [])]);
  const lost: LostCoverage[] = [];
  for (const f of summary.files) {
    const prev = before.get(f.path);
    if (!prev || prev.linesTotal !== f.lines.total || touched.has(f.path)) continue;
    const wasUncovered = new Set(prev.uncoveredLines);
    const lines = f.uncoveredLines.filter((n) => !wasUncovered.has(n));
    if (lines.length) lost.push({ path: f.path, lines });
  }
  return lost;
}

export function evaluate(
  summary: CoverageSummary,
  options: GateOptions,
  extra: { diff?: DiffCoverage; previous?: PreviousRun } = {},
): Evaluation {
  const checks: GateCheck[] = [];
  const notes: string[] = [];
  const verdicts: Verdict[] = [];

  if (summary.lines.total === 0) {
    return {
      verdict: 'inconclusive',
      summary: 'no executable lines in the coverage reports: nothing to gate',
      checks,
      lost: [],
      notes,
    };
  }
  checks.push({
    name: 'lines',
    threshold: options.min,
    actual: percent(summary.lines),
    passed: meets(summary.lines, options.min),
    detail: `${formatRatioPercent(summary.lines)} (${summary.lines.covered}/${summary.lines.total}) against ${options.min}%`,
  });
  const branchMin = options.branchMin ?? options.min;
  if (summary.branchesMeasured && summary.branches.total > 0) {
    checks.push({
      name: 'branches',
      threshold: branchMin,
      actual: percent(summary.branches),
      passed: meets(summary.branches, branchMin),
      detail: `${formatRatioPercent(summary.branches)} (${summary.branches.covered}/${summary.branches.total}) against ${branchMin}%`,
    });
  }
  if (options.perFileMin !== undefined) {
    const min = options.perFileMin;
    const below = summary.files.filter((f) => f.lines.total > 0 && !meets(f.lines, min));
    checks.push({
      name: 'per-file lines',
      threshold: min,
      actual: below.length ? Math.min(...below.map((f) => percent(f.lines) ?? 100)) : null,
      passed: below.length === 0,
      detail: below.length
        ? `${below.length} file${below.length === 1 ? '' : 's'} below ${min}%: ${below
            .slice(0, 5)
            .map((f) => `${f.path} ${formatRatioPercent(f.lines)}`)
            .join(', ')}${below.length > 5 ? ', …' : ''}`
        : `every file at least ${min}%`,
    });
  }

  const diff = extra.diff;
  if (diff && options.diffMin !== undefined) {
    if (diff.unavailable) {
      verdicts.push('inconclusive');
      notes.push(`diff coverage could not be judged: ${diff.unavailable}`);
    } else if (diff.lines.total === 0) {
      notes.push(`no changed executable lines since ${diff.base}: the diff gate has nothing to judge`);
    } else {
      checks.push({
        name: 'diff lines',
        threshold: options.diffMin,
        actual: percent(diff.lines),
        passed: meets(diff.lines, options.diffMin),
        detail: `${formatRatioPercent(diff.lines)} (${diff.lines.covered}/${diff.lines.total} changed lines) against ${options.diffMin}%`,
      });
    }
  }

  let delta: number | undefined;
  let lost: LostCoverage[] = [];
  const previous = extra.previous;
  if (previous && previous.lines.total > 0) {
    // The delta in points on exact fractions; displayed rounded, compared exact.
    delta = pointsBetween(summary.lines, previous.lines);
    lost = lostCoverage(summary, previous, diff);
    if (options.maxDrop !== undefined) {
      checks.push({
        name: 'drop since last run',
        threshold: options.maxDrop,
        actual: Math.round(-delta * 100) / 100,
        passed: -delta <= options.maxDrop + 1e-12,
        detail: `${delta >= 0 ? '+' : ''}${delta.toFixed(2)} points against run ${previous.runId} (${formatRatioPercent(previous.lines)}); at most ${options.maxDrop} points of drop allowed`,
      });
    }
  } else if (options.maxDrop !== undefined) {
    notes.push('no earlier coverage run recorded on this branch: the drop gate has nothing to compare with');
  }

  for (const c of checks) verdicts.push(c.passed ? 'pass' : 'fail');
  let verdict = worstVerdict(verdicts);
  const belowTarget = !meets(summary.lines, options.target);
  if (verdict === 'pass' && belowTarget) verdict = 'warn';

  const failed = checks.filter((c) => !c.passed);
  const head = `lines ${formatRatioPercent(summary.lines)} (${summary.lines.covered}/${summary.lines.total})`;
  const branches =
    summary.branchesMeasured && summary.branches.total > 0
      ? `, branches ${formatRatioPercent(summary.branches)}`
      : '';
  const diffPart =
    diff && !diff.unavailable && diff.lines.total > 0
      ? `, changed lines ${formatRatioPercent(diff.lines)}`
      : '';
  const tail =
    failed.length > 0
      ? ` — failed: ${failed.map((c) => c.name).join(', ')}`
      : verdict === 'inconclusive'
        ? ` — ${notes[0] ?? 'inconclusive'}`
        : belowTarget
          ? ` — below the ${options.target}% target`
          : '';
  return {
    verdict,
    summary: `${head}${branches}${diffPart}${tail}`,
    checks,
    ...(diff ? { diff } : {}),
    ...(delta !== undefined ? { delta } : {}),
    lost,
    notes,
  };
}
