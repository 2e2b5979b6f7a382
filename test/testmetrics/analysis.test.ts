import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ANALYSIS,
  durationRegressions,
  executedDrop,
  failureClusters,
  flakyTests,
  type HistoryResult,
  type HistoryRun,
  newTests,
  slowestTests,
} from '../../src/testmetrics/analysis.ts';
import { applyGate } from '../../src/testmetrics/gate.ts';
import type { TestCase, TestStatus } from '../../src/testmetrics/model.ts';
import { failureSignature } from '../../src/testmetrics/signature.ts';
import { wilson } from '../../src/testmetrics/stats.ts';

function test(
  id: string,
  status: TestStatus = 'passed',
  durationMs: number | null = 10,
  message?: string,
): TestCase {
  return {
    id,
    key: `t › ${id}`,
    suite: ['t'],
    name: id,
    status,
    durationMs,
    retries: 0,
    ...(message ? { failure: { kind: 'failure', message } } : {}),
  };
}

function run(runId: number, results: Record<string, Partial<HistoryResult>>, commit?: string): HistoryRun {
  const map = new Map<string, HistoryResult>();
  for (const [id, r] of Object.entries(results))
    map.set(id, { status: 'passed', durationMs: 10, retries: 0, ...r });
  return {
    runId,
    startedAt: new Date(runId * 1000),
    ...(commit ? { commit } : {}),
    executed: map.size,
    results: map,
  };
}

describe('duration regressions (median and MAD)', () => {
  const history = [100, 104, 98, 101, 99, 350, 102].map((d, i) => run(i + 1, { a: { durationMs: d } }));

  it('flags a test far above its median and ignores an outlier in the history', () => {
    const [r] = durationRegressions([test('a', 'passed', 400)], history, DEFAULT_ANALYSIS);
    expect(r).toMatchObject({ id: 'a', medianMs: 101, samples: 7 });
    expect(r?.z).toBeGreaterThan(3.5);
  });

  it('does not flag ordinary noise or tiny absolute slowdowns', () => {
    expect(durationRegressions([test('a', 'passed', 106)], history, DEFAULT_ANALYSIS)).toEqual([]);
    const fast = [1, 1, 1, 1, 1].map((d, i) => run(i + 1, { b: { durationMs: d } }));
    expect(durationRegressions([test('b', 'passed', 30)], fast, DEFAULT_ANALYSIS)).toEqual([]);
  });

  it('needs a minimum number of samples', () => {
    expect(durationRegressions([test('a', 'passed', 4000)], history.slice(0, 3), DEFAULT_ANALYSIS)).toEqual(
      [],
    );
  });
});

describe('flaky tests', () => {
  it('passed and failed on the same commit', () => {
    const history = [run(1, { a: { status: 'passed' } }, 'abc')];
    const [f] = flakyTests([test('a', 'failed')], 'abc', history, DEFAULT_ANALYSIS);
    expect(f?.reasons).toEqual(['same-commit']);
  });

  it('passed on a retry', () => {
    expect(flakyTests([test('a', 'flaky')], undefined, [], DEFAULT_ANALYSIS)[0]?.reasons).toEqual([
      'retried',
    ]);
  });

  it('failure rate over the window needs enough samples, and always-failing is broken, not flaky', () => {
    const mixed = Array.from({ length: 9 }, (_, i) =>
      run(i + 1, { a: { status: i % 3 === 0 ? 'failed' : 'passed' } }, `c${i}`),
    );
    expect(flakyTests([test('a')], 'new', mixed, DEFAULT_ANALYSIS)[0]?.reasons).toEqual(['failure-rate']);
    expect(flakyTests([test('a')], 'new', mixed.slice(0, 2), DEFAULT_ANALYSIS)).toEqual([]);
    const broken = Array.from({ length: 9 }, (_, i) => run(i + 1, { a: { status: 'failed' } }, `c${i}`));
    expect(flakyTests([test('a', 'failed')], 'new', broken, DEFAULT_ANALYSIS)).toEqual([]);
  });

  it('leaves out runs where most tests failed (infrastructure)', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const infra = run(1, Object.fromEntries(ids.map((id) => [id, { status: 'error' as const }])), 'x');
    const fine = run(2, Object.fromEntries(ids.map((id) => [id, { status: 'passed' as const }])), 'x');
    expect(flakyTests([test('a')], 'x', [infra, fine], DEFAULT_ANALYSIS)).toEqual([]);
  });

  it('Wilson interval is honest for small samples', () => {
    const w = wilson(1, 3);
    expect(w.low).toBeLessThan(0.07);
    expect(w.high).toBeGreaterThan(0.75);
  });
});

