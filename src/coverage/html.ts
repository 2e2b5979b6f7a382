import { readFileSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { writeFileAtomic } from '../core/fs.ts';
import { VERDICT_LABEL, VERDICT_TONE } from '../report/document.ts';
import { esc, htmlPage } from '../report/html.ts';
import type { CoverageData, FileCoverage } from './model.ts';
import { lineRanges, showPct } from './report.ts';
import type { CoverageFields } from './result.ts';

/**
 * The offline HTML report: an index with the file table (sortable by following a column's link
 * to a pre-sorted page, so no script runs) and one page per file with its source, hits, and
 * branch markers. It works from any input format, because it reads only the common model.
 * Sources are read only from inside the root: a report naming `../../etc/passwd` gets no source.
 */
const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

type FileRow = CoverageFields['files'][number];
type SortKey = 'path' | 'lines' | 'branches' | 'functions';

const SORTS: Record<SortKey, { page: string; compare: (a: FileRow, b: FileRow) => number }> = {
  path: { page: 'index.html', compare: (a, b) => a.path.localeCompare(b.path) },
  lines: { page: 'by-lines.html', compare: byPct('lines') },
  branches: { page: 'by-branches.html', compare: byPct('branches') },
  functions: { page: 'by-functions.html', compare: byPct('functions') },
};

function byPct(metric: 'lines' | 'branches' | 'functions') {
  return (a: FileRow, b: FileRow) =>
    (a[metric].pct ?? 101) - (b[metric].pct ?? 101) ||
    b[metric].total - a[metric].total ||
    a.path.localeCompare(b.path);
}

/** A file name for a report path that cannot escape the output folder. */
export function pageName(path: string, index: number): string {
  const safe = path
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(-120);
  return `${String(index).padStart(4, '0')}-${safe || 'file'}.html`;
}

export function readSource(root: string, path: string): string[] | undefined {
  const base = resolve(root);
  const full = resolve(base, path);
  if (full !== base && !full.startsWith(base + sep)) return undefined;
  try {
    if (statSync(full).size > MAX_SOURCE_BYTES) return undefined;
    return readFileSync(full, 'utf8').split(/\r?\n/);
  } catch {
    return undefined;
  }
}

function tone(pct: number | null): string {
  if (pct === null) return 'na';
  return pct >= 90 ? 'hi' : pct >= 75 ? 'mid' : pct >= 60 ? 'lo' : 'bad';
}

function pctTd(r: FileRow['lines']): string {
  return `<td class="num ${tone(r.pct)}">${esc(showPct(r))}</td><td class="num muted">${r.covered}/${r.total}</td>`;
}

function page(title: string, body: string, depth = 0): string {
  const up = depth ? '../' : '';
  return htmlPage({
    title,
    css: CSS,
    header: `<h1><a href="${up}index.html">Coverage</a> ${depth ? `/ ${esc(title)}` : ''}</h1>`,
    main: body,
  });
}

function totalsTable(fields: CoverageFields): string {
  const t = fields.totals;
  const row = (name: string, r: FileRow['lines'], measured: boolean) =>
    measured
      ? `<tr><th>${name}</th>${pctTd(r)}</tr>`
      : `<tr><th>${name}</th><td class="muted" colspan="2">not measured</td></tr>`;
  return `<table class="totals">${row('lines', t.lines, true)}${row('branches', t.branches, fields.branchesMeasured)}${row('functions', t.functions, fields.functionsMeasured)}</table>`;
}

function indexPage(
  fields: CoverageFields,
  verdict: string,
  summary: string,
  names: Map<string, string>,
  sort: SortKey,
): string {
  const rows = [...fields.files].sort(SORTS[sort].compare);
  const th = (key: SortKey, label: string) =>
    `<th colspan="${key === 'path' ? 1 : 2}"${key === sort ? ' class="sorted"' : ''}><a href="${SORTS[key].page}">${label}</a></th>`;
  const body = rows
    .map(
      (f) =>
        `<tr><td><a href="files/${esc(names.get(f.path) ?? '')}">${esc(f.path)}</a></td>${pctTd(f.lines)}${
          fields.branchesMeasured ? pctTd(f.branches) : '<td></td><td></td>'
        }${fields.functionsMeasured ? pctTd(f.functions) : '<td></td><td></td>'}</tr>`,
    )
    .join('\n');
  const v = verdict as keyof typeof VERDICT_LABEL;
  return page(
    'Coverage',
    `<p><span class="badge ${VERDICT_TONE[v]}">${VERDICT_LABEL[v]}</span> ${esc(summary)}</p>
${totalsTable(fields)}
<p class="muted">Reports: ${esc(fields.reports.map((r) => `${r.file} (${r.format})`).join(', '))}. Percentages are floored to two decimals; a column heading sorts by it.</p>
<table class="files"><thead><tr>${th('path', 'File')}${th('lines', 'Lines')}${th('branches', 'Branches')}${th('functions', 'Functions')}</tr></thead>
<tbody>
${body}
</tbody></table>`,
  );
}

function filePage(f: FileCoverage, row: FileRow, source: string[] | undefined): string {
  const branches = f.branches.byLine();
  let last = source?.length ?? 0;
  for (const n of f.lines.keys()) last = Math.max(last, n);
  for (const n of branches.keys()) last = Math.max(last, n);
  const out: string[] = [];
  for (let n = 1; n <= last; n++) {
    const text = source ? (source[n - 1] ?? '') : '';
    if (!source && !f.lines.has(n) && !branches.has(n)) continue;
    const hits = f.lines.get(n);
    const edges = branches.get(n);
    const partial = edges !== undefined && edges.taken < edges.total;
    const cls = hits === undefined ? '' : hits === 0 ? 'miss' : partial ? 'part' : 'hit';
    const branch = edges
      ? `<span class="br ${partial ? 'brmiss' : ''}" title="${edges.taken} of ${edges.total} branches taken">${edges.taken}/${edges.total}</span>`
      : '';
    out.push(
      `<tr class="${cls}" id="L${n}"><td class="ln"><a href="#L${n}">${n}</a></td><td class="hits">${hits === undefined ? '' : hits}</td><td class="brc">${branch}</td><td class="src">${esc(text)}</td></tr>`,
    );
  }
  return page(
    row.path,
    `<table class="totals"><tr><th>lines</th>${pctTd(row.lines)}</tr><tr><th>branches</th>${pctTd(row.branches)}</tr><tr><th>functions</th>${pctTd(row.functions)}</tr></table>
${row.uncoveredLines.length ? `<p>Uncovered lines: ${esc(lineRanges(row.uncoveredLines, 60))}</p>` : ''}
${source ? '' : '<p class="muted">Source not available under the root: showing instrumented lines only.</p>'}
<table class="source"><tbody>
${out.join('\n')}
</tbody></table>`,
    1,
  );
}

/** Writes the report into `dir`; returns the index path. */
export function writeCoverageHtml(
  dir: string,
  root: string,
  data: CoverageData,
  fields: CoverageFields,
  verdict: string,
  summary: string,
): string {
  const names = new Map(fields.files.map((f, i) => [f.path, pageName(f.path, i)]));
  for (const row of fields.files) {
    const f = data.files.get(row.path);
    if (!f) continue;
    writeFileAtomic(
      join(dir, 'files', names.get(row.path) as string),
      filePage(f, row, readSource(root, row.path)),
    );
  }
  for (const key of Object.keys(SORTS) as SortKey[]) {
    writeFileAtomic(join(dir, SORTS[key].page), indexPage(fields, verdict, summary, names, key));
  }
  return join(dir, 'index.html');
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328;background:#fff}
header{background:#24292f;color:#fff;padding:12px 24px}header h1{margin:0;font-size:18px}header a{color:#fff}
main{padding:12px 24px}a{color:#0969da;text-decoration:none}
table{border-collapse:collapse;margin:8px 0}th,td{padding:3px 10px;text-align:left;border-bottom:1px solid #eaeef2}
table.files th a{color:#1f2328}th.sorted{background:#ddf4ff}th.sorted a::after{content:" ▲"}
.num{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#656d76}
.hi{color:#1a7f37}.mid{color:#4d7f1a}.lo{color:#9a6700}.bad{color:#cf222e}.na{color:#656d76}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px}
.badge.good{background:#1a7f37}.badge.bad{background:#cf222e}.badge.warn{background:#9a6700}
table.source{width:100%;font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
table.source td{border:0;padding:0 8px;white-space:pre;vertical-align:top}
td.ln{text-align:right;color:#656d76;user-select:none;width:1%}td.ln a{color:inherit}
td.hits{text-align:right;color:#656d76;width:1%}td.brc{width:1%}
tr.hit td.src{background:#dafbe1}tr.miss td.src{background:#ffebe9}tr.part td.src{background:#fff8c5}
tr.miss td.hits{color:#cf222e;font-weight:600}
.br{display:inline-block;padding:0 4px;border-radius:4px;background:#eaeef2;font-size:11px}.br.brmiss{background:#ffd8b5}
:target td{outline:2px solid #0969da}
`;
