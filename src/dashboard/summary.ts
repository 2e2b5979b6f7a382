import type { Block, ReportDocument } from '../report/document.ts';
import type { ReportData } from './collect.ts';

/** The report in words: what the terminal, a PR comment and the email digest show. */
export function reportDocument(data: ReportData, htmlFile: string | undefined): ReportDocument {
  const failed = data.sections.flatMap((s) => s.kinds).reduce((n, k) => n + k.verdicts.fail, 0);
  const changes = data.sections.flatMap((s) => s.charts).filter((c) => c.changePoints.length > 0);
  const summary = `${data.runs} runs since ${data.since.slice(0, 10)}: ${failed} failed, ${changes.length} series with change points, ${data.alerts.length} alert events`;
  const blocks: Block[] = [
    {
      type: 'table',
      title: 'Gates',
      columns: ['section', 'kind', 'runs', 'failed', 'last'],
      align: ['left', 'left', 'right', 'right', 'left'],
      rows: data.sections.flatMap((s) =>
        s.kinds.map((k) => [
          s.title,
          k.kind,
          k.runs,
          { text: String(k.verdicts.fail), tone: k.verdicts.fail ? ('bad' as const) : ('good' as const) },
          `${k.last.verdict} ${k.last.at.slice(0, 16).replace('T', ' ')}`,
        ]),
      ),
    },
  ];
  if (changes.length) {
    blocks.push({
      type: 'list',
      title: 'Change points',
      items: changes.flatMap((c) =>
        c.changePoints.map(
          (p) =>
            `${[c.kind, c.group, c.metric].filter(Boolean).join(' · ')}: ${p.before.toFixed(2)} → ${p.after.toFixed(2)} (${p.changePct > 0 ? '+' : ''}${p.changePct.toFixed(1)}%) on ${new Date(p.x * 1000).toISOString().slice(0, 10)}`,
        ),
      ),
    });
  }
  const flaky = data.suites.flatMap((s) => s.flaky.map((f) => `${s.suite}: ${f.key} — ${f.detail}`));
  if (flaky.length) blocks.push({ type: 'list', title: 'Flaky tests', items: flaky });
  if (htmlFile) blocks.push({ type: 'fields', fields: [['HTML report', htmlFile]] });
  return { title: 'shipgate report', verdict: failed ? 'warn' : 'pass', summary, blocks };
}
