import { describe, expect, it } from 'vitest';
import { analyse, previousFromEnvelope } from '../../src/coverage/analyse.ts';
import type { ChangedLines } from '../../src/coverage/diff.ts';
import {
  addBranch,
  addLine,
  type CoverageData,
  emptyData,
  fileIn,
  meets,
  percent,
} from '../../src/coverage/model.ts';

/** A model with the given hit lists: `{ 'a.ts': [1, 0, 3] }` → line 1 hit once, line 2 missed, … */
function model(files: Record<string, number[]>, branches = false): CoverageData {
  const data = emptyData();
  data.sources.push({ file: 'r', format: 'lcov', branchesMeasured: branches, functionsMeasured: false });
  for (const [path, hits] of Object.entries(files)) {
    const f = fileIn(data, path);
    hits.forEach((h, i) => {
      addLine(f, i + 1, h);
    });
  }
  return data;
}

const gate = { min: 80, target: 90 };

describe('rounding', () => {
  it('floors the shown percentage and compares exact fractions', () => {
    const r = { covered: 19_999, total: 25_000 }; // 79.996 %
    expect(percent(r)).toBe(79.99);
    expect(meets(r, 80)).toBe(false);
    expect(meets({ covered: 4, total: 5 }, 80)).toBe(true);
    expect(percent({ covered: 999_999, total: 1_000_000 })).toBe(99.99);
    expect(percent({ covered: 0, total: 0 })).toBeNull();
  });

  it('79.996 % fails an 80 % gate', () => {
    const hits = Array.from({ length: 25_000 }, (_, i) => (i < 19_999 ? 1 : 0));
    const { evaluation } = analyse(model({ 'a.ts': hits }), gate);
    expect(evaluation.verdict).toBe('fail');
    expect(evaluation.checks[0]).toMatchObject({ name: 'lines', passed: false, actual: 79.99 });
  });
});

describe('gates', () => {
  it('passes at the minimum, warns below the target', () => {
    expect(analyse(model({ 'a.ts': [1, 1, 1, 1, 0] }), gate).evaluation.verdict).toBe('warn');
    expect(analyse(model({ 'a.ts': [1, 1, 1, 1, 1, 1, 1, 1, 1, 0] }), gate).evaluation.verdict).toBe('pass');
  });

  it('gates branches only when measured, "not measured" never reads as 0 %', () => {
    const data = model({ 'a.ts': [1, 1, 1, 1, 1] }, true);
    const f = fileIn(data, 'a.ts');
    addBranch(f, 1, '0', 1);
    addBranch(f, 1, '1', 0);
    const { evaluation, fields } = analyse(data, gate);
    expect(evaluation.checks.map((c) => [c.name, c.passed])).toEqual([
      ['lines', true],
      ['branches', false],
    ]);
    expect(fields.files[0]?.partialLines).toEqual([1]);
    const unmeasured = analyse(model({ 'a.ts': [1, 1, 1, 1, 1] }), gate);
    expect(unmeasured.evaluation.checks.map((c) => c.name)).toEqual(['lines']);
    expect(unmeasured.fields.totals.branches.pct).toBeNull();
  });

  it('per-file minimum names the files below it', () => {
    const data = model({ 'good.ts': [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 'bad.ts': [1, 0, 0], 'empty.ts': [] });
    const { evaluation } = analyse(data, { min: 50, target: 50, perFileMin: 60 });
    const check = evaluation.checks.find((c) => c.name === 'per-file lines');
    expect(check).toMatchObject({ passed: false, actual: 33.33 });
    expect(check?.detail).toContain('bad.ts 33.33%');
    expect(evaluation.verdict).toBe('fail');
  });

  it('no executable lines is inconclusive, not a pass', () => {
    expect(analyse(model({ 'a.ts': [] }), gate).evaluation.verdict).toBe('inconclusive');
  });
});

describe('diff coverage', () => {
  const changed = (files: Record<string, number[]>): ChangedLines => ({
    ok: true,
    base: 'origin/main',
    mergeBase: 'abc123',
    files: new Map(Object.entries(files).map(([p, l]) => [p, new Set(l)])),
  });

  it('measures only instrumented changed lines and gates them', () => {
    const data = model({ 'a.ts': [1, 0, 1, 0, 1], 'b.ts': [1, 1] });
    const { evaluation, fields } = analyse(
      data,
      { ...gate, min: 0, diffMin: 75 },
      { changed: changed({ 'a.ts': [2, 3, 4, 9], 'README.md': [1] }) },
    );
    expect(fields.diff?.lines).toEqual({ covered: 1, total: 3, pct: 33.33 });
    expect(fields.diff?.files).toEqual([
      { path: 'a.ts', lines: { covered: 1, total: 3, pct: 33.33 }, uncoveredLines: [2, 4] },
    ]);
    expect(fields.diff?.unreported).toEqual(['README.md']);
    expect(evaluation.checks.at(-1)).toMatchObject({ name: 'diff lines', passed: false });
    expect(evaluation.verdict).toBe('fail');
  });

  it('a base missing from a shallow clone is inconclusive, never a pass', () => {
    const { evaluation, fields } = analyse(
      model({ 'a.ts': [1, 1, 1, 1, 1, 1, 1, 1, 1, 1] }),
      { ...gate, diffMin: 80 },
      { changed: { ok: false, base: 'origin/main', reason: 'shallow clone' } },
    );
    expect(evaluation.verdict).toBe('inconclusive');
    expect(fields.diff?.unavailable).toBe('shallow clone');
  });
});

describe('history', () => {
  it('fails a drop larger than --max-drop and lists coverage lost on unchanged lines', () => {
    const before = analyse(model({ 'a.ts': [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 'b.ts': [1, 1] }), gate).fields;
    const previous = previousFromEnvelope(7, before, 'lcov');
    expect(previous).toBeDefined();
    const now = model({ 'a.ts': [1, 1, 1, 1, 1, 1, 1, 1, 0, 0], 'b.ts': [1, 1] });
    const { evaluation, fields } = analyse(
      now,
      { ...gate, min: 0, maxDrop: 1 },
      { ...(previous ? { previous } : {}) },
    );
    expect(fields.previous).toMatchObject({ runId: 7, delta: -16.67 });
    expect(evaluation.checks.at(-1)).toMatchObject({
      name: 'drop since last run',
      passed: false,
      actual: 16.67,
    });
    expect(fields.lostCoverage).toEqual([{ path: 'a.ts', lines: [9, 10] }]);

    const small = analyse(now, { ...gate, min: 0, maxDrop: 20 }, { ...(previous ? { previous } : {}) });
    expect(small.evaluation.checks.at(-1)?.passed).toBe(true);
  });

  it('does not call lines of a changed file "lost": they may have moved', () => {
    const before = analyse(model({ 'a.ts': [1, 1, 1] }), gate).fields;
    const previous = previousFromEnvelope(1, before);
    const { fields } = analyse(model({ 'a.ts': [1, 1, 0] }), gate, {
      ...(previous ? { previous } : {}),
      changed: { ok: true, base: 'main', mergeBase: 'x', files: new Map([['a.ts', new Set([3])]]) },
    });
    expect(fields.lostCoverage).toEqual([]);
  });
});
