import type { AlertState } from './rules.ts';
import { escapeLabel, type Labels, type Sample } from './series.ts';

/**
 * The Prometheus text exposition format (version 0.0.4) of the latest samples, check counters and
 * alert states — what `--metrics-port` serves on `/metrics`. Alert states follow Prometheus's own
 * `ALERTS{alertname, alertstate}` series so existing dashboards read them.
 */
export interface Exposition {
  samples: ReadonlyMap<string, Sample>;
  checkRuns: ReadonlyMap<string, { total: number; failed: number }>;
  alerts: readonly AlertState[];
}

export function renderExposition(e: Exposition): string {
  const byMetric = new Map<string, Sample[]>();
  for (const s of e.samples.values()) {
    const list = byMetric.get(s.metric) ?? [];
    list.push(s);
    byMetric.set(s.metric, list);
  }
  const out: string[] = [];
  for (const metric of [...byMetric.keys()].sort()) {
    const name = `shipgate_${sanitize(metric)}`;
    out.push(`# HELP ${name} Latest ${metric} measured by shipgate monitor.`, `# TYPE ${name} gauge`);
    for (const s of byMetric.get(metric) ?? []) out.push(`${name}${labelText(s.labels)} ${number(s.value)}`);
  }
  out.push('# HELP shipgate_check_runs_total Check runs.', '# TYPE shipgate_check_runs_total counter');
  for (const [check, c] of e.checkRuns)
    out.push(`shipgate_check_runs_total${labelText({ check })} ${c.total}`);
  out.push(
    '# HELP shipgate_check_failures_total Check runs that found the target unhealthy.',
    '# TYPE shipgate_check_failures_total counter',
  );
  for (const [check, c] of e.checkRuns)
    out.push(`shipgate_check_failures_total${labelText({ check })} ${c.failed}`);
  out.push('# HELP ALERTS Alerts pending or firing.', '# TYPE ALERTS gauge');
  for (const a of e.alerts) {
    if (a.phase !== 'pending' && a.phase !== 'firing') continue;
    out.push(`ALERTS${labelText({ ...a.labels, alertstate: a.phase })} 1`);
  }
  return `${out.join('\n')}\n`;
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${sanitize(k)}="${escapeLabel(labels[k] ?? '')}"`).join(',')}}`;
}

function sanitize(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(clean) ? `_${clean}` : clean;
}

function number(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}