describe('failure clusters, new tests, slowest, executed drop', () => {
  it('groups messages that differ only in numbers, addresses, ids and paths', () => {
    const tests = [
      test('a', 'failed', 1, 'connect ECONNREFUSED 127.0.0.1:5432 after 3012 ms'),
      test('b', 'failed', 1, 'connect ECONNREFUSED 127.0.0.1:6543 after 17 ms'),
      test('c', 'failed', 1, "expected 'acme' to be 'apple'"),
    ];
    const clusters = failureClusters(tests);
    expect(clusters.map((c) => c.count)).toEqual([2, 1]);
    expect(failureSignature('object at 0x7f5c8b6f73d0 in /tmp/x/y.py')).toBe('object at <hex> in <path>');
  });

  it('new tests are those no earlier run has seen; none without history', () => {
    expect(newTests([test('a'), test('z')], [run(1, { a: {} })]).map((t) => t.id)).toEqual(['z']);
    expect(newTests([test('a')], [])).toEqual([]);
  });

  it('slowest ignores unknown durations', () => {
    expect(
      slowestTests([test('a', 'passed', 5), test('b', 'passed', null), test('c', 'passed', 50)], 2).map(
        (s) => s.id,
      ),
    ).toEqual(['c', 'a']);
  });

  it('executed drop against the median of recent runs', () => {
    const history = [100, 100, 98, 5].map((n, i) => ({ ...run(i + 1, {}), executed: n }));
    expect(executedDrop(50, history)).toEqual({ executed: 50, baseline: 99, dropPercent: 49.5 });
    expect(executedDrop(50, [])).toBeUndefined();
  });
});

describe('gate', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  const options = { maxExecutedDropPercent: 10, now };

  it('a failing test fails; quarantined it warns; expired quarantine fails', () => {
    const tests = [test('a', 'failed', 1, 'boom'), test('b')];
    expect(applyGate(tests, 2, undefined, [], options).verdict).toBe('fail');
    const q = [{ test: 'a', reason: 'flaky', until: '2026-12-01' }];
    const warned = applyGate(tests, 2, undefined, q, options);
    expect(warned.verdict).toBe('warn');
    expect(warned.quarantined).toEqual(['a']);
    const expired = applyGate(
      [test('b')],
      1,
      undefined,
      [{ test: 'a', reason: 'flaky', until: '2026-11-23' }],
      options,
    );
    expect(expired.verdict).toBe('fail');
    expect(expired.findings[0]?.rule).toBe('quarantine-expired');
    // the last day of a quarantine still counts
    expect(
      applyGate([test('b')], 1, undefined, [{ test: 'a', reason: 'r', until: '2026-11-24' }], options)
        .verdict,
    ).toBe('pass');
  });

  it('a drop in executed tests beyond the bound fails; no tests at all is inconclusive', () => {
    expect(
      applyGate([test('a')], 1, { executed: 1, baseline: 100, dropPercent: 99 }, [], options).verdict,
    ).toBe('fail');
    expect(
      applyGate([test('a')], 1, { executed: 95, baseline: 100, dropPercent: 5 }, [], options).verdict,
    ).toBe('pass');
    expect(applyGate([test('a', 'skipped')], 0, undefined, [], options).verdict).toBe('inconclusive');
  });
});
