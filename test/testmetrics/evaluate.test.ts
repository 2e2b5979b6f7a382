import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS, type HistoryRun } from '../../src/testmetrics/analysis.ts';
import { type EvaluateInput, evaluate } from '../../src/testmetrics/evaluate.ts';
import { testIdentity } from '../../src/testmetrics/identity.ts';
import type { TestCase, TestStatus } from '../../src/testmetrics/model.ts';

function tc(name: string, status: TestStatus = 'passed', durationMs: number | null = 100): TestCase {
  const { id, key } = testIdentity('a.test.ts', ['suite'], name);
  return { id, key, file: 'a.test.ts', suite: ['suite'], name, status, durationMs, retries: 0 };
}

function past(runId: number, tests: TestCase[], commit = `c${runId}`): HistoryRun {
  return {
    runId,
    startedAt: new Date(Date.UTC(2026, 10, runId)),
    commit,
    executed: tests.length,
    results: new Map(tests.map((t) => [t.id, { status: t.status, durationMs: t.durationMs, retries: 0 }])),
  };
}

function input(tests: TestCase[], history: HistoryRun[], extra: Partial<EvaluateInput> = {}): EvaluateInput {
  return {
    run: { tests, sources: [{ file: 'r.xml', dialect: 'generic', tests: tests.length }], notes: [] },
    history,
    quarantine: { file: 'shipgate.quarantine.yaml', entries: [] },
    commit: 'head',
    now: new Date('2026-11-24T00:00:00Z'),
    analysis: DEFAULT_ANALYSIS,
    maxExecutedDropPercent: 10,
    ...extra,
  };
}

describe('evaluate', () => {
  const base = ['login', 'logout', 'refresh', 'profile', 'search'].map((n) => tc(n));
  const history = [1, 2, 3, 4, 5, 6].map((i) =>
    past(
      i,
      base.map((t) => ({ ...t, durationMs: 100 + (i % 3) })),
    ),
  );

  it('passes a green run and reports the slowest, with figures for the store', () => {
    const e = evaluate(input(base, history));
    expect(e.verdict).toBe('pass');
    expect(e.summary).toBe('5 tests: 5 passed, 0 failing');
    expect(e.figures).toMatchObject({ total: 5, executed: 5, failed: 0, flaky: 0 });
    expect(e.fields.slowest).toHaveLength(5);
    expect(e.fields.history).toEqual({ runs: 6, executedBaseline: 5, executedDropPercent: 0 });
  });

  it('warns (but passes) on a duration regression and lists new tests', () => {
    const slow = base.map((t) => (t.name === 'search' ? { ...t, durationMs: 900 } : t));
    const e = evaluate(input([...slow, tc('export')], history));
    expect(e.verdict).toBe('pass');
    expect(e.fields.durationRegressions.map((r) => r.key)).toEqual(['a.test.ts › suite › search']);
    expect(e.warnings).toContain('1 test is markedly slower than usual');
    expect(e.fields.newTests.map((t) => t.key)).toEqual(['a.test.ts › suite › export']);
  });

  it('fails when executed tests drop, and says by how much', () => {
    const e = evaluate(input(base.slice(0, 2), history));
    expect(e.verdict).toBe('fail');
    expect(e.fields.findings.map((f) => f.message)).toEqual([
      '2 tests executed, 60% fewer than the recent median of 5 (bound 10%)',
    ]);
  });

  it('a test failing on a commit where it passed before is flagged flaky', () => {
    const sameCommit = [past(1, base, 'head')];
    const failing = base.map((t) => (t.name === 'login' ? { ...t, status: 'failed' as const } : t));
    const e = evaluate(input(failing, sameCommit));
    expect(e.verdict).toBe('fail');
    expect(e.fields.flaky.map((f) => [f.key, f.reasons])).toEqual([
      ['a.test.ts › suite › login', ['same-commit']],
    ]);
  });

  it('a runner that exits non-zero with a green report is inconclusive; with failures the gate decides', () => {
    const green = evaluate(input(base, [], { command: { argv: ['x'], exitCode: 1, signal: null } }));
    expect(green.verdict).toBe('inconclusive');
    const killed = evaluate(input(base, [], { command: { argv: ['x'], exitCode: null, signal: 'SIGKILL' } }));
    expect(killed.warnings[0]).toMatch(/was killed by SIGKILL/);
    const red = [...base, tc('broken', 'failed')];
    expect(evaluate(input(red, [], { command: { argv: ['x'], exitCode: 1, signal: null } })).verdict).toBe(
      'fail',
    );
  });
});
