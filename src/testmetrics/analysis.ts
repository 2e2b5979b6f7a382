import { FAILING_STATUSES, NOT_EXECUTED, type TestCase, type TestStatus } from './model.ts';
import { failureSignature } from './signature.ts';
import { median, scaledMad, wilson } from './stats.ts';

/**
 * Analysis of one run against the history of earlier runs. Pure functions over plain data: the
 * command loads the history from the store and hands it in.
 */

export interface HistoryResult {
  status: TestStatus;
  durationMs: number | null;
  retries: number;
}

export interface HistoryRun {
  runId: number;
  startedAt: Date;
  commit?: string;
  /** Tests executed in that run (from its figures), for the count guard. */
  executed: number;
  results: Map<string, HistoryResult>;
}

export interface AnalysisOptions {
  slowest: number;
  /** Past samples a test needs before its duration or failure rate is judged. */
  minSamples: number;
  /** Robust z (distance from the median in scaled MADs) beyond which a duration is a regression. */
  durationZ: number;
  /** …and the absolute slowdown it must also exceed, so 1 ms → 3 ms noise is never flagged. */
  minSlowdownMs: number;
  /** Lower bound of the failure-rate interval above which an intermittently failing test is flaky. */
  flakyRate: number;
  /** Runs where more than this share of tests failed are infrastructure failures, left out of rates. */
  infraFailureShare: number;
}

export const DEFAULT_ANALYSIS: AnalysisOptions = {
  slowest: 10,
  minSamples: 5,
  durationZ: 3.5,
  minSlowdownMs: 50,
  flakyRate: 0.02,
  infraFailureShare: 0.8,
};

export interface SlowTest {
  id: string;
  key: string;
  durationMs: number;
}

export function slowestTests(tests: readonly TestCase[], n: number): SlowTest[] {
  return tests
    .filter((t): t is TestCase & { durationMs: number } => t.durationMs !== null)
    .sort((a, b) => b.durationMs - a.durationMs || a.key.localeCompare(b.key))
    .slice(0, n)
    .map((t) => ({ id: t.id, key: t.key, durationMs: t.durationMs }));
}

export interface DurationRegression {
  id: string;
  key: string;
  durationMs: number;
  medianMs: number;
  madMs: number;
  /** Robust z-score; null when the history has no spread (MAD 0) and only the floor decided. */
  z: number | null;
  samples: number;
}

/**
 * A test is slower than usual when its duration is more than `durationZ` scaled MADs above the
 * median of its past passing durations AND at least `minSlowdownMs` above it. Median and MAD
 * ignore the odd outlier in the history that a mean and standard deviation would chase.
 */
export function durationRegressions(
  tests: readonly TestCase[],
  history: readonly HistoryRun[],
  options: AnalysisOptions,
): DurationRegression[] {
  const out: DurationRegression[] = [];
  for (const t of tests) {
    if (t.durationMs === null || t.status !== 'passed') continue;
    const past: number[] = [];
    for (const run of history) {
      const r = run.results.get(t.id);
      if (r && r.status === 'passed' && r.durationMs !== null) past.push(r.durationMs);
    }
    if (past.length < options.minSamples) continue;
    const m = median(past);
    const mad = scaledMad(past);
    const slowdown = t.durationMs - m;
    if (slowdown < options.minSlowdownMs) continue;
    const z = mad > 0 ? slowdown / mad : null;
    if (z !== null && z < options.durationZ) continue;
    out.push({
      id: t.id,
      key: t.key,
      durationMs: t.durationMs,
      medianMs: m,
      madMs: mad,
      z,
      samples: past.length,
    });
  }
  return out.sort((a, b) => b.durationMs - b.medianMs - (a.durationMs - a.medianMs));
}

export type FlakyReason = 'retried' | 'same-commit' | 'failure-rate';

export interface FlakyTest {
  id: string;
  key: string;
  reasons: FlakyReason[];
  /** Runs looked at (this one and the history, infrastructure failures left out). */
  runs: number;
  failures: number;
  /** 95 % Wilson interval of the failure rate. */
  failureRate: { low: number; high: number };
}

interface Outcome {
  failed: boolean;
  retried: boolean;
  commit: string | undefined;
}

/**
 * Flaky = any of: passed only on a retry (Surefire's flaky elements); passed and failed on the
 * same commit (Trunk, Harness, Mergify); or failed now and then over the window — at least
 * `minSamples` runs, some passing, and a failure rate whose interval's lower bound is above
 * `flakyRate`. A test that always fails is broken, not flaky.
 */
