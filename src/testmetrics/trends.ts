import type { Outcome } from '../cli/outcome.ts';
import { makeEnvelope } from '../core/envelope.ts';
import { formatDuration } from '../core/units.ts';
import type { Block } from '../report/document.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_ANALYSIS, flakyTests, type HistoryRun } from './analysis.ts';
import { loadHistory } from './history.ts';
import { FAILING_STATUSES, type TestCase } from './model.ts';
import { testsReportKind } from './result.ts';
import { median } from './stats.ts';

/** `shipgate tests report`: what the recorded runs of a suite say together. */
export interface ReportQuery {
  suite: string;
  limit: number;
  since?: Date;
}

const SHOWN = 15;

export async function testsReport(store: Store, query: ReportQuery): Promise<Outcome> {
  const startedAt = new Date();
  const all = await loadHistory(store, query.suite, query.limit);
  const history = query.since ? all.filter((r) => r.startedAt >= (query.since as Date)) : all;
  const runs = await store.listRuns({
    kind: 'tests',
    labels: { suite: query.suite },
    limit: query.limit,
    withoutResult: true,
  });
  const shown = runs.filter((r) => history.some((h) => h.runId === r.id)).reverse();
  const keys = await keysOf(store, history);

  // flakiness over the window: judge each test's newest result against the runs before it
  const [newest, ...older] = history;
  const latestTests: TestCase[] = newest
    ? [...keys.entries()].map(([id, key]) => {
        const r = newest.results.get(id);
        return {
          id,
          key,
          suite: [],
          name: key,
          status: r?.status ?? 'skipped',
          durationMs: r?.durationMs ?? null,
          retries: r?.retries ?? 0,
        };
      })
    : [];
  const flaky = newest ? flakyTests(latestTests, newest.commit, older, DEFAULT_ANALYSIS) : [];
  const slowest = slowestByMedian(history, keys);
  const failing = mostFailing(history, keys);

  const verdict = 'pass' as const;
  const summary = `${history.length} run${history.length === 1 ? '' : 's'} of suite "${query.suite}": ${flaky.length} flaky, ${failing.length} failing at least once`;
  const envelope = makeEnvelope(testsReportKind, {
    verdict,
    summary,
    startedAt,
    fields: {
      window: { ...(query.since ? { since: query.since.toISOString() } : {}), runs: history.length },
      runs: shown.map((r) => ({
        id: r.id,
        startedAt: r.startedAt.toISOString(),
        verdict: r.verdict,
        ...(r.gitCommit ? { gitCommit: r.gitCommit } : {}),
        figures: r.figures,
      })),
      flaky,
      slowest,
      failing,
    },
  });
  const blocks: Block[] = [];
  if (shown.length > 1) {
    const x = shown.map((r) => (r.startedAt.getTime() - (shown[0]?.startedAt.getTime() ?? 0)) / 1000);
    blocks.push({
      type: 'timeseries',
      title: 'Tests per run',
      unit: 'tests',
      x,
      lines: [
        { label: 'executed', values: shown.map((r) => r.figures.executed ?? null) },
        {
          label: 'failed + errors',
          values: shown.map((r) => (r.figures.failed ?? 0) + (r.figures.errors ?? 0)),
          tone: 'bad',
        },
      ],
    });
    blocks.push({
      type: 'timeseries',
      title: 'Test time per run',
      unit: 's',
      x,
      lines: [
        { label: 'sum of test durations', values: shown.map((r) => (r.figures.duration_ms ?? 0) / 1000) },
      ],
    });
    if (shown.some((r) => r.figures.rss_peak_mb !== undefined)) {
      blocks.push({
        type: 'timeseries',
        title: 'Peak memory of the test run',
        unit: 'MiB',
        x,
        lines: [{ label: 'RSS peak', values: shown.map((r) => r.figures.rss_peak_mb ?? null) }],
      });
    }
  }
  blocks.push({
    type: 'table',
    title: 'Runs',
    columns: ['run', 'when', 'verdict', 'executed', 'failing', 'time'],
    align: ['right', 'left', 'left', 'right', 'right', 'right'],
    rows: shown
      .slice(-SHOWN)
      .reverse()
      .map((r) => [
        r.id,
        r.startedAt.toISOString().replace('T', ' ').slice(0, 19),
        r.verdict,
        r.figures.executed ?? 0,
        (r.figures.failed ?? 0) + (r.figures.errors ?? 0),
        formatDuration(r.figures.duration_ms ?? 0),
      ]),
  });
  if (flaky.length) {
    blocks.push({
      type: 'table',
      title: 'Flaky tests',
      columns: ['test', 'why', 'failed'],
      rows: flaky.slice(0, SHOWN).map((f) => [f.key, f.reasons.join(', '), `${f.failures}/${f.runs}`]),
    });
  }
  if (failing.length) {
    blocks.push({
      type: 'table',
      title: 'Most failing',
      columns: ['test', 'failed'],
      align: ['left', 'right'],
      rows: failing.slice(0, SHOWN).map((f) => [f.key, `${f.failures}/${f.runs}`]),
    });
  }
  if (slowest.length) {
    blocks.push({
      type: 'table',
      title: 'Slowest (median over the window)',
      columns: ['test', 'median', 'runs'],
      align: ['left', 'right', 'right'],
      rows: slowest.slice(0, SHOWN).map((s) => [s.key, formatDuration(s.medianMs), s.runs]),
    });
  }
  if (history.length === 0) {
    blocks.push({
      type: 'paragraph',
      text: 'No test runs recorded yet: run `shipgate tests record junit.xml`.',
      tone: 'muted',
    });
  }
  return { envelope, document: { title: `Test trends: ${query.suite}`, verdict, summary, blocks } };
}

async function keysOf(store: Store, history: readonly HistoryRun[]): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  if (history.length === 0) return keys;
  for (const row of await store.testResults().list(history.map((h) => h.runId)))
    keys.set(row.testId, row.key);
  return keys;
}

function slowestByMedian(history: readonly HistoryRun[], keys: Map<string, string>) {
  const durations = new Map<string, number[]>();
  for (const run of history) {
    for (const [id, r] of run.results) {
      if (r.durationMs === null) continue;
      const list = durations.get(id) ?? [];
      list.push(r.durationMs);
      durations.set(id, list);
    }
  }
  return [...durations.entries()]
    .map(([id, list]) => ({ id, key: keys.get(id) ?? id, medianMs: median(list), runs: list.length }))
    .sort((a, b) => b.medianMs - a.medianMs)
    .slice(0, DEFAULT_ANALYSIS.slowest);
}

function mostFailing(history: readonly HistoryRun[], keys: Map<string, string>) {
  const tally = new Map<string, { failures: number; runs: number }>();
  for (const run of history) {
    for (const [id, r] of run.results) {
      const t = tally.get(id) ?? { failures: 0, runs: 0 };
      t.runs += 1;
      if (FAILING_STATUSES.has(r.status)) t.failures += 1;
      tally.set(id, t);
    }
  }
  return [...tally.entries()]
    .filter(([, t]) => t.failures > 0)
    .map(([id, t]) => ({ id, key: keys.get(id) ?? id, ...t }))
    .sort((a, b) => b.failures - a.failures || a.key.localeCompare(b.key))
    .slice(0, 50);
}
