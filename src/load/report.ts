import { formatBytes, formatDuration } from '../core/units.ts';
import type { Verdict } from '../core/verdict.ts';
import type { Block, Cell, ReportDocument } from '../report/document.ts';
import type { LoadFields } from './tests.ts';
import { describeThresholdResult } from './thresholds.ts';
import type { LatencySummaryMs } from './types.ts';

/** The human view of a load, stress or endurance result: k6-like summary, charts over time. */
export function loadDocument(
  fields: LoadFields,
  verdict: Verdict,
  summary: string,
  warnings: string[],
): ReportDocument {
  const m = fields.metrics;
  const blocks: Block[] = [
    {
      type: 'fields',
      fields: [
        ['target', `${fields.target.baseUrl} (${fields.target.scenario})`],
        ['model', describeModel(fields.model)],
        ['duration', `${formatDuration(fields.durationMs)} (stopped by ${fields.stopReason})`],
        [
          'generator',
          `${fields.generator.workers} worker(s), ${fields.generator.cpuPercent.toFixed(0)}% CPU, event-loop lag p99 ${fields.generator.eventLoopLagMsP99.toFixed(1)}ms`,
        ],
      ],
    },
    {
      type: 'table',
      title: 'Latency (ms)',
      columns: ['', 'min', 'avg', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'],
      align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
      rows: [
        latencyRow('service time', m.latencyMs),
        latencyRow('time to first byte', m.waitingMs),
        ...(m.correctedLatencyMs ? [latencyRow('from intended send', m.correctedLatencyMs)] : []),
      ],
    },
    {
      type: 'fields',
      title: 'Throughput and errors',
      fields: [
        ['requests', `${m.completed} completed of ${m.requests} sent (${m.rps.toFixed(1)}/s)`],
        [
          'errors',
          { text: `${m.errors} (${(m.errorRate * 100).toFixed(2)}%)`, tone: m.errors ? 'bad' : 'good' },
        ],
        [
          'status codes',
          Object.entries(m.statusCodes)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ') || '—',
        ],
        [
          'error kinds',
          Object.entries(m.errorKinds)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ') || '—',
        ],
        ['data', `${formatBytes(m.bytesIn)} received, ${formatBytes(m.bytesOut)} sent`],
        ...(fields.schedule
          ? ([
              [
                'schedule',
                `${fields.schedule.sent}/${fields.schedule.intended} arrivals sent, ${fields.schedule.dropped} dropped, slip p99 ${fields.schedule.slipMsP99.toFixed(1)}ms`,
              ],
            ] as Array<[string, Cell]>)
          : []),
      ],
    },
  ];
  const endpoints = Object.entries(fields.endpoints);
  if (endpoints.length > 1) {
    blocks.push({
      type: 'table',
      title: 'Per request',
      columns: ['request', 'requests', 'rps', 'errors', 'p50', 'p95', 'p99'],
      align: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
      rows: endpoints.map(([name, e]) => [
        name,
        e.requests,
        e.rps.toFixed(1),
        `${(e.errorRate * 100).toFixed(2)}%`,
        ms(e.latencyMs.p50),
        ms(e.latencyMs.p95),
        ms(e.latencyMs.p99),
      ]),
    });
  }
  if (fields.thresholds.length) {
    blocks.push({
      type: 'list',
      title: 'Thresholds',
      items: fields.thresholds.map((t) => ({
        text: describeThresholdResult(t),
        tone: t.passed ? 'good' : 'bad',
      })),
    });
  }
  const x = fields.series.map((p) => p.tMs / 1000);
  if (x.length > 1) {
    blocks.push({
      type: 'timeseries',
      title: 'Latency over time',
      unit: 'ms',
      x,
      lines: [
        { label: 'p50', values: fields.series.map((p) => (p.requests ? p.p50Ms : null)) },
        { label: 'p95', values: fields.series.map((p) => (p.requests ? p.p95Ms : null)) },
        { label: 'p99', values: fields.series.map((p) => (p.requests ? p.p99Ms : null)) },
        ...(fields.series.some((p) => p.correctedP99Ms !== undefined)
          ? [{ label: 'p99 from intended', values: fields.series.map((p) => p.correctedP99Ms ?? null) }]
          : []),
      ],
    });
    blocks.push({
      type: 'timeseries',
      title: 'Throughput over time',
      unit: '/s',
      x,
      lines: [
        { label: 'responses/s', values: fields.series.map((p) => p.rps) },
        { label: 'errors/s', values: fields.series.map((p, i) => p.errors / windowSeconds(fields, i)) },
      ],
    });
  }
  if (fields.stress) {
    const s = fields.stress;
    const unit = s.unit === 'users' ? 'users' : 'rate (/s)';
    blocks.push({
      type: 'table',
      title: 'Stress steps',
      columns: [unit, 'rps', 'p95', 'errors', 'requests', ''],
      align: ['right', 'right', 'right', 'right', 'right', 'left'],
      rows: s.steps.map((step) => [
        step.level,
        step.rps.toFixed(1),
        ms(step.p95Ms),
        `${(step.errorRate * 100).toFixed(2)}%`,
        step.requests,
        step.level === s.firstFailing?.level
          ? { text: 'first failing', tone: 'bad' }
          : step.level === s.lastGood?.level
            ? { text: 'last good', tone: 'good' }
            : '',
      ]),
    });
    blocks.push({
      type: 'chart',
      title: 'Throughput by level',
      unit: '/s',
      series: [...s.steps]
        .sort((a, b) => a.level - b.level)
        .map((step) => ({
          label: `${step.level}${s.unit === 'users' ? ' users' : '/s'}`,
          value: Math.round(step.rps),
          tone: s.firstFailing && step.level >= s.firstFailing.level ? 'bad' : 'good',
        })),
    });
  }
  if (fields.endurance) {
    const e = fields.endurance;
    const slope = (t: { slope: number; low: number; high: number } | null, unit: string) =>
      t
        ? `${t.slope.toFixed(2)} ${unit} (95% CI ${t.low.toFixed(2)} … ${t.high.toFixed(2)})`
        : 'not enough data';
    blocks.push({
      type: 'fields',
      title: `Endurance: ${e.verdict}`,
      fields: [
        ['p95 latency', slope(e.latencyP95SlopeMsPerHour, 'ms/h')],
        ['p99 latency', slope(e.latencyP99SlopeMsPerHour, 'ms/h')],
        ['throughput', slope(e.rpsSlopePerHour, 'req/s per h')],
        [
          'server memory',
          e.server ? slope(e.serverRssSlopeMbPerHour, 'MB/h') : 'not sampled (give --server-pid)',
        ],
        ...(e.server
          ? ([
              [
                'server',
                `pid ${e.server.pid}: RSS ${e.server.rssStartMb.toFixed(1)} → ${e.server.rssEndMb.toFixed(1)} MB, CPU ${e.server.cpuPercentMean.toFixed(0)}%`,
              ],
            ] as Array<[string, Cell]>)
          : []),
      ],
    });
    if (e.findings.length)
      blocks.push({
        type: 'list',
        title: 'Findings',
        items: e.findings.map((f) => ({ text: f, tone: 'bad' })),
      });
    if (e.server && e.server.samples.length > 1) {
      blocks.push({
        type: 'timeseries',
        title: 'Server memory (RSS)',
        unit: 'MB',
        x: e.server.samples.map((s) => s.tMs / 1000),
        lines: [{ label: 'RSS', values: e.server.samples.map((s) => Number(s.rssMb.toFixed(2))) }],
      });
    }
  }
  if (warnings.length)
    blocks.push({ type: 'list', title: 'Warnings', items: warnings.map((w) => ({ text: w, tone: 'warn' })) });
  const title = { load: 'Load test', stress: 'Stress test', endurance: 'Endurance test' }[fields.mode];
  return { title, verdict, summary, blocks };
}

function describeModel(model: LoadFields['model']): string {
  if (model.kind === 'closed') {
    return `closed: ${model.users} users, ramp-up ${formatDuration(model.rampUpMs)}${model.thinkTimeMs ? `, think time ${formatDuration(model.thinkTimeMs)}` : ''}`;
  }
  const targets = model.stages
    .map((s) => `${s.targetRate}/s over ${formatDuration(s.durationMs)}`)
    .join(', ');
  return `open: from ${model.startRate}/s, ${targets}; at most ${model.maxInFlight} in flight`;
}

function latencyRow(label: string, l: LatencySummaryMs): Cell[] {
  return [label, ms(l.min), ms(l.mean), ms(l.p50), ms(l.p90), ms(l.p95), ms(l.p99), ms(l.p999), ms(l.max)];
}

function ms(v: number): string {
  return v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0);
}

function windowSeconds(fields: LoadFields, i: number): number {
  const a = fields.series[i]?.tMs ?? 0;
  const b = fields.series[i + 1]?.tMs;
  const fallback =
    fields.series.length > 1 ? (fields.series[1]?.tMs ?? 1000) - (fields.series[0]?.tMs ?? 0) : 1000;
  return ((b ?? a + fallback) - a) / 1000 || 1;
}
