import { createHash } from 'node:crypto';
import { redact } from '../core/redact.ts';
import type { Verdict } from '../core/verdict.ts';
import { VERDICT_LABEL, VERDICT_TONE } from '../report/document.ts';
import { esc } from '../report/html.ts';
import { chartLibrary } from './assets.ts';
import { CLIENT_SCRIPT } from './client.ts';
import type { ChartData, ReportData, SectionData, SuiteData, TimelineEntry } from './collect.ts';

/**
 * One HTML page over the report data, the same for the static report and the live dashboard:
 * tables are HTML (readable without scripts), charts are drawn by uPlot from the data embedded in
 * the page. No external asset, so it works from file:// and inside a mail.
 */
export interface PageOptions {
  title?: string;
  /** Live dashboard: refetch every this many seconds. */
  refreshSeconds?: number;
}

export function renderPage(data: ReportData, options: PageOptions = {}): string {
  const title = options.title ?? 'shipgate report';
  const lib = chartLibrary();
  // `<` escaped so the data can never close the script element it sits in.
  const json = JSON.stringify(data).replaceAll('<', '\\u003c');
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="icon" href="data:,">
<style>${lib.css}</style>
<style>${CSS}</style>
</head>
<body${options.refreshSeconds ? ` data-refresh="${options.refreshSeconds}"` : ''}>
<header>
<h1>${esc(title)}</h1>
<p class="muted" id="updated">${esc(headline(data))}</p>
<nav>${data.sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join('')}<a href="#tests-detail">Flaky and slow tests</a><a href="#alerts">Alerts</a></nav>
</header>
<main>
${data.runs === 0 ? '<p class="empty">No runs recorded in this period. Gates record their runs as they run (shipgate load, coverage, tests, deploy, …).</p>' : ''}
${data.sections.map(section).join('\n')}
${suitesSection(data.suites)}
${alertsSection(data)}
</main>
<script type="application/json" id="shipgate-data">${json}</script>
`;
  // Only what came from the store is redacted: the scripts are shipgate's own and stay byte-exact,
  // which keeps their Content-Security-Policy hashes valid.
  return `${redact(page)}<script>${lib.js}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

/** CSP hashes of the page's two scripts: the dashboard allows exactly these and nothing else. */
export function scriptHashes(): string[] {
  return [chartLibrary().js, CLIENT_SCRIPT].map(
    (text) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`,
  );
}

function headline(data: ReportData): string {
  return `${data.runs} run${data.runs === 1 ? '' : 's'} since ${data.since.slice(0, 10)} · ${data.store.engine} store · generated ${data.generatedAt.replace('T', ' ').slice(0, 19)} UTC`;
}

function badge(verdict: Verdict): string {
  return `<span class="badge ${VERDICT_TONE[verdict]}">${VERDICT_LABEL[verdict]}</span>`;
}

function section(s: SectionData): string {
  const cards = s.kinds
    .map((k) => {
      const judged = k.runs - k.verdicts.inconclusive;
      const passRate = judged ? Math.round((100 * (k.verdicts.pass + k.verdicts.warn)) / judged) : 0;
      return `<div class="card"><div class="kind">${esc(k.kind)}</div><div class="big">${k.runs}</div><div class="muted">runs · ${passRate}% passed</div><div>last ${badge(k.last.verdict)} <time>${esc(k.last.at.slice(0, 16).replace('T', ' '))}</time></div></div>`;
    })
    .join('');
  return `<section id="${esc(s.id)}">
<h2>${esc(s.title)}</h2>
<div class="cards">${cards}</div>
${s.timeline.length ? timeline(s.timeline) : ''}
<div class="charts">${s.charts.map(chart).join('')}</div>
</section>`;
}

function chart(c: ChartData): string {
  const present = c.values.filter((v): v is number => v !== null);
  const last = present.at(-1);
  const caption = [c.kind, c.group, c.metric].filter(Boolean).join(' · ');
  const changes = c.changePoints.length
    ? `<ul class="changes">${c.changePoints
        .map(
          (p) =>
            `<li>${esc(new Date(p.x * 1000).toISOString().slice(0, 10))}: ${fmt(p.before)} → ${fmt(p.after)} (${p.changePct > 0 ? '+' : ''}${p.changePct.toFixed(1)}%)</li>`,
        )
        .join('')}</ul>`
    : '';
  return `<figure class="chart">
<figcaption><b>${esc(caption)}</b> <span class="muted">${present.length} point${present.length === 1 ? '' : 's'}${last !== undefined ? `, last ${fmt(last)}` : ''}${c.changePoints.length ? `, <span class="bad">${c.changePoints.length} change point${c.changePoints.length === 1 ? '' : 's'}</span>` : ''}</span></figcaption>
<div class="plot" data-chart="${esc(c.id)}"></div>
${changes}
</figure>`;
}

function timeline(entries: TimelineEntry[]): string {
  const rows = entries
    .map(
      (e) =>
        `<tr><td><time>${esc(e.at.slice(0, 16).replace('T', ' '))}</time></td><td>${esc(e.kind)}</td><td>${badge(e.verdict)}</td><td>${esc(e.labels.version ?? '')}</td><td>${esc(e.labels.env ?? e.labels.environment ?? '')}</td><td>${esc(e.summary)}</td></tr>`,
    )
    .join('');
  return `<div class="scroll"><table class="timeline"><thead><tr><th>when</th><th>what</th><th>verdict</th><th>version</th><th>env</th><th>summary</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function suitesSection(suites: SuiteData[]): string {
  const body = suites.length
    ? suites
        .map(
          (
            s,
          ) => `<h3>${esc(s.suite)} <span class="muted">${s.runs} runs${s.passRate !== null ? ` · last pass rate ${s.passRate.toFixed(1)}%` : ''}</span></h3>
${list(
  'Flaky',
  s.flaky.map((f) => `${esc(f.key)} <span class="muted">${esc(f.detail)}</span>`),
)}
${list(
  'Slowest (median)',
  s.slowest.map((t) => `${esc(t.key)} <span class="muted">${fmt(t.medianMs)} ms over ${t.runs} runs</span>`),
)}
${list(
  'Failing most',
  s.failing.map((t) => `${esc(t.key)} <span class="muted">${t.failures}/${t.runs} runs</span>`),
)}`,
        )
        .join('\n')
    : '<p class="muted">No test runs recorded (shipgate tests run / record).</p>';
  return `<section id="tests-detail"><h2>Flaky and slow tests</h2>${body}</section>`;
}

function list(title: string, items: string[]): string {
  return `<h4>${esc(title)}</h4>${items.length ? `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>` : '<p class="muted">none</p>'}`;
}

function alertsSection(data: ReportData): string {
  const rows = data.alerts
    .map(
      (a) =>
        `<tr><td><time>${esc(a.at.slice(0, 16).replace('T', ' '))}</time></td><td class="${a.status === 'resolved' ? 'good' : 'bad'}">${esc(a.status)}</td><td>${esc(a.severity)}</td><td>${esc(a.summary)}</td></tr>`,
    )
    .join('');
  return `<section id="alerts"><h2>Alerts</h2>${
    rows
      ? `<div class="scroll"><table><thead><tr><th>when</th><th>status</th><th>severity</th><th>alert</th></tr></thead><tbody>${rows}</tbody></table></div>`
      : '<p class="muted">No alerts in this period.</p>'
  }</section>`;
}

function fmt(v: number): string {
  const a = Math.abs(v);
  return a >= 1000 ? String(Math.round(v)) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
}

const CSS = `
:root { color-scheme: light dark; --fg: #0f172a; --bg: #ffffff; --muted: #64748b; --line: #e2e8f0; --card: #f8fafc; }
@media (prefers-color-scheme: dark) { :root { --fg: #e2e8f0; --bg: #0b1120; --muted: #94a3b8; --line: #1e293b; --card: #111a2e; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 1200px; margin: 0 auto; padding: 0 12px; }
h1 { font-size: 1.4rem; margin: 16px 0 4px; }
h2 { font-size: 1.15rem; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1rem; margin: 16px 0 4px; } h4 { margin: 10px 0 2px; font-size: .9rem; }
nav { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 8px 0; }
nav a { color: #2563eb; text-decoration: none; }
.muted { color: var(--muted); } .good { color: #16a34a; } .bad { color: #dc2626; } .warn { color: #d97706; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; }
.card .kind { font-weight: 600; } .card .big { font-size: 1.5rem; font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 480px), 1fr)); gap: 12px; margin-top: 12px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 8px; min-width: 0; }
.plot { width: 100%; min-height: 180px; }
.changes { margin: 4px 0 0; padding-left: 18px; font-size: .85rem; color: #dc2626; }
.badge { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: .75rem; font-weight: 700; color: #fff; }
.badge.good { background: #16a34a; } .badge.bad { background: #dc2626; } .badge.warn { background: #d97706; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin-top: 8px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
.empty { padding: 24px; text-align: center; color: var(--muted); }
.uplot { font-family: inherit; }
`;
