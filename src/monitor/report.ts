import type { z } from 'zod';
import { formatDuration } from '../core/units.ts';
import type { Verdict } from '../core/verdict.ts';
import type { Block, Cell, ReportDocument } from '../report/document.ts';
import type { Silence } from '../store/monitoring.ts';
import type { alertSchema, alertsKind, deliverySchema, monitorKind } from './result.ts';
import type { AlertState } from './rules.ts';

type AlertView = z.infer<typeof alertSchema>;
type DeliveryView = z.infer<typeof deliverySchema>;
type MonitorFields = z.infer<typeof monitorKind.fields>;
type AlertsFields = z.infer<typeof alertsKind.fields>;

export function alertView(s: AlertState): AlertView {
  const view: AlertView = {
    key: s.key,
    rule: s.rule,
    phase: s.phase,
    severity: s.labels.severity ?? 'warning',
    value: s.value,
    labels: s.labels,
    notified: s.notified,
  };
  if (s.firedAt !== undefined) view.firedAt = new Date(s.firedAt).toISOString();
  if (s.resolvedAt !== undefined) view.resolvedAt = new Date(s.resolvedAt).toISOString();
  return view;
}

export function silenceView(s: Silence): AlertsFields['silences'][number] {
  return {
    id: s.id,
    matchers: s.matchers,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    comment: s.comment,
    ...(s.createdBy ? { createdBy: s.createdBy } : {}),
  };
}

const PHASE_TONE = { firing: 'bad', pending: 'warn', resolved: 'good', inactive: 'muted' } as const;

function alertTable(alerts: AlertView[], title: string): Block {
  return {
    type: 'table',
    title,
    columns: ['alert', 'state', 'severity', 'value', 'since'],
    align: ['left', 'left', 'left', 'right', 'left'],
    rows: alerts.map((a): Cell[] => [
      a.key,
      { text: a.phase, tone: PHASE_TONE[a.phase] },
      a.severity,
      a.value ?? '',
      (a.phase === 'resolved' ? a.resolvedAt : a.firedAt)?.replace('T', ' ').slice(0, 19) ?? '',
    ]),
  };
}

function deliveryTable(deliveries: DeliveryView[]): Block {
  return {
    type: 'table',
    title: 'Notifications',
    columns: ['channel', 'message', 'result'],
    rows: deliveries.map((d): Cell[] => [
      d.channel,
      d.title,
      d.delivered
        ? { text: 'delivered', tone: 'good' }
        : {
            text: `${d.gaveUp ? 'given up' : 'will retry'}: ${d.error ?? ''}`,
            tone: d.gaveUp ? 'bad' : 'warn',
          },
    ]),
  };
}

export function monitorDocument(f: MonitorFields, verdict: Verdict, summary: string): ReportDocument {
  const blocks: Block[] = [
    {
      type: 'table',
      title:
        f.mode === 'once'
          ? 'Checks'
          : `Checks (last of ${f.rounds} rounds, every ${formatDuration(f.intervalMs)})`,
      columns: ['check', 'kind', 'target', 'result', 'took'],
      align: ['left', 'left', 'left', 'left', 'right'],
      rows: f.checks.map((c): Cell[] => [
        c.name,
        c.kind,
        c.target,
        c.ok ? { text: 'ok', tone: 'good' } : { text: c.problem ?? 'failed', tone: 'bad' },
        `${c.ms.toFixed(1)} ms`,
      ]),
    },
  ];
  if (f.alerts.length > 0) blocks.push(alertTable(f.alerts, 'Alerts'));
  else blocks.push({ type: 'paragraph', text: 'No alerts pending or firing.', tone: 'good' });
  if (f.muted.length > 0) {
    blocks.push({ type: 'list', title: 'Muted', items: f.muted.map((m) => `${m.key} (${m.by})`) });
  }
  if (f.deliveries.length > 0) blocks.push(deliveryTable(f.deliveries));
  blocks.push({
    type: 'fields',
    fields: [
      ['notifications queued', f.notifications.enqueued],
      ['delivered', f.notifications.delivered],
      ['waiting in the outbox', f.notifications.pending],
      ['samples stored (raw / minute / hour)', `${f.samples.raw} / ${f.samples.minute} / ${f.samples.hour}`],
      ...(f.metricsUrl ? [['metrics', f.metricsUrl] as [string, Cell]] : []),
    ],
  });
  return { title: 'Monitor', verdict, summary, blocks };
}

export function alertsDocument(f: AlertsFields, verdict: Verdict, summary: string): ReportDocument {
  const blocks: Block[] = [];
  if (f.action === 'list' || f.alerts.length > 0) {
    blocks.push(
      f.alerts.length > 0
        ? alertTable(f.alerts, 'Alerts')
        : { type: 'paragraph', text: 'No alerts pending or firing.', tone: 'good' },
    );
  }
  if (f.silences.length > 0) {
    blocks.push({
      type: 'table',
      title: 'Silences',
      columns: ['id', 'matchers', 'until', 'comment'],
      rows: f.silences.map((s): Cell[] => [
        s.id,
        Object.entries(s.matchers)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ') || '(every alert)',
        s.endsAt.replace('T', ' ').slice(0, 19),
        s.comment,
      ]),
    });
  }
  if (f.outbox.length > 0) {
    blocks.push({
      type: 'table',
      title: 'Waiting in the outbox',
      columns: ['id', 'channel', 'message', 'attempts', 'next try', 'last error'],
      rows: f.outbox.map((o): Cell[] => [
        o.id,
        o.channel,
        o.title,
        o.attempts,
        o.nextAttemptAt.replace('T', ' ').slice(0, 19),
        o.lastError ?? '',
      ]),
    });
  }
  if (f.deliveries.length > 0) blocks.push(deliveryTable(f.deliveries));
  return { title: 'Alerts', verdict, summary, blocks };
}
