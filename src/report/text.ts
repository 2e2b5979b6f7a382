import { redact } from '../core/redact.ts';
import { makeStyle, type Style, visibleWidth } from '../core/style.ts';
import {
  type Block,
  type Cell,
  cellText,
  cellTone,
  type ReportDocument,
  seriesRange,
  sparkline,
  VERDICT_LABEL,
  VERDICT_TONE,
} from './document.ts';

/** Plain or coloured terminal text. */
export function renderText(doc: ReportDocument, style: Style = makeStyle(false)): string {
  const out: string[] = [];
  out.push(
    `${style.paint(VERDICT_TONE[doc.verdict], VERDICT_LABEL[doc.verdict])}  ${style.paint('strong', doc.title)}`,
  );
  out.push(doc.summary);
  for (const block of doc.blocks) {
    out.push('');
    out.push(...renderBlock(block, style));
  }
  return `${redact(out.join('\n'))}\n`;
}

function renderBlock(block: Block, style: Style): string[] {
  const title = 'title' in block && block.title ? [style.paint('strong', block.title)] : [];
  switch (block.type) {
    case 'paragraph':
      return [style.paint(block.tone, block.text)];
    case 'fields': {
      const width = Math.max(...block.fields.map(([k]) => k.length));
      return [...title, ...block.fields.map(([k, v]) => `  ${k.padEnd(width)}  ${paint(v, style)}`)];
    }
    case 'list':
      return [...title, ...block.items.map((item) => `  - ${paint(item, style)}`)];
    case 'code':
      return [...title, ...block.text.split('\n').map((l) => `  ${l}`)];
    case 'table':
      return [...title, ...table(block.columns, block.rows, block.align, style)];
    case 'timeseries': {
      const width = Math.max(...block.lines.map((l) => l.label.length));
      return [
        ...title,
        ...block.lines.map((l) => {
          const r = seriesRange(l.values);
          const range = r ? ` ${fmt(r.min)}–${fmt(r.max)}${block.unit}` : ' no data';
          return `  ${l.label.padEnd(width)}  ${style.paint(l.tone ?? 'info', sparkline(l.values))}${range}`;
        }),
      ];
    }
    case 'chart': {
      const max = Math.max(...block.series.map((s) => s.value), 0) || 1;
      const width = Math.max(...block.series.map((s) => s.label.length));
      return [
        ...title,
        ...block.series.map((s) => {
          const bar = '█'.repeat(Math.max(s.value > 0 ? 1 : 0, Math.round((s.value / max) * 30)));
          return `  ${s.label.padEnd(width)}  ${style.paint(s.tone ?? 'info', bar)} ${s.value}${block.unit}`;
        }),
      ];
    }
  }
}

function paint(cell: Cell, style: Style): string {
  return style.paint(cellTone(cell), cellText(cell));
}

function table(
  columns: string[],
  rows: Cell[][],
  align: Array<'left' | 'right'> | undefined,
  style: Style,
): string[] {
  const widths = columns.map((c, i) =>
    Math.max(c.length, ...rows.map((r) => visibleWidth(cellText(r[i] ?? '')))),
  );
  const pad = (text: string, i: number, painted = text) => {
    const gap = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleWidth(text)));
    return align?.[i] === 'right' ? gap + painted : painted + gap;
  };
  const header = `  ${columns.map((c, i) => pad(c, i, style.paint('strong', c))).join('  ')}`;
  const rule = `  ${widths.map((w) => '─'.repeat(w)).join('  ')}`;
  const body = rows.map(
    (r) => `  ${columns.map((_, i) => pad(cellText(r[i] ?? ''), i, paint(r[i] ?? '', style))).join('  ')}`,
  );
  return [header.trimEnd(), rule, ...body.map((l) => l.trimEnd())];
}

function fmt(n: number): string {
  return String(Number(n.toPrecision(4)));
}
