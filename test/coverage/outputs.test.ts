import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/coverage/analyse.ts';
import { badgeColor, coverageBadge } from '../../src/coverage/badge.ts';
import { pageName, writeCoverageHtml } from '../../src/coverage/html.ts';
import { createPathMapper } from '../../src/coverage/paths.ts';
import { readCoverage } from '../../src/coverage/read.ts';
import { coverageAnnotations, coverageDocument, lineRanges } from '../../src/coverage/report.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { fixtureCopy } from '../helpers/fixtures.ts';

const FIX = fixtureCopy('coverage');

describe('badge', () => {
  it('uses the 90/75/60 bands and never rounds up into a better one', () => {
    expect([95, 90, 89.99, 75, 74.99, 60, 59.99, 0].map(badgeColor)).toEqual([
      '#4c1',
      '#4c1',
      '#97ca00',
      '#97ca00',
      '#dfb317',
      '#dfb317',
      '#e05d44',
      '#e05d44',
    ]);
    expect(badgeColor(null)).toBe('#9f9f9f');
    expect(coverageBadge(89.96)).toContain('>89.9%<');
    expect(coverageBadge(100)).toContain('>100%<');
    expect(coverageBadge(null)).toContain('>n/a<');
  });
});

describe('reports', () => {
  it('writes an offline HTML report for every input format, with sources and branch markers', async () => {
    const root = join(FIX, 'js-project');
    for (const report of [
      '../c8/lcov.info',
      '../c8/coverage-final.json',
      '../vitest/cobertura-coverage.xml',
    ]) {
      const { data } = await readCoverage([report], root, createPathMapper(root));
      const { fields, evaluation } = analyse(data, { min: 80, target: 90 });
      const out = mkdtempSync(join(tmpdir(), 'shipgate-cov-html-'));
      writeCoverageHtml(out, root, data, fields, evaluation.verdict, evaluation.summary);
      expect(readdirSync(out).sort()).toEqual([
        'by-branches.html',
        'by-functions.html',
        'by-lines.html',
        'files',
        'index.html',
      ]);
      const index = readFileSync(join(out, 'index.html'), 'utf8');
      expect(index).toContain('href="files/0000-src_math.js.html"');
      expect(index).not.toMatch(/<script|https?:\/\/(?!www\.w3)/);
      const page = readFileSync(join(out, 'files', '0000-src_math.js.html'), 'utf8');
      expect(page).toContain('export function classify(n) {');
      expect(page).toMatch(/<tr class="miss" id="L5">/);
      expect(page).toMatch(/class="br brmiss" title="\d of \d branches taken"/);
    }
  });

  it('never reads sources outside the root, and page names cannot escape the folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'shipgate-cov-root-'));
    const secret = join(root, '..', `secret-${Date.now()}.txt`);
    writeFileSync(secret, 'TOP SECRET\n');
    mkdirSync(join(root, 'r'));
    writeFileSync(join(root, 'r', 'lcov.info'), `SF:../${secret.split('/').pop()}\nDA:1,0\nend_of_record\n`);
    const { data } = await readCoverage(['r/lcov.info'], root, createPathMapper(root));
    const { fields } = analyse(data, { min: 80, target: 90 });
    const out = join(root, 'html');
    writeCoverageHtml(out, root, data, fields, 'fail', 's');
    const pages = readdirSync(join(out, 'files'));
    expect(pages).toHaveLength(1);
    expect(pageName('../../etc/passwd', 3)).toBe('0003-etc_passwd.html');
    expect(readFileSync(join(out, 'files', pages[0] as string), 'utf8')).not.toContain('TOP SECRET');
    expect(existsSync(join(out, '..', '..', 'etc'))).toBe(false);
  });

  it('Markdown shows totals, gates and uncovered changed lines; annotations mark them', async () => {
    const root = join(FIX, 'js-project');
    const { data } = await readCoverage(['../c8/lcov.info'], root, createPathMapper(root));
    const { fields, evaluation } = analyse(
      data,
      { min: 80, target: 90, diffMin: 90 },
      {
        changed: {
          ok: true,
          base: 'origin/main',
          mergeBase: 'f00',
          files: new Map([['src/math.js', new Set([4, 5, 6, 7])]]),
        },
      },
    );
    const md = renderMarkdown(coverageDocument(fields, evaluation.verdict, evaluation.summary));
    expect(md).toContain('| lines | 18 | 29 | 62.06% |');
    expect(md).toContain('### Uncovered changed lines');
    expect(md).toContain('| src/math.js | 2/4 | 5-6 |');
    expect(md.length).toBeLessThan(65_536);
    expect(coverageAnnotations(fields)).toEqual([
      {
        level: 'warning',
        file: 'src/math.js',
        line: 5,
        title: 'Not covered by tests',
        message: 'Changed lines 5-6 are not covered by tests',
      },
    ]);
  });

  it('writes line runs compactly', () => {
    expect(lineRanges([1, 2, 3, 5, 7, 8])).toBe('1-3, 5, 7-8');
    expect(lineRanges([1, 3, 5], 2)).toBe('1, 3, … (1 more)');
  });
});
