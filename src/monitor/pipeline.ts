import { createHash } from 'node:crypto';
import type { AlertItem, Message } from '../notify/message.ts';
import type { NewOutboxMessage, Silence } from '../store/monitoring.ts';
import { type MaintenanceWindow, mutedBy } from './mute.ts';
import { type AlertState, initialState, type Rule, step, type Transition } from './rules.ts';
import { type Labels, matches, type Sample, seriesId } from './series.ts';

/**
 * One evaluation round, Alertmanager's pipeline as plain stages over plain data:
 * evaluate (rules × series → alert states) → dedup (each alert state is told once per change) →
 * silence/maintenance → group (group_by labels) → one outbox message per group and channel.
 *
 * Deduplication is a reconciliation, not a timer: each alert records what the channels were last
 * told (`notified`); a notification is due only when the phase differs from that, or a reminder is
 * due. Because that record is saved together with the outbox rows, a restart finds nothing to send
 * twice and no resolution to lose.
 */
export interface RoundInput {
  rules: readonly Rule[];
  states: ReadonlyMap<string, AlertState>;
  samples: readonly Sample[];
  now: number;
  silences: readonly Silence[];
  windows: readonly MaintenanceWindow[];
  repeatIntervalMs: number;
  sendResolved: boolean;
  groupBy: readonly string[];
  /** Channels configured to receive alerts. */
  channels: readonly string[];
  /** Evaluate without waiting: `for` and failure counts do not hold an alert in pending (`monitor --once`). */
  immediate?: boolean;
}

export interface AlertEvent {
  key: string;
  transition: Transition;
}

export interface RoundResult {
  states: AlertState[];
  events: AlertEvent[];
  messages: NewOutboxMessage[];
  /** Alerts whose notification waits because a silence or maintenance window is in force. */
  muted: Array<{ key: string; by: string }>;
}

export function evaluateRound(input: RoundInput): RoundResult {
  const states = new Map(input.states);
  const events: AlertEvent[] = [];
  for (const configured of input.rules) {
    const rule = input.immediate
      ? { ...configured, forMs: 0, failureThreshold: 1, successThreshold: 1, keepFiringForMs: 0 }
      : configured;
    const seen = new Set<string>();
    for (const sample of input.samples) {
      if (sample.metric !== rule.metric || !matches(sample.labels, rule.match)) continue;
      const fresh = initialState(rule, sample.labels);
      seen.add(fresh.key);
      const { state, transition } = step(rule, states.get(fresh.key) ?? fresh, sample.value, input.now);
      states.set(state.key, state);
      if (transition) events.push({ key: state.key, transition });
    }
    for (const [key, prev] of states) {
      if (prev.rule !== rule.name || seen.has(key)) continue;
      const { state, transition } = step(rule, prev, undefined, input.now);
      states.set(key, state);
      if (transition) events.push({ key, transition });
    }
  }

  const items: AlertItem[] = [];
  const muted: RoundResult['muted'] = [];
  const rulesByName = new Map(input.rules.map((r) => [r.name, r]));
  for (const [key, s] of states) {
    const rule = rulesByName.get(s.rule);
    if (!rule) continue;
    const due = dueNotification(s, input);
    if (!due) continue;
    const by = due !== 'resolved' ? mutedBy(s.labels, input.now, input.silences, input.windows) : undefined;
    if (by) {
      muted.push({ key, by });
      continue;
    }
    const next: AlertState = { ...s, lastNotifiedAt: input.now };
    if (due === 'resolved') next.notified = 'resolved';
    else if (due === 'firing') next.notified = 'firing';
    else next.repeats += 1;
    states.set(key, next);
    if (due === 'resolved' && !input.sendResolved) continue;
    items.push(alertItem(rule, next, due));
  }

  return {
    states: [...states.values()],
    events,
    messages: groupMessages(items, input),
    muted,
  };
}

type Due = 'firing' | 'repeat' | 'resolved';

function dueNotification(s: AlertState, input: RoundInput): Due | undefined {
  if (s.phase === 'firing') {
    if (s.notified !== 'firing') return 'firing';
    if (input.now - (s.lastNotifiedAt ?? input.now) >= input.repeatIntervalMs) return 'repeat';
    return undefined;
  }
  // Whoever was told it fired is told it is over, silence or not.
  if (s.notified === 'firing' && (s.phase === 'resolved' || s.phase === 'inactive')) return 'resolved';
  return undefined;
}

function alertItem(rule: Rule, s: AlertState, due: Due): AlertItem {
  const firing = due !== 'resolved';
  const item: AlertItem = {
    key: `${s.key}#${s.episode}#${due === 'repeat' ? `repeat${s.repeats}` : due}`,
    status: firing ? 'firing' : 'resolved',
    labels: s.labels,
    value: s.value,
    summary: summarize(rule, s),
    startsAt: new Date(s.firedAt ?? s.activeAt ?? Date.now()).toISOString(),
  };
  if (!firing && s.resolvedAt !== undefined) item.endsAt = new Date(s.resolvedAt).toISOString();
  if (due === 'repeat') item.repeat = true;
  return item;
}

export function summarize(rule: Rule, s: AlertState): string {
  const series = seriesId(rule.metric, withoutAlertLabels(s.labels, rule));
  const level = rule.above !== undefined ? `> ${rule.above}` : `< ${rule.below}`;
  const head = rule.summary ?? rule.name;
  return `${head}: ${series} = ${s.value ?? 'no data'} (alert when ${level})`;
}

function withoutAlertLabels(labels: Labels, rule: Rule): Labels {
  const out: Labels = {};
  for (const [k, v] of Object.entries(labels)) {
    if (k === 'alertname' || k === 'severity' || k in rule.labels) continue;
    out[k] = v;
  }
  return out;
}

function groupMessages(items: AlertItem[], input: RoundInput): NewOutboxMessage[] {
  const groups = new Map<string, AlertItem[]>();
  for (const item of items) {
    const key = `${item.status}|${input.groupBy.map((l) => `${l}=${item.labels[l] ?? ''}`).join(',')}`;
    const list = groups.get(key) ?? [];
    list.push(item);
    groups.set(key, list);
  }
  const out: NewOutboxMessage[] = [];
  for (const [key, alerts] of groups) {
    const status = alerts[0]?.status ?? 'firing';
    const groupKey = key.slice(key.indexOf('|') + 1);
    const message: Message = {
      kind: 'alerts',
      title: `${status === 'firing' ? 'FIRING' : 'RESOLVED'}: ${groupTitle(alerts)}`,
      text: alerts.map((a) => a.summary).join('\n'),
      status,
      alerts,
      groupKey,
      createdAt: new Date(input.now).toISOString(),
    };
    const identity = createHash('sha256')
      .update(
        alerts
          .map((a) => a.key)
          .sort()
          .join('\n'),
      )
      .digest('hex')
      .slice(0, 32);
    for (const channel of input.channels)
      out.push({ dedupKey: `${channel}:${identity}`, channel, payload: message });
  }
  return out;
}

function groupTitle(alerts: AlertItem[]): string {
  const names = [...new Set(alerts.map((a) => a.labels.alertname ?? 'alert'))];
  const first = names.slice(0, 3).join(', ');
  return `${first}${names.length > 3 ? ` and ${names.length - 3} more` : ''} (${alerts.length} alert${alerts.length === 1 ? '' : 's'})`;
}
