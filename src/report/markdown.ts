import { redact } from '../core/redact.ts';
import {
  type Block,
  type Cell,
  cellText,
  type ReportDocument,
  seriesRange,
  sparkline,
  VERDICT_ICON,
  VERDICT_LABEL,
} from './document.ts';

/** GitHub-flavoured Markdown: what a PR comment or a job's step summary shows. */
export function renderMarkdown(doc: ReportDocument, headingLevel = 2): string {
  const h = '#'.repeat(headingLevel);
  const out: string[] = [
    `${h} ${VERDICT_ICON[doc.verdict]} ${escapeInline(doc.title)} — ${VERDICT_LABEL[doc.verdict]}`,
    '',
    escapeInline(doc.summary),
  ];
  for (const block of doc.blocks) out.push('', ...renderBlock(block, `${h}#`));
  return `${redact(out.join('\n'))}\n`;
}

function renderBlock(block: Block, h: string): string[] {
  const title = 'title' in block && block.title ? [`${h} ${escapeInline(block.title)}`, ''] : [];
  switch (block.type) {
    case 'paragraph':
      return [escapeInline(block.text)];
    case 'fields':
      return [
        ...title,
        ...table(
          ['', ''],
          block.fields.map(([k, v]) => [`**${escapeInline(k)}**`, cell(v)]),
          undefined,
          true,
        ),
      ];
    case 'list':
      return [...title, ...block.items.map((i) => `- ${cell(i)}`)];
    case 'code':
      return [...title, `\`\`\`${block.lang ?? ''}`, block.text.replaceAll('```', '`\u200b``'), '```'];
    case 'table':
      return [
        ...title,
        ...table(
          block.columns.map(escapeInline),
          block.rows.map((r) => r.map(cell)),
          block.align,
        ),
      ];
    case 'timeseries':
      return [
        ...title,
        ...table(
          ['series', 'over time', 'min', 'max'],
          block.lines.map((l) => {
            const r = seriesRange(l.values);
            const show = (n: number | undefined) =>
              n === undefined ? '—' : `${Number(n.toPrecision(4))}${block.unit}`;
            return [escapeInline(l.label), `\`${sparkline(l.values, 40)}\``, show(r?.min), show(r?.max)];
          }),
          ['left', 'left', 'right', 'right'],
        ),
      ];
    case 'chart':
      return [
        ...title,
        ...table(
          ['', block.unit || 'value'],
          block.series.map((s) => [escapeInline(s.label), String(s.value)]),
          ['left', 'right'],
        ),
      ];
  }
}

function table(
  columns: string[],
  rows: string[][],
  align?: Array<'left' | 'right'>,
  headless = false,
): string[] {
  const sep = columns.map((_, i) => (align?.[i] === 'right' ? '---:' : '---'));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headless ? columns.map(() => ' ') : columns), line(sep), ...rows.map(line)];
}

function cell(c: Cell): string {
  return escapeInline(cellText(c)).replaceAll('\n', '<br>');
}

/** Keeps user-controlled text from breaking tables or injecting markup. */
export function escapeInline(text: string): string {
  return text.replace(/([\\|*_`<>[\]])/g, '\\$1');
}
