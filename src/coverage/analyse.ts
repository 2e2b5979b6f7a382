import type { ChangedLines } from './diff.ts';
import { diffCoverage, type Evaluation, evaluate, type GateOptions, type PreviousRun } from './gate.ts';
import { type CoverageData, type CoverageSummary, percent, type Ratio, summarize } from './model.ts';
import type { CoverageFields } from './result.ts';

/**
 * From merged coverage data to the gate result: summary, diff coverage, comparison with the
 * previous run, and the envelope fields. Pure: the git diff and the previous run are read by
 * the caller.
 */
export interface Analysis {
  summary: CoverageSummary;
  evaluation: Evaluation;
  fields: Omit<CoverageFields, 'tests'>;
}

export function withPct(r: Ratio): Ratio & { pct: number | null } {
  return { covered: r.covered, total: r.total, pct: percent(r) };
}

export function analyse(
  data: CoverageData,
  options: GateOptions,
  extra: { changed?: ChangedLines; previous?: PreviousRun; unmatched?: string[] } = {},
): Analysis {
  const summary = summarize(data);
  const diff = extra.changed ? diffCoverage(data, extra.changed) : undefined;
  const evaluation = evaluate(summary, options, {
    ...(diff ? { diff } : {}),
    ...(extra.previous ? { previous: extra.previous } : {}),
  });
  const thresholds: CoverageFields['thresholds'] = { min: options.min, target: options.target };
  for (const key of ['branchMin', 'perFileMin', 'diffMin', 'maxDrop'] as const) {
    const v = options[key];
    if (v !== undefined) thresholds[key] = v;
  }
  const fields: Analysis['fields'] = {
    reports: data.sources.map((s) => ({ file: s.file, format: s.format })),
    totals: {
      lines: withPct(summary.lines),
      branches: withPct(summary.branches),
      functions: withPct(summary.functions),
    },
    branchesMeasured: summary.branchesMeasured,
    functionsMeasured: summary.functionsMeasured,
    thresholds,
    gates: evaluation.checks,
    files: summary.files.map((f) => ({
      path: f.path,
      lines: withPct(f.lines),
      branches: withPct(f.branches),
      functions: withPct(f.functions),
      uncoveredLines: f.uncoveredLines,
      partialLines: f.partialLines,
    })),
    unmatchedPaths: extra.unmatched ?? [],
    lostCoverage: evaluation.lost,
  };
  if (diff) {
    fields.diff = {
      base: diff.base,
      ...(diff.mergeBase ? { mergeBase: diff.mergeBase } : {}),
      ...(diff.unavailable ? { unavailable: diff.unavailable } : {}),
      lines: withPct(diff.lines),
      files: diff.files.map((f) => ({
        path: f.path,
        lines: withPct(f.lines),
        uncoveredLines: f.uncoveredLines,
      })),
      unreported: diff.unreported,
    };
  }
  if (extra.previous && evaluation.delta !== undefined) {
    fields.previous = {
      runId: extra.previous.runId,
      lines: withPct(extra.previous.lines),
      delta: Math.round(evaluation.delta * 100) / 100,
      ...(extra.previous.producer ? { producer: extra.previous.producer } : {}),
    };
  }
  return { summary, evaluation, fields };
}

/** The previous run as the store holds it (its envelope), read back for the drop gate and lost lines. */
export function previousFromEnvelope(
  runId: number,
  result: unknown,
  producer?: string,
): PreviousRun | undefined {
  const r = result as Partial<CoverageFields> | undefined;
  const lines = r?.totals?.lines;
  if (!lines || typeof lines.covered !== 'number' || typeof lines.total !== 'number') return undefined;
  return {
    runId,
    lines: { covered: lines.covered, total: lines.total },
    ...(producer ? { producer } : {}),
    files: (r?.files ?? []).map((f) => ({
      path: f.path,
      linesTotal: f.lines.total,
      uncoveredLines: f.uncoveredLines,
    })),
  };
}

/** The producer label of a run: the formats it was read from (a provider switch alone moves the numbers). */
export function producerOf(data: CoverageData): string {
  return [...new Set(data.sources.map((s) => s.format))].sort().join('+');
}
