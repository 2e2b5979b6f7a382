import { redact } from '../core/redact.ts';
import type { Tone } from '../core/style.ts';
import {
  type Block,
  type Cell,
  cellText,
  cellTone,
  type ReportDocument,
  VERDICT_LABEL,
  VERDICT_TONE,
} from './document.ts';

/**
 * One self-contained, offline HTML page (no scripts, no external assets) over one or more
 * documents: what a person opens from a CI artifact or an email.
 */
export function renderHtml(title: string, docs: ReportDocument[], generatedAt = new Date()): string {
  return htmlPage({
    title,
    css: CSS,
    header: `<h1>${esc(title)}</h1><p class="muted">Generated ${esc(generatedAt.toISOString())} by shipgate</p>`,
    main: docs.map(section).join('\n'),
  });
}

/**
 * The skeleton every offline shipgate page shares: UTF-8, mobile viewport, inline CSS, a header
 * and a main; redacted as a whole, so no secret reaches a page whatever part it came from.
 */
export function htmlPage(parts: { title: string; css: string; header: string; main: string }): string {
  return redact(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(parts.title)}</title>
<style>${parts.css}</style>
</head>
<body>
<header>${parts.header}</header>
<main>
${parts.main}
</main>
</body>
</html>
`);
}

function section(doc: ReportDocument): string {
  const tone = VERDICT_TONE[doc.verdict];
  return `<section class="doc">
<h2><span class="badge ${tone}">${VERDICT_LABEL[doc.verdict]}</span> ${esc(doc.title)}</h2>
<p>${esc(doc.summary)}</p>
${doc.blocks.map(block).join('\n')}
</section>`;
}

function block(b: Block): string {
  const title = 'title' in b && b.title ? `<h3>${esc(b.title)}</h3>` : '';
  switch (b.type) {
    case 'paragraph':
      return `<p class="${b.tone ?? ''}">${esc(b.text)}</p>`;
    case 'fields':
      return `${title}<table class="fields">${b.fields.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${cell(v)}</td></tr>`).join('')}</table>`;
    case 'list':
      return `${title}<ul>${b.items.map((i) => `<li>${cell(i)}</li>`).join('')}</ul>`;
    case 'code':
      return `${title}<pre>${esc(b.text)}</pre>`;
    case 'table': {
      const th = b.columns.map((c, i) => `<th class="${b.align?.[i] ?? ''}">${esc(c)}</th>`).join('');
      const rows = b.rows
        .map(
          (r) =>
            `<tr>${b.columns.map((_, i) => `<td class="${b.align?.[i] ?? ''}">${cell(r[i] ?? '')}</td>`).join('')}</tr>`,
        )
        .join('\n');
      return `${title}<table><thead><tr>${th}</tr></thead><tbody>${rows}</tbody></table>`;
    }
    case 'timeseries':
      return `${title}${lineChart(b.x, b.lines, b.unit)}`;
    case 'chart':
      return `${title}${barChart(b.series, b.unit)}`;
  }
}

/** A horizontal bar chart as inline SVG: readable without JavaScript, in email clients and offline. */
export function barChart(series: Array<{ label: string; value: number; tone?: Tone }>, unit: string): string {
  const rowH = 22;
  const labelW = Math.min(260, Math.max(60, ...series.map((s) => s.label.length * 7.2)));
  const barW = 420;
  const max = Math.max(...series.map((s) => s.value), 0) || 1;
  const h = series.length * rowH + 8;
  const bars = series
    .map((s, i) => {
      const y = 4 + i * rowH;
      const w = Math.max(s.value > 0 ? 2 : 0, (s.value / max) * barW);
      return `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${esc(s.label)}</text><rect class="${s.tone ?? 'info'}" x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" rx="2"/><text x="${(labelW + w + 6).toFixed(1)}" y="${y + 15}">${esc(`${s.value}${unit}`)}</text>`;
    })
    .join('');
  return `<svg class="chart" role="img" viewBox="0 0 ${labelW + barW + 90} ${h}" width="${labelW + barW + 90}" height="${h}">${bars}</svg>`;
}

