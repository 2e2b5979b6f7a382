import { describe, expect, it } from 'vitest';
import { makeStyle } from '../../src/core/style.ts';
import type { ReportDocument } from '../../src/report/document.ts';
import { formatAnnotation } from '../../src/report/github.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { renderText } from '../../src/report/text.ts';

const doc: ReportDocument = {
  title: 'Load test',
  verdict: 'fail',
  summary: 'p95 2.4s exceeds 2s',
  blocks: [
    {
      type: 'fields',
      fields: [
        ['target', 'http://127.0.0.1:8080'],
        ['users', 10],
      ],
    },
    {
      type: 'table',
      title: 'Endpoints',
      columns: ['endpoint', 'p95'],
      align: ['left', 'right'],
      rows: [
        ['/api/status', { text: '2.4s', tone: 'bad' }],
        ['/a|b <script>', '12ms'],
      ],
    },
    {
      type: 'chart',
      title: 'p95 by endpoint',
      unit: 'ms',
      series: [
        { label: '/api/status', value: 2400 },
        { label: '/health', value: 3 },
      ],
    },
    { type: 'paragraph', text: 'sent to https://hooks.slack.com/services/T9/B9/SECRET' },
  ],
};

describe('renderers', () => {
  it('text: aligned columns, verdict first, no colour unless asked', () => {
    const out = renderText(doc);
    expect(out.split('\n')[0]).toBe('FAIL  Load test');
    expect(out).toContain('  /api/status    2.4s\n  /a|b <script>  12ms');
    expect(out).not.toContain('\u001b[');
    expect(renderText(doc, makeStyle(true))).toContain('\u001b[31mFAIL');
  });

  it('markdown: escapes table-breaking characters and markup', () => {
    const md = renderMarkdown(doc);
    expect(md.startsWith('## ❌ Load test — FAIL')).toBe(true);
    expect(md).toContain('| /a\\|b \\<script\\> | 12ms |');
    expect(md).toContain('| endpoint | p95 |\n| --- | ---: |');
  });

  it('html: self-contained, escaped, with an SVG chart', () => {
    const html = renderHtml('Report', [doc]);
    expect(html).toContain('<svg class="chart"');
    expect(html).toContain('&#60;script&#62;');
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|hooks\.slack\.com\/services\/\*\*\*)/);
  });

  it('never prints a secret', () => {
    for (const out of [renderText(doc), renderMarkdown(doc), renderHtml('r', [doc])])
      expect(out).not.toContain('SECRET');
  });

  it('formats GitHub annotations with escaped properties', () => {
    expect(
      formatAnnotation({ level: 'error', file: 'src/a,b.ts', line: 3, title: 'x: y', message: '50%\nnext' }),
    ).toBe('::error file=src/a%2Cb.ts,line=3,title=x%3A y::50%25%0Anext');
  });
});

describe('time series', () => {
  const series: ReportDocument = {
    title: 'Endurance',
    verdict: 'pass',
    summary: 'steady',
    blocks: [
      {
        type: 'timeseries',
        title: 'Latency over time',
        unit: 'ms',
        x: [0, 1, 2, 3, 4],
        lines: [
          { label: 'p95', values: [10, 12, null, 30, 20] },
          { label: 'p50', values: [5, 5, 5, 5, 5] },
        ],
      },
    ],
  };

  it('draws sparklines with ranges in text and Markdown, gaps kept', () => {
    expect(renderText(series)).toContain('  p95  ▁▂ █▅ 10–30ms');
    expect(renderText(series)).toContain('  p50  ▁▁▁▁▁ 5–5ms');
    expect(renderMarkdown(series)).toContain('| p95 | `▁▂ █▅` | 10ms | 30ms |');
  });

  it('draws an SVG line chart whose line breaks at a gap', () => {
    const html = renderHtml('r', [series]);
    const paths = [...html.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1] as string);
    expect(paths).toHaveLength(2);
    expect((paths[0]?.match(/M/g) ?? []).length).toBe(2);
    expect((paths[1]?.match(/M/g) ?? []).length).toBe(1);
    expect(html).toContain('>50ms</text>');
  });
});
