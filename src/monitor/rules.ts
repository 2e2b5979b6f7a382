import type { Labels } from './series.ts';

/**
 * Alert rules and the alert state machine, as pure functions over plain data: no clock, no I/O.
 *
 *   inactive ─bad→ pending ─(failureThreshold bad in a row and `for` elapsed)→ firing
 *   pending ─good→ inactive (one miss resets, as in Prometheus)
 *   firing ─(successThreshold good in a row, past the recovery level, and keepFiringFor elapsed)→ resolved
 *   resolved behaves like inactive.
 *
 * While firing, "good" means past the recovery level (hysteresis), so a value hovering around the
 * threshold keeps one alert open instead of opening and closing ten.
 */
export type Severity = 'warning' | 'critical';
export type NoDataPolicy = 'keep' | 'ok' | 'alerting';
export type AlertPhase = 'inactive' | 'pending' | 'firing' | 'resolved';

export interface Rule {
  name: string;
  metric: string;
  match: Labels;
  above?: number;
  below?: number;
  recover?: number;
  forMs: number;
  failureThreshold: number;
  successThreshold: number;
  keepFiringForMs: number;
  severity: Severity;
  labels: Labels;
  summary?: string;
  noData: NoDataPolicy;
}

export interface AlertState {
  /** Rule name + the series' labels: one alert instance per series. */
  key: string;
  rule: string;
  /** alertname, severity, the series' labels and the rule's own labels. */
  labels: Labels;
  phase: AlertPhase;
  value: number | null;
  /** Consecutive bad / good evaluations. */
  fails: number;
  oks: number;
  /** Start of the current bad streak (pending since). */
  activeAt?: number;
  lastBadAt?: number;
  firedAt?: number;
  resolvedAt?: number;
  /** Counts firings; notifications of one firing share it, so their dedup keys are stable. */
  episode: number;
  /** What the channels were last told about this alert. */
  notified: 'none' | 'firing' | 'resolved';
  lastNotifiedAt?: number;
  /** Reminders sent in this episode. */
  repeats: number;
  lastSeenAt?: number;
}

export type Transition = 'pending' | 'firing' | 'resolved' | 'cleared';

export function alertKey(rule: string, labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return `${rule}{${keys.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',')}}`;
}

export function initialState(rule: Rule, seriesLabels: Labels): AlertState {
  const labels = { ...seriesLabels, ...rule.labels, alertname: rule.name, severity: rule.severity };
  return {
    key: alertKey(rule.name, seriesLabels),
    rule: rule.name,
    labels,
    phase: 'inactive',
    value: null,
    fails: 0,
    oks: 0,
    episode: 0,
    notified: 'none',
    repeats: 0,
  };
}

/** Whether a value breaches the rule; while firing, judged against the recovery level. */
export function breaches(rule: Rule, value: number, firing: boolean): boolean {
  if (rule.above !== undefined) return value > (firing ? (rule.recover ?? rule.above) : rule.above);
  if (rule.below !== undefined) return value < (firing ? (rule.recover ?? rule.below) : rule.below);
  return false;
}

/** One evaluation of one alert instance. `value` undefined means the series reported nothing. */
export function step(
  rule: Rule,
  prev: AlertState,
  value: number | undefined,
  now: number,
): { state: AlertState; transition?: Transition } {
  const s: AlertState = { ...prev, labels: { ...prev.labels } };
  let bad: boolean;
  if (value === undefined) {
    if (rule.noData === 'keep') return { state: s };
    bad = rule.noData === 'alerting';
  } else {
    s.value = value;
    s.lastSeenAt = now;
    bad = breaches(rule, value, s.phase === 'firing');
  }
  if (bad) {
    s.fails += 1;
    s.oks = 0;
    s.lastBadAt = now;
  } else {
    s.oks += 1;
    s.fails = 0;
  }

  let transition: Transition | undefined;
  if (s.phase === 'inactive' || s.phase === 'resolved') {
    if (bad) {
      s.phase = 'pending';
      s.activeAt = now;
      transition = 'pending';
    }
  } else if (s.phase === 'pending' && !bad) {
    s.phase = 'inactive';
    delete s.activeAt;
    transition = 'cleared';
  }
  if (s.phase === 'pending' && s.fails >= rule.failureThreshold && now - (s.activeAt ?? now) >= rule.forMs) {
    s.phase = 'firing';
    s.firedAt = now;
    s.episode += 1;
    s.repeats = 0;
    transition = 'firing';
  } else if (
    s.phase === 'firing' &&
    !bad &&
    s.oks >= rule.successThreshold &&
    now - (s.lastBadAt ?? now) >= rule.keepFiringForMs
  ) {
    s.phase = 'resolved';
    s.resolvedAt = now;
    delete s.activeAt;
    transition = 'resolved';
  }
  return transition ? { state: s, transition } : { state: s };
}

export function describeCondition(rule: Rule): string {
  const op = rule.above !== undefined ? '>' : '<';
  const level = rule.above ?? rule.below;
  const recover = rule.recover !== undefined ? `, recovers ${op === '>' ? '≤' : '≥'} ${rule.recover}` : '';
  return `${rule.metric} ${op} ${level}${recover}`;
}
