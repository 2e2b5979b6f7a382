import type { Tone } from '../core/style.ts';
import type { Verdict } from '../core/verdict.ts';
import type { Block, Cell, ReportDocument } from '../report/document.ts';
import type { Annotation } from '../report/github.ts';
import type { CoverageFields } from './result.ts';

/**
 * The human view of a coverage result: totals with the delta against the last run, the gates,
 * the worst files, uncovered changed lines and coverage lost on unchanged lines. Lists are
 * capped so the Markdown stays far below GitHub's 65,536-character comment limit.
 */
const WORST_FILES = 10;
const MAX_LISTED = 30;

type Ratio = CoverageFields['totals']['lines'];

export function showPct(r: Ratio): string {
  return r.pct === null ? 'n/a' : `${r.pct.toFixed(2)}%`;
}

function pctCell(r: Ratio, min?: number): Cell {
  if (r.pct === null) return { text: 'n/a', tone: 'muted' };
  const tone: Tone | undefined =
    min === undefined ? undefined : r.covered * 100 >= min * r.total ? 'good' : 'bad';
  return tone ? { text: showPct(r), tone } : showPct(r);
}

/** `3-5, 9, 12-13`: runs of line numbers the way coverage tools print them. */
export function lineRanges(lines: number[], max = 40): string {
  const parts: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = lines[i] as number;
    let end = start;
    while (lines[i + 1] === end + 1) end = lines[++i] as number;
    parts.push(start === end ? `${start}` : `${start}-${end}`);
  }
  return parts.length > max
    ? `${parts.slice(0, max).join(', ')}, … (${parts.length - max} more)`
    : parts.join(', ');
}