export function flakyTests(
  tests: readonly TestCase[],
  commit: string | undefined,
  history: readonly HistoryRun[],
  options: AnalysisOptions,
): FlakyTest[] {
  const usable = history.filter((run) => !isInfrastructureFailure(run, options.infraFailureShare));
  const out: FlakyTest[] = [];
  for (const t of tests) {
    const outcomes: Outcome[] = [];
    if (!NOT_EXECUTED.has(t.status)) {
      outcomes.push({ failed: FAILING_STATUSES.has(t.status), retried: t.status === 'flaky', commit });
    }
    for (const run of usable) {
      const r = run.results.get(t.id);
      if (!r || NOT_EXECUTED.has(r.status)) continue;
      outcomes.push({
        failed: FAILING_STATUSES.has(r.status),
        retried: r.status === 'flaky',
        commit: run.commit,
      });
    }
    const reasons: FlakyReason[] = [];
    if (outcomes.some((o) => o.retried)) reasons.push('retried');
    if (passedAndFailedOnOneCommit(outcomes)) reasons.push('same-commit');
    const failures = outcomes.filter((o) => o.failed).length;
    const rate = wilson(failures, outcomes.length);
    if (outcomes.length >= options.minSamples && failures < outcomes.length && rate.low > options.flakyRate) {
      reasons.push('failure-rate');
    }
    if (reasons.length > 0) {
      out.push({ id: t.id, key: t.key, reasons, runs: outcomes.length, failures, failureRate: rate });
    }
  }
  return out.sort((a, b) => b.failureRate.low - a.failureRate.low || a.key.localeCompare(b.key));
}

function passedAndFailedOnOneCommit(outcomes: readonly Outcome[]): boolean {
  const seen = new Map<string, { pass: boolean; fail: boolean }>();
  for (const o of outcomes) {
    if (!o.commit) continue;
    const s = seen.get(o.commit) ?? { pass: false, fail: false };
    if (o.failed) s.fail = true;
    else s.pass = true;
    seen.set(o.commit, s);
    if (s.pass && s.fail) return true;
  }
  return false;
}

function isInfrastructureFailure(run: HistoryRun, share: number): boolean {
  let executed = 0;
  let failed = 0;
  for (const r of run.results.values()) {
    if (NOT_EXECUTED.has(r.status)) continue;
    executed += 1;
    if (FAILING_STATUSES.has(r.status)) failed += 1;
  }
  return executed >= 5 && failed / executed > share;
}

export interface FailureCluster {
  signature: string;
  count: number;
  /** Up to five test keys, for the report. */
  examples: string[];
  testIds: string[];
}

/** Groups failing tests by normalised failure signature, largest group first. */
export function failureClusters(tests: readonly TestCase[]): FailureCluster[] {
  const groups = new Map<string, FailureCluster>();
  for (const t of tests) {
    if (!FAILING_STATUSES.has(t.status) || !t.failure) continue;
    const signature = failureSignature(t.failure.message, t.failure.type);
    const g = groups.get(signature) ?? { signature, count: 0, examples: [], testIds: [] };
    g.count += 1;
    g.testIds.push(t.id);
    if (g.examples.length < 5) g.examples.push(t.key);
    groups.set(signature, g);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.signature.localeCompare(b.signature));
}

/** Tests no earlier run has seen (empty when there is no history: then everything would be new). */
export function newTests(tests: readonly TestCase[], history: readonly HistoryRun[]): TestCase[] {
  if (history.length === 0) return [];
  return tests.filter((t) => !history.some((run) => run.results.has(t.id)));
}

export interface ExecutedDrop {
  executed: number;
  /** Median of the executed counts of the history runs. */
  baseline: number;
  dropPercent: number;
}

/**
 * Compares the executed test count with the median of recent runs: a shard that silently ran
 * nothing, a test file that stopped being collected.
 */
export function executedDrop(executed: number, history: readonly HistoryRun[]): ExecutedDrop | undefined {
  const counts = history.map((r) => r.executed).filter((n) => Number.isFinite(n) && n > 0);
  if (counts.length === 0) return undefined;
  const baseline = median(counts);
  const dropPercent = baseline > 0 ? Math.max(0, ((baseline - executed) / baseline) * 100) : 0;
  return { executed, baseline, dropPercent: Math.round(dropPercent * 10) / 10 };
}
