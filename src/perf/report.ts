import type { Tone } from '../core/style.ts';
import type { Verdict } from '../core/verdict.ts';
import type { Block, Cell, ReportDocument } from '../report/document.ts';
import { renderMarkdown } from '../report/markdown.ts';
import type { CompareFields } from './compare.ts';
import type { MetricComparison, MetricVerdict } from './judge.ts';

/** GitHub refuses comment bodies over 65,536 characters; stay clear of it with room to spare. */
export const PR_COMMENT_LIMIT = 60_000;

const VERDICT_CELL: Record<MetricVerdict, { text: string; tone: Tone }> = {
  regression: { text: 'regression', tone: 'bad' },
  improvement: { text: 'improvement', tone: 'good' },
  unchanged: { text: 'within noise', tone: 'muted' },
  inconclusive: { text: 'inconclusive', tone: 'warn' },
};

/** ▲ went up, ▼ went down; the colour (tone) says whether that is good. */
function arrow(m: MetricComparison): string {
  if (m.change === null) return m.current > m.baseline ? '▲' : m.current < m.baseline ? '▼' : '=';
  return m.change > 0 ? '▲' : m.change < 0 ? '▼' : '=';
}

function number(n: number): string {
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function signed(n: number): string {
  return `${n > 0 ? '+' : ''}${n.toFixed(1)}`;
}

function row(m: MetricComparison): Cell[] {
  const verdict = VERDICT_CELL[m.verdict];
  const unit = m.unit === 'ratio' ? '' : ` ${m.unit}`;
  const change =
    m.change === null ? `${arrow(m)} n/a` : { text: `${arrow(m)} ${signed(m.change)}%`, tone: verdict.tone };
  const ci = m.ci
    ? m.scale === 'relative'
      ? `[${signed(m.ci[0])}, ${signed(m.ci[1])}]%`
      : `[${signed(m.ci[0])}, ${signed(m.ci[1])}]${unit}`
    : '—';
  return [
    m.metric,
    `${number(m.baseline)}${unit}`,
    `${number(m.current)}${unit}`,
    change,
    ci,
    verdict,
    m.reason ??
      [
        m.direction === 'higher' ? 'higher is better' : '',
        m.samples.clamped > 0
          ? `${m.samples.clamped} outlier window${m.samples.clamped === 1 ? '' : 's'} clamped`
          : '',
      ]
        .filter(Boolean)
        .join('; '),
  ];
}

const COLUMNS = ['metric', 'baseline', 'current', 'change', '95% interval', 'verdict', 'note'];
const ALIGN: Array<'left' | 'right'> = ['left', 'right', 'right', 'right', 'right', 'left', 'left'];

/**
 * The comparison as a document: a one-line verdict, the table (regressions first), then what did
 * not match between the runs. `maxRows` trims the table for a comment that would be too long;
 * unchanged rows go first, since they come last.
 */
export function compareDocument(
  fields: CompareFields,
  verdict: Verdict,
  summary: string,
  warnings: string[],
  maxRows = Number.POSITIVE_INFINITY,
): ReportDocument {
  const all = [...fields.regressions, ...fields.inconclusive, ...fields.improvements, ...fields.unchanged];
  const shown = all.slice(0, maxRows);
  const hidden = all.length - shown.length;
  const blocks: Block[] = [
    {
      type: 'fields',
      fields: [
        ['baseline', describeSide(fields.baseline)],
        ['current', describeSide(fields.current)],
        ['threshold', `${fields.thresholdPct}% (regression only when the whole 95% interval is beyond it)`],
        ...(fields.rounds !== undefined
          ? [['rounds', `${fields.rounds} interleaved A/B rounds`] as [string, Cell]]
          : []),
      ],
    },
    { type: 'table', columns: COLUMNS, align: ALIGN, rows: shown.map(row) },
  ];
  if (hidden > 0)
    blocks.push({
      type: 'paragraph',
      text: `… and ${hidden} more metrics (see the JSON result).`,
      tone: 'muted',
    });
  if (fields.tailOnly) blocks.push({ type: 'paragraph', text: fields.tailOnly, tone: 'warn' });
  const differences = fields.fingerprintDifferences;
  if (differences.length > 0) {
    blocks.push({
      type: 'table',
      title: 'Measured differently',
      columns: ['what', 'baseline', 'current', 'effect'],
      rows: differences.map((d) => [
        d.field,
        d.baseline,
        d.current,
        d.blocking ? { text: 'not comparable', tone: 'bad' } : { text: 'warning', tone: 'warn' },
      ]),
    });
  }
  for (const w of warnings) blocks.push({ type: 'paragraph', text: w, tone: 'warn' });
  return { title: 'Performance comparison', verdict, summary, blocks };
}

function describeSide(side: CompareFields['baseline']): string {
  const commit = side.fingerprint?.commit ? ` @ ${side.fingerprint.commit.slice(0, 8)}` : '';
  return `${side.ref}${side.runId !== undefined && !side.ref.includes(String(side.runId)) ? ` (run #${side.runId})` : ''}${commit}`;
}

/** The document, trimmed until its Markdown fits a GitHub comment. */
export function compareDocumentForComment(
  fields: CompareFields,
  verdict: Verdict,
  summary: string,
  warnings: string[],
): ReportDocument {
  let keep = fields.summary_counts.total_metrics;
  for (;;) {
    const doc = compareDocument(fields, verdict, summary, warnings, keep);
    if (renderMarkdown(doc).length <= PR_COMMENT_LIMIT || keep === 0) return doc;
    keep = Math.floor(keep / 2);
  }
}
