import type { Verdict } from '../core/verdict.ts';
import type { Message } from '../notify/message.ts';
import { changePoints } from '../perf/changepoints.ts';
import type { Store, StoredRun } from '../store/store.ts';
import { testsReport } from '../testmetrics/trends.ts';
import {
  MAX_CHARTS_PER_GROUP,
  SECTIONS,
  type SectionDefinition,
  sectionOf,
  UNCHARTED_KINDS,
} from './sections.ts';

/**
 * Everything the report and the dashboard show, read from the store in one pass: run figures as
 * series (with change points), per-kind verdict counts, the deploy timeline, test suites' flaky and
 * slow tests, and alerts. Plain data, so the static page embeds it and the live page refetches it.
 */
export interface ChartData {
  id: string;
  kind: string;
  group: string;
  metric: string;
  /** Run start times, Unix seconds. */
  x: number[];
  values: Array<number | null>;
  changePoints: Array<{ x: number; before: number; after: number; changePct: number }>;
}

export interface TimelineEntry {
  at: string;
  kind: string;
  verdict: Verdict;
  summary: string;
  labels: Record<string, string>;
  commit?: string;
}

export interface SuiteData {
  suite: string;
  runs: number;
  passRate: number | null;
  flaky: Array<{ key: string; detail: string }>;
  slowest: Array<{ key: string; medianMs: number; runs: number }>;
  failing: Array<{ key: string; failures: number; runs: number }>;
}

export interface AlertEntry {
  at: string;
  status: string;
  severity: string;
  summary: string;
}

export interface SectionData {
  id: string;
  title: string;
  kinds: Array<{ kind: string; runs: number; verdicts: Record<Verdict, number>; last: TimelineEntry }>;
  charts: ChartData[];
  timeline: TimelineEntry[];
}

export interface ReportData {
  generatedAt: string;
  since: string;
  store: { engine: string; location: string };
  runs: number;
  sections: SectionData[];
  suites: SuiteData[];
  alerts: AlertEntry[];
}

export interface CollectOptions {
  since: Date;
  now?: Date;
  /** At most this many runs read (a year of several nightly gates is a few thousand). */
  limit?: number;
}

const TIMELINE_LENGTH = 50;
const ALERTS_SHOWN = 100;
const MIN_POINTS_FOR_CHANGES = 10;
/**
 * A slow drift (coverage creeping up) splits into many small steps; the report shows the shifts a
 * reader should act on. `shipgate trend` gives the full list for one metric.
 */
const REPORT_CHANGE_POINTS = { minMagnitudePct: 5 } as const;
/** Labels that split one kind's runs into separately charted groups. */
const GROUP_LABELS = ['scenario', 'suite', 'env', 'environment'];

/** Several stores (the demo keeps one per stage) read as one history. */
export async function collectReport(
  from: Store | readonly Store[],
  options: CollectOptions,
): Promise<ReportData> {
  const now = options.now ?? new Date();
  const stores: readonly Store[] = Array.isArray(from) ? from : [from as Store];
  const runs = (
    await Promise.all(
      stores.map((s) =>
        s.listRuns({ since: options.since, limit: options.limit ?? 100_000, withoutResult: true }),
      ),
    )
  )
    .flat()
    .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
  const byKind = new Map<string, StoredRun[]>();
  for (const run of runs) {
    if (UNCHARTED_KINDS.includes(run.kind)) continue;
    const list = byKind.get(run.kind) ?? [];
    list.push(run);
    byKind.set(run.kind, list);
  }

  const sections = new Map<string, SectionData>();
  for (const [kind, newestFirst] of [...byKind.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const def = sectionOf(kind);
    const section = sections.get(def.id) ?? {
      id: def.id,
      title: def.title,
      kinds: [],
      charts: [],
      timeline: [],
    };
    sections.set(def.id, section);
    const verdicts: Record<Verdict, number> = { pass: 0, warn: 0, fail: 0, inconclusive: 0 };
    for (const r of newestFirst) verdicts[r.verdict]++;
    section.kinds.push({
      kind,
      runs: newestFirst.length,
      verdicts,
      last: entryOf(newestFirst[0] as StoredRun),
    });
    if (def.timeline) section.timeline.push(...newestFirst.slice(0, TIMELINE_LENGTH).map(entryOf));
    section.charts.push(...chartsOf(kind, [...newestFirst].reverse(), def));
  }
  for (const s of sections.values())
    s.timeline.sort((a, b) => b.at.localeCompare(a.at)).splice(TIMELINE_LENGTH);

  const order = [...SECTIONS.map((s) => s.id), 'other'];
  return {
    generatedAt: now.toISOString(),
    since: options.since.toISOString(),
    store: {
      engine: [...new Set(stores.map((s) => s.engine))].join(', '),
      location: stores.map((s) => s.location).join(', '),
    },
    runs: runs.length,
    sections: [...sections.values()].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id)),
    suites: (await Promise.all(stores.map((s) => suitesOf(s, options.since)))).flat(),
    alerts: (await Promise.all(stores.map((s) => alertsOf(s, options.since))))
      .flat()
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, ALERTS_SHOWN),
  };
}