const PALETTE = ['#0969da', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bf3989'];

/** A line chart as inline SVG with axes, grid and legend; gaps (null) break the line. */
export function lineChart(
  x: number[],
  lines: Array<{ label: string; values: Array<number | null>; tone?: Tone }>,
  unit: string,
): string {
  const W = 760;
  const H = 260;
  const pad = { l: 64, r: 16, t: 12, b: 40 };
  const xs = x.length ? x : [0];
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs, x0 + 1);
  const all = lines.flatMap((l) => l.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const yMax = niceCeil(Math.max(...all, 0));
  const px = (v: number) => pad.l + ((v - x0) / (x1 - x0)) * (W - pad.l - pad.r);
  const py = (v: number) => H - pad.b - (v / yMax) * (H - pad.t - pad.b);
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const y = py(yMax * f);
      return `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" class="grid"/><text x="${pad.l - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${esc(`${Number((yMax * f).toPrecision(3))}${unit}`)}</text>`;
    })
    .join('');
  const xTicks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const v = x0 + (x1 - x0) * f;
      return `<text x="${px(v).toFixed(1)}" y="${H - pad.b + 16}" text-anchor="middle">${esc(`${Number(v.toPrecision(3))}s`)}</text>`;
    })
    .join('');
  const paths = lines
    .map((l, i) => {
      let d = '';
      let pen = false;
      l.values.forEach((v, j) => {
        const xv = xs[j];
        if (v === null || !Number.isFinite(v) || xv === undefined) {
          pen = false;
          return;
        }
        d += `${pen ? 'L' : 'M'}${px(xv).toFixed(1)},${py(v).toFixed(1)}`;
        pen = true;
      });
      return `<path d="${d}" fill="none" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="1.6"/>`;
    })
    .join('');
  const legend = lines
    .map(
      (l, i) =>
        `<rect x="${pad.l + i * 130}" y="${H - 14}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${pad.l + i * 130 + 14}" y="${H - 5}">${esc(l.label)}</text>`,
    )
    .join('');
  return `<svg class="chart line" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${grid}${xTicks}${paths}${legend}</svg>`;
}

/** The next round number at or above v (1, 2, 2.5, 5 × 10^n), so axis labels read well. */
function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const exp = 10 ** Math.floor(Math.log10(v));
  const m = v / exp;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * exp;
}

function cell(c: Cell): string {
  const tone = cellTone(c);
  return tone ? `<span class="${tone}">${esc(cellText(c))}</span>` : esc(cellText(c));
}

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}header .muted{color:#c9d1d9;margin:4px 0 0}
main{max-width:1100px;margin:0 auto;padding:16px 24px}
.doc{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:8px 20px 16px;margin:16px 0}
h2{font-size:17px}h3{font-size:14px;margin:16px 0 6px}
table{border-collapse:collapse;margin:6px 0;min-width:40%}th,td{border-bottom:1px solid #eaeef2;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f6f8fa}.right{text-align:right;font-variant-numeric:tabular-nums}table.fields th{width:200px}
pre{background:#f6f8fa;padding:10px;overflow:auto;border-radius:6px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;vertical-align:middle}
span.badge.good{background:#1a7f37}span.badge.bad{background:#cf222e}span.badge.warn{background:#9a6700}span.badge.info{background:#0969da}
span.good,p.good{color:#1a7f37}span.bad,p.bad{color:#cf222e}span.warn,p.warn{color:#9a6700}span.muted,p.muted{color:#656d76}span.strong{font-weight:600}
svg.chart{max-width:100%;height:auto;font-size:12px}svg.chart text{fill:#1f2328}svg.chart line.grid{stroke:#eaeef2}
span.badge{color:#fff}rect.good{fill:#2da44e}rect.bad{fill:#cf222e}rect.warn{fill:#d4a72c}rect.info,rect.muted,rect.strong{fill:#0969da}
`;
