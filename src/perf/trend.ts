import type { z } from 'zod';
import type { Verdict } from '../core/verdict.ts';
import { type Block, type ReportDocument, sparkline } from '../report/document.ts';
import type { Store } from '../store/store.ts';
import { type ChangePointOptions, changePoints } from './changepoints.ts';
import { type Direction, PERF_METRICS } from './metrics.ts';
import type { trendKind } from './result.ts';

export type TrendFields = z.infer<typeof trendKind.fields>;

export interface TrendQuery {
  metric: string;
  scenario?: string;
  branch?: string;
  since?: Date;
  /** The baseline whose run marks changes as accepted (default "main"). */
  baseline?: string;
  /** Runs of this kind (default load). */
  kind?: string;
}

export interface Trend {
  verdict: Verdict;
  summary: string;
  fields: TrendFields;
}

/** The most runs a trend reads: years of nightly runs, and still well under a second. */
export const TREND_RUN_LIMIT = 100_000;

/**
 * A metric's history from the store and the change points in it. A change point is "accepted" once
 * the named baseline points at a run at or after it — from then on comparisons use the new level,
 * which is what `shipgate baseline accept RUN_ID` is for. An unaccepted change for the worse gives
 * `warn`: worth a look, but history alone does not fail a build.
 */
export async function trendOf(
  store: Store,
  query: TrendQuery,
  options: ChangePointOptions = {},
): Promise<Trend> {
  const runs = await store.listRuns({
    kind: query.kind ?? 'load',
    ...(query.branch ? { branch: query.branch } : {}),
    ...(query.since ? { since: query.since } : {}),
    ...(query.scenario ? { labels: { scenario: query.scenario } } : {}),
    limit: TREND_RUN_LIMIT,
    withoutResult: true,
  });
  const points = runs
    .filter((r) => Number.isFinite(r.figures[query.metric]))
    .reverse()
    .map((r) => ({
      runId: r.id,
      startedAt: r.startedAt.toISOString(),
      ...(r.gitCommit ? { commit: r.gitCommit } : {}),
      value: r.figures[query.metric] as number,
    }));
  const direction: Direction = PERF_METRICS.find((m) => m.metric === query.metric)?.direction ?? 'lower';
  const baselineName = query.baseline ?? 'main';
  const baseline = await store.getBaseline(baselineName);
  const found = changePoints(
    points.map((p) => p.value),
    options,
  );
  const changes = found.map((c) => {
    const at = points[c.index] as (typeof points)[number];
    return {
      index: c.index,
      runId: at.runId,
      ...(at.commit ? { commit: at.commit } : {}),
      startedAt: at.startedAt,
      before: c.before,
      after: c.after,
      changePct: c.changePct,
      pValue: c.pValue,
      worse: direction === 'lower' ? c.after > c.before : c.after < c.before,
      accepted: baseline !== undefined && baseline.runId >= at.runId,
    };
  });
  const open = changes.filter((c) => c.worse && !c.accepted);
  const verdict: Verdict = points.length === 0 ? 'inconclusive' : open.length > 0 ? 'warn' : 'pass';
  const summary =
    points.length === 0
      ? `no recorded runs with ${query.metric}${query.scenario ? ` for scenario ${query.scenario}` : ''}`
      : changes.length === 0
        ? `${query.metric}: no change point in ${points.length} runs`
        : `${query.metric}: ${changes.length} change point${changes.length === 1 ? '' : 's'} in ${points.length} runs${
            open.length
              ? `; ${open.length} for the worse, not accepted (latest at run #${open.at(-1)?.runId})`
              : ''
          }`;
  return {
    verdict,
    summary,
    fields: {
      metric: query.metric,
      direction,
      filters: {
        ...(query.scenario ? { scenario: query.scenario } : {}),
        ...(query.branch ? { branch: query.branch } : {}),
        ...(query.since ? { since: query.since.toISOString() } : {}),
      },
      points,
      changePoints: changes,
      ...(baseline ? { baseline: { name: baseline.name, runId: baseline.runId } } : {}),
    },
  };
}

export function trendDocument(trend: Trend): ReportDocument {
  const { fields } = trend;
  const values = fields.points.map((p) => p.value);
  const blocks: Block[] = [];
  if (values.length > 0) {
    blocks.push({ type: 'code', title: `${fields.metric}, oldest → newest`, text: sparkline(values) });
    const t0 = Date.parse(fields.points[0]?.startedAt ?? '');
    blocks.push({
      type: 'timeseries',
      title: `${fields.metric} per run`,
      unit: fields.metric.endsWith('_ms') ? 'ms' : '',
      x: fields.points.map((p) => (Date.parse(p.startedAt) - t0) / 1000),
      lines: [{ label: fields.metric, values }],
    });
  }
  if (fields.changePoints.length > 0) {
    blocks.push({
      type: 'table',
      title: 'Change points',
      columns: ['run', 'when', 'commit', 'before', 'after', 'change', 'p-value', 'status'],
      align: ['right', 'left', 'left', 'right', 'right', 'right', 'right', 'left'],
      rows: fields.changePoints.map((c) => [
        `#${c.runId}`,
        c.startedAt.replace('T', ' ').slice(0, 16),
        c.commit?.slice(0, 8) ?? '',
        c.before.toFixed(2),
        c.after.toFixed(2),
        { text: `${c.changePct > 0 ? '+' : ''}${c.changePct.toFixed(1)}%`, tone: c.worse ? 'bad' : 'good' },
        c.pValue.toExponential(1),
        c.accepted ? 'accepted' : c.worse ? { text: 'worse, not accepted', tone: 'bad' } : 'better',
      ]),
    });
  }
  if (fields.baseline)
    blocks.push({
      type: 'paragraph',
      text: `baseline ${fields.baseline.name} → run #${fields.baseline.runId}`,
      tone: 'muted',
    });
  return { title: `Trend: ${fields.metric}`, verdict: trend.verdict, summary: trend.summary, blocks };
}