function entryOf(run: StoredRun): TimelineEntry {
  return {
    at: run.startedAt.toISOString(),
    kind: run.kind,
    verdict: run.verdict,
    summary: run.summary,
    labels: run.labels,
    ...(run.gitCommit ? { commit: run.gitCommit } : {}),
  };
}

/** Tests record counts; the pass rate is what people read, so it is derived here. */
function figuresOf(run: StoredRun): Record<string, number> {
  const f = run.figures;
  const judged = (f.total ?? 0) - (f.skipped ?? 0) - (f.todo ?? 0);
  return run.kind === 'tests' && judged > 0 && f.passed !== undefined
    ? { pass_rate: (100 * f.passed) / judged, ...f }
    : f;
}

function chartsOf(kind: string, oldestFirst: StoredRun[], def: SectionDefinition): ChartData[] {
  const groups = new Map<string, StoredRun[]>();
  for (const run of oldestFirst) {
    const group = GROUP_LABELS.map((l) => run.labels[l]).find((v) => v !== undefined) ?? '';
    groups.set(group, [...(groups.get(group) ?? []), run]);
  }
  const charts: ChartData[] = [];
  for (const [group, list] of groups) {
    const figures = list.map(figuresOf);
    const present = new Set(figures.flatMap((f) => Object.keys(f)));
    const metrics = [
      ...def.metrics.filter((m) => present.has(m)),
      ...[...present].filter((m) => !def.metrics.includes(m)).sort(),
    ].slice(0, MAX_CHARTS_PER_GROUP);
    for (const metric of metrics) {
      const x = list.map((r) => Math.round(r.startedAt.getTime() / 1000));
      const values = figures.map((f) => (Number.isFinite(f[metric]) ? (f[metric] as number) : null));
      charts.push({
        id: `${kind}-${group}-${metric}`.replaceAll(/[^A-Za-z0-9_-]/g, '_'),
        kind,
        group,
        metric,
        x,
        values,
        changePoints: changesOf(x, values),
      });
    }
  }
  return charts;
}

function changesOf(x: number[], values: Array<number | null>): ChartData['changePoints'] {
  const idx: number[] = [];
  const present: number[] = [];
  values.forEach((v, i) => {
    if (v !== null) {
      idx.push(i);
      present.push(v);
    }
  });
  if (present.length < MIN_POINTS_FOR_CHANGES) return [];
  return changePoints(present, REPORT_CHANGE_POINTS).map((c) => ({
    x: x[idx[c.index] as number] as number,
    before: c.before,
    after: c.after,
    changePct: c.changePct,
  }));
}

const SUITE_WINDOW = 30;

async function suitesOf(store: Store, since: Date): Promise<SuiteData[]> {
  const runs = await store.listRuns({ kind: 'tests', since, limit: 100_000, withoutResult: true });
  const suites = [
    ...new Set(runs.map((r) => r.labels.suite).filter((s): s is string => s !== undefined)),
  ].sort();
  const out: SuiteData[] = [];
  for (const suite of suites) {
    const report = await testsReport(store, { suite, limit: SUITE_WINDOW, since });
    const fields = report.envelope as unknown as {
      flaky: Array<{ key: string; reasons: string[]; runs: number; failures: number }>;
      slowest: SuiteData['slowest'];
      failing: SuiteData['failing'];
    };
    const latest = runs.find((r) => r.labels.suite === suite);
    out.push({
      suite,
      runs: runs.filter((r) => r.labels.suite === suite).length,
      passRate: latest ? (figuresOf(latest).pass_rate ?? null) : null,
      flaky: fields.flaky.map((f) => ({
        key: f.key,
        detail: `${f.failures}/${f.runs} runs failed (${f.reasons.join(', ')})`,
      })),
      slowest: fields.slowest.slice(0, 10),
      failing: fields.failing.slice(0, 10),
    });
  }
  return out;
}

async function alertsOf(store: Store, since: Date): Promise<AlertEntry[]> {
  const messages = await store.monitoring().listOutbox({ limit: 2000 });
  const seen = new Set<string>();
  const alerts: AlertEntry[] = [];
  for (const m of messages) {
    const payload = m.payload as Partial<Message>;
    if (payload.kind !== 'alerts' || !Array.isArray(payload.alerts) || m.createdAt < since) continue;
    for (const a of payload.alerts) {
      // The same alert goes to every channel as its own message: show it once.
      const key = `${a.key}|${a.status}|${a.startsAt}|${a.repeat ? m.createdAt.toISOString() : ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      alerts.push({
        at: (a.status === 'resolved' ? a.endsAt : undefined) ?? a.startsAt,
        status: a.repeat ? 'still firing' : a.status,
        severity: a.labels.severity ?? 'warning',
        summary: a.summary,
      });
    }
  }
  return alerts.sort((a, b) => b.at.localeCompare(a.at)).slice(0, ALERTS_SHOWN);
}
