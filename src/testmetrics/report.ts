import { formatDuration } from '../core/units.ts';
import type { Verdict } from '../core/verdict.ts';
import type { Block, Cell, ReportDocument } from '../report/document.ts';
import type { TestsFields } from './result.ts';

/** The human view of a test run: the same document renders as text, Markdown (PR comment) and HTML. */

const SHOWN = 15;

export function testsDocument(
  fields: TestsFields,
  verdict: Verdict,
  summary: string,
  warnings: string[],
): ReportDocument {
  const c = fields.counts;
  const blocks: Block[] = [
    {
      type: 'fields',
      fields: [
        ['tests', c.total],
        ['passed', { text: String(c.passed), tone: 'good' }],
        ['failed', { text: String(c.failed), tone: c.failed ? 'bad' : 'muted' }],
        ['errors', { text: String(c.errors), tone: c.errors ? 'bad' : 'muted' }],
        ['skipped / todo', `${c.skipped} / ${c.todo}`],
        ...(c.xfail || c.xpass
          ? ([['xfail / xpass', `${c.xfail} / ${c.xpass}`]] as Array<[string, Cell]>)
          : []),
        ...(c.flaky
          ? ([['passed on retry', { text: String(c.flaky), tone: 'warn' }]] as Array<[string, Cell]>)
          : []),
        ['test time', formatDuration(c.durationMs)],
        [
          'history',
          fields.history.runs
            ? `${fields.history.runs} earlier runs${fields.history.executedBaseline !== undefined ? `, executed median ${fields.history.executedBaseline}` : ''}`
            : 'none yet',
        ],
        ['reports', fields.sources.map((s) => `${s.file} (${s.dialect}, ${s.tests})`).join(', ')],
      ],
    },
  ];
  if (fields.findings.length) {
    blocks.push({
      type: 'list',
      title: 'Gate',
      items: fields.findings.map((f) => ({ text: f.message, tone: f.level === 'fail' ? 'bad' : 'warn' })),
    });
  }
  for (const w of warnings) blocks.push({ type: 'paragraph', text: w, tone: 'warn' });
  if (fields.failureClusters.length) {
    blocks.push({
      type: 'table',
      title: 'Failures by cause',
      columns: ['tests', 'signature', 'for example'],
      align: ['right', 'left', 'left'],
      rows: fields.failureClusters.slice(0, SHOWN).map((g) => [g.count, g.signature, g.examples[0] ?? '']),
    });
  }
  if (fields.flaky.length) {
    blocks.push({
      type: 'table',
      title: 'Flaky tests',
      columns: ['test', 'why', 'failed', 'failure rate (95% interval)'],
      align: ['left', 'left', 'right', 'right'],
      rows: fields.flaky
        .slice(0, SHOWN)
        .map((f) => [
          f.key,
          f.reasons.join(', '),
          `${f.failures}/${f.runs}`,
          `${pct(f.failureRate.low)}–${pct(f.failureRate.high)}`,
        ]),
    });
  }
  if (fields.durationRegressions.length) {
    blocks.push({
      type: 'table',
      title: 'Slower than usual',
      columns: ['test', 'now', 'median', 'MAD', 'robust z', 'runs'],
      align: ['left', 'right', 'right', 'right', 'right', 'right'],
      rows: fields.durationRegressions
        .slice(0, SHOWN)
        .map((r) => [
          r.key,
          formatDuration(r.durationMs),
          formatDuration(r.medianMs),
          formatDuration(r.madMs),
          r.z === null ? '—' : r.z.toFixed(1),
          r.samples,
        ]),
    });
  }
  if (fields.slowest.length) {
    blocks.push({
      type: 'table',
      title: `Slowest ${fields.slowest.length}`,
      columns: ['test', 'time'],
      align: ['left', 'right'],
      rows: fields.slowest.map((s) => [s.key, formatDuration(s.durationMs)]),
    });
  }
  if (fields.newTests.length) {
    blocks.push({
      type: 'list',
      title: `New tests (${fields.newTests.length}) — re-run them a few times before trusting them`,
      items: [
        ...fields.newTests.slice(0, SHOWN).map((t) => t.key),
        ...(fields.newTests.length > SHOWN ? [`and ${fields.newTests.length - SHOWN} more`] : []),
      ],
    });
  }
  const r = fields.resources;
  if (r) {
    blocks.push({
      type: 'fields',
      title: 'Resources of the test process tree',
      fields: [
        ['wall time', formatDuration(r.wallMs)],
        ['CPU', `${r.cpuSeconds} s (mean ${r.cpuPercentMean}% of a core, peak ${r.cpuPercentPeak}%)`],
        ['memory (RSS)', `peak ${r.rssPeakMb} MiB, mean ${r.rssMeanMb} MiB`],
        ['processes', `up to ${r.processesPeak}`],
      ],
    });
    if (r.samples.length > 2) {
      blocks.push({
        type: 'timeseries',
        title: 'Memory of the test run',
        unit: 'MiB',
        x: r.samples.map((s) => s.tMs / 1000),
        lines: [{ label: 'RSS', values: r.samples.map((s) => s.rssMb) }],
      });
    }
  }
  if (fields.notes.length) blocks.push({ type: 'list', title: 'Dialect notes', items: fields.notes });
  return { title: 'Test run', verdict, summary, blocks };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}
