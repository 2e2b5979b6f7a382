import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/coverage/formats/index.ts';
import { type CoverageSummary, summarize } from '../../src/coverage/model.ts';
import { fixtureCopy } from '../helpers/fixtures.ts';

/**
 * Every fixture was produced by the real tool (see test/fixtures/coverage/README.md); the expected
 * numbers are read from that tool's own output next to it, never typed in here.
 */
const FIX = fixtureCopy('coverage');
const text = (p: string) => readFileSync(join(FIX, p), 'utf8');

async function read(p: string): Promise<{ format: string; s: CoverageSummary }> {
  const file = join(FIX, p);
  const format = await detectFormat(file, p);
  const { data } = await format.read(file, p);
  return { format: format.id, s: summarize(data) };
}

/** `lcov --summary` (Debian lcov 1.16): "lines......: 62.1% (18 of 29 lines)". */
function lcovSummary(p: string) {
  const t = text(p);
  const get = (what: string) => {
    const m = new RegExp(`${what}\\.*: [\\d.]+% \\((\\d+) of (\\d+) `).exec(t);
    return m ? { covered: Number(m[1]), total: Number(m[2]) } : { covered: 0, total: 0 };
  };
  return { lines: get('lines'), branches: get('branches'), functions: get('functions') };
}

/** Istanbul's text-summary (c8, Vitest): "Lines        : 62.06% ( 18/29 )". */
function istanbulSummary(p: string) {
  const t = text(p);
  const get = (what: string) => {
    const m = new RegExp(`${what}\\s*: [\\d.]+% \\( (\\d+)/(\\d+) \\)`).exec(t);
    if (!m) throw new Error(`no ${what} in ${p}`);
    return { covered: Number(m[1]), total: Number(m[2]) };
  };
  return { lines: get('Lines'), branches: get('Branches'), functions: get('Functions') };
}

/** coverage.py's `coverage report` TOTAL row: statements and misses. */
function coveragePyReport(p: string) {
  const m = /^TOTAL\s+(\d+)\s+(\d+)/m.exec(text(p));
  if (!m) throw new Error(`no TOTAL in ${p}`);
  return { covered: Number(m[1]) - Number(m[2]), total: Number(m[1]) };
}

describe('totals equal the producing tool’s own', () => {
  it.each([
    'c8/lcov.info',
    'vitest/lcov.info',
    'node20/lcov.info',
    'node24/lcov.info',
    'coveragepy/branch/coverage.lcov',
    'coveragepy/lines/coverage.lcov',
  ])('%s matches lcov --summary', async (p) => {
    const { format, s } = await read(p);
    expect(format).toBe('lcov');
    const expected = lcovSummary(p.replace(/[^/]+$/, 'lcov-summary.txt'));
    expect(s.lines).toEqual(expected.lines);
    expect(s.branches).toEqual(expected.branches);
    expect(s.functions).toEqual(expected.functions);
  });

  it.each([
    ['c8/coverage-final.json', 'istanbul'],
    ['c8/cobertura-coverage.xml', 'cobertura'],
    ['vitest/coverage-final.json', 'istanbul'],
    ['vitest/cobertura-coverage.xml', 'cobertura'],
  ])('%s matches the text summary of the run that wrote it', async (p, id) => {
    const { format, s } = await read(p);
    expect(format).toBe(id);
    const expected = istanbulSummary(p.replace(/[^/]+$/, 'text-summary.txt'));
    expect({ lines: s.lines, branches: s.branches, functions: s.functions }).toEqual(expected);
  });

  it.each(['branch', 'lines'])(
    'coverage.py %s mode: JSON and XML match `coverage report` and the JSON totals',
    async (mode) => {
      const lines = coveragePyReport(`coveragepy/${mode}/report.txt`);
      const totals = JSON.parse(text(`coveragepy/${mode}/coverage.json`)).totals;
      for (const p of [`coveragepy/${mode}/coverage.json`, `coveragepy/${mode}/coverage.xml`]) {
        const { s } = await read(p);
        expect(s.lines, p).toEqual(lines);
        expect(s.branchesMeasured, p).toBe(mode === 'branch');
        expect(s.branches, p).toEqual(
          mode === 'branch'
            ? { covered: totals.covered_branches, total: totals.num_branches }
            : { covered: 0, total: 0 },
        );
        expect(s.functionsMeasured).toBe(false);
      }
    },
  );

  it.each(['node20', 'node24'])(
    '%s: Node’s own lcov reporter matches the table node --test prints',
    async (dir) => {
      const { s } = await read(`${dir}/lcov.info`);
      const all = /all files\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)/.exec(
        text(`${dir}/coverage-table.txt`),
      );
      expect(all).not.toBeNull();
      const pct = (r: { covered: number; total: number }) => ((r.covered / r.total) * 100).toFixed(2);
      expect([pct(s.lines), pct(s.branches), pct(s.functions)]).toEqual([all?.[1], all?.[2], all?.[3]]);
    },
  );

  it('the Cobertura root attributes agree too (lines-valid, branches-covered)', async () => {
    for (const p of ['coveragepy/branch/coverage.xml', 'vitest/cobertura-coverage.xml']) {
      const t = text(p);
      const attr = (n: string) => Number(new RegExp(`${n}="(\\d+)"`).exec(t)?.[1]);
      const { s } = await read(p);
      expect(s.lines).toEqual({ covered: attr('lines-covered'), total: attr('lines-valid') });
      expect(s.branches).toEqual({ covered: attr('branches-covered'), total: attr('branches-valid') });
    }
  });
});

describe('format detection', () => {
  it('goes by content, not by file name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipgate-cov-detect-'));
    const cases: Array<[string, string]> = [
      ['c8/lcov.info', 'lcov'],
      ['c8/coverage-final.json', 'istanbul'],
      ['vitest/cobertura-coverage.xml', 'cobertura'],
      ['coveragepy/branch/coverage.json', 'coveragepy'],
    ];
    for (const [p, id] of cases) {
      const copy = join(dir, `${id}.report`);
      copyFileSync(join(FIX, p), copy);
      expect((await detectFormat(copy, copy)).id).toBe(id);
    }
  });
});