export function coverageDocument(
  fields: CoverageFields,
  verdict: Verdict,
  summary: string,
  warnings: string[] = [],
): ReportDocument {
  const t = fields.totals;
  const min = fields.thresholds.min;
  const signed = (d: number) => `${d >= 0 ? '+' : ''}${d.toFixed(2)} pts`;
  const delta = [
    fields.base ? `${signed(fields.base.delta)} vs ${fields.base.branch} (run ${fields.base.runId})` : '',
    fields.previous ? `${signed(fields.previous.delta)} vs run ${fields.previous.runId}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const rows: Cell[][] = [
    ['lines', t.lines.covered, t.lines.total, pctCell(t.lines, min), delta],
    fields.branchesMeasured
      ? [
          'branches',
          t.branches.covered,
          t.branches.total,
          pctCell(t.branches, fields.thresholds.branchMin ?? min),
          '',
        ]
      : ['branches', '', '', { text: 'not measured', tone: 'muted' }, ''],
    fields.functionsMeasured
      ? ['functions', t.functions.covered, t.functions.total, pctCell(t.functions), '']
      : ['functions', '', '', { text: 'not measured', tone: 'muted' }, ''],
  ];
  const blocks: Block[] = [
    {
      type: 'table',
      title: 'Totals',
      columns: ['', 'covered', 'total', '%', 'change'],
      align: ['left', 'right', 'right', 'right', 'left'],
      rows,
    },
    {
      type: 'fields',
      fields: [
        ['reports', fields.reports.map((r) => `${r.file} (${r.format})`).join(', ')],
        ['minimum / target', `${min}% / ${fields.thresholds.target}%`],
        ...(fields.tests
          ? ([
              [
                'tests',
                fields.tests.exitCode === 0
                  ? { text: `passed: ${fields.tests.command.join(' ')}`, tone: 'good' }
                  : {
                      text: `FAILED (${fields.tests.signal ?? `exit ${fields.tests.exitCode}`}): ${fields.tests.command.join(' ')}`,
                      tone: 'bad',
                    },
              ],
            ] as Array<[string, Cell]>)
          : []),
      ],
    },
  ];
  if (fields.gates.length) {
    blocks.push({
      type: 'table',
      title: 'Gates',
      columns: ['gate', 'result', 'detail'],
      rows: fields.gates.map((g) => [
        g.name,
        g.passed ? { text: 'pass', tone: 'good' } : { text: 'FAIL', tone: 'bad' },
        g.detail,
      ]),
    });
  }
  const diff = fields.diff;
  if (diff) {
    if (diff.unavailable) {
      blocks.push({
        type: 'paragraph',
        text: `Diff coverage against ${diff.base}: ${diff.unavailable}`,
        tone: 'warn',
      });
    } else {
      const uncovered = diff.files.filter((f) => f.uncoveredLines.length > 0);
      blocks.push({
        type: 'paragraph',
        text: `Changed lines since ${diff.base} (merge base ${diff.mergeBase?.slice(0, 10) ?? '?'}): ${diff.lines.covered}/${diff.lines.total} covered (${showPct(diff.lines)}).`,
      });
      if (uncovered.length) {
        blocks.push({
          type: 'table',
          title: 'Uncovered changed lines',
          columns: ['file', 'covered', 'uncovered lines'],
          align: ['left', 'right', 'left'],
          rows: uncovered
            .slice(0, MAX_LISTED)
            .map((f) => [f.path, `${f.lines.covered}/${f.lines.total}`, lineRanges(f.uncoveredLines)]),
        });
      }
    }
  }
  if (fields.lostCoverage.length) {
    blocks.push({
      type: 'table',
      title: 'Coverage lost on unchanged lines',
      columns: ['file', 'lines no longer covered'],
      rows: fields.lostCoverage.slice(0, MAX_LISTED).map((l) => [l.path, lineRanges(l.lines)]),
    });
  }
  const worst = fields.files
    .filter((f) => f.lines.total > 0 && f.lines.covered < f.lines.total)
    .sort((a, b) => (a.lines.pct ?? 100) - (b.lines.pct ?? 100) || b.lines.total - a.lines.total)
    .slice(0, WORST_FILES);
  if (worst.length) {
    blocks.push({
      type: 'table',
      title: fields.files.length > WORST_FILES ? `Least covered files (of ${fields.files.length})` : 'Files',
      columns: ['file', 'lines', 'branches', 'functions', 'uncovered lines'],
      align: ['left', 'right', 'right', 'right', 'left'],
      rows: worst.map((f) => [
        f.path,
        pctCell(f.lines, fields.thresholds.perFileMin),
        fields.branchesMeasured ? pctCell(f.branches) : '',
        fields.functionsMeasured ? pctCell(f.functions) : '',
        lineRanges(f.uncoveredLines, 12),
      ]),
    });
  }
  if (fields.unmatchedPaths.length) {
    blocks.push({
      type: 'list',
      title: 'Report paths not found in this repository',
      items: [
        ...fields.unmatchedPaths.slice(0, MAX_LISTED),
        ...(fields.unmatchedPaths.length > MAX_LISTED
          ? [`… ${fields.unmatchedPaths.length - MAX_LISTED} more`]
          : []),
      ],
    });
  }
  for (const w of warnings) blocks.push({ type: 'paragraph', text: w, tone: 'warn' });
  return { title: 'Coverage', verdict, summary, blocks };
}

/** One warning per run of uncovered changed lines, placed on the first line of the run. */
export function coverageAnnotations(fields: CoverageFields, max = 50): Annotation[] {
  const out: Annotation[] = [];
  for (const f of fields.diff?.files ?? []) {
    const lines = f.uncoveredLines;
    for (let i = 0; i < lines.length && out.length < max; i++) {
      const start = lines[i] as number;
      let end = start;
      while (lines[i + 1] === end + 1) end = lines[++i] as number;
      out.push({
        level: 'warning',
        file: f.path,
        line: start,
        title: 'Not covered by tests',
        message:
          start === end
            ? `Changed line ${start} is not covered by tests`
            : `Changed lines ${start}-${end} are not covered by tests`,
      });
    }
  }
  return out;
}
