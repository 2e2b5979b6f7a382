import { type Config, joinUrl } from '../config/schema.ts';
import type { CheckSpec } from './checks/types.ts';
import type { MaintenanceWindow } from './mute.ts';
import type { Rule } from './rules.ts';

/**
 * What to monitor, derived from the config: the seed's sections (endpoints, database, redis,
 * host thresholds, processes) become checks, its alert conditions become rules, and
 * `monitor.checks` / `monitor.rules` add to them.
 */
export interface MonitorPlan {
  intervalMs: number;
  checks: CheckSpec[];
  rules: Rule[];
  windows: MaintenanceWindow[];
}

export function monitorPlan(config: Config): MonitorPlan {
  const m = config.monitor;
  const checks: CheckSpec[] = [];
  for (const e of m.endpoints) {
    checks.push({
      name: e.name,
      kind: 'http',
      url: e.url,
      timeout: e.timeout,
      method: 'GET',
      expectStatus: config.service.expectStatus,
      headers: {},
      ...(e.url.startsWith(config.service.baseUrl) && /\/api\//.test(e.url)
        ? { tokenEnv: config.service.auth.tokenEnv }
        : {}),
      body: [],
    });
  }
  if (m.database.url) {
    const url = m.database.url;
    const postgres = /^postgres(?:ql)?:\/\//i.test(url);
    checks.push(
      postgres
        ? { name: 'database', kind: 'postgres', url, query: 'SELECT 1', timeout: m.database.queryTimeout }
        : {
            name: 'database',
            kind: 'sqlite',
            path: url.replace(/^sqlite:\/\//i, ''),
            query: 'SELECT 1',
            timeout: m.database.queryTimeout,
          },
    );
  }
  if (m.redisUrl)
    checks.push({ name: 'redis', kind: 'redis', url: m.redisUrl, timeout: m.system.networkTimeout });
  checks.push({ name: 'host', kind: 'host', mounts: ['/'], timeout: m.system.networkTimeout });
  checks.push({
    name: 'gates',
    kind: 'gates',
    kinds: ['coverage', 'compare'],
    timeout: m.system.networkTimeout,
  });
  for (const p of m.processes)
    checks.push({ name: `process_${p}`, kind: 'process', match: p, timeout: m.system.networkTimeout });
  for (const c of m.checks) {
    checks.push(c.kind === 'http' ? { ...c, url: joinUrl(config.service.baseUrl, c.url) } : c);
  }

  const rules: Rule[] = [...(m.defaultRules ? defaultRules(config) : [])];
  for (const r of m.rules) {
    const rule: Rule = {
      name: r.name,
      metric: r.metric,
      match: r.match,
      forMs: r.for ?? m.alerting.for,
      failureThreshold: r.failureThreshold ?? m.alerting.failureThreshold,
      successThreshold: r.successThreshold ?? m.alerting.successThreshold,
      keepFiringForMs: r.keepFiringFor,
      severity: r.severity,
      labels: r.labels,
      noData: r.noData,
    };
    if (r.above !== undefined) rule.above = r.above;
    if (r.below !== undefined) rule.below = r.below;
    if (r.recover !== undefined) rule.recover = r.recover;
    if (r.summary !== undefined) rule.summary = r.summary;
    rules.push(rule);
  }
  return { intervalMs: m.interval, checks, rules, windows: m.maintenance };
}

/**
 * The seed's alert conditions. Each recovers a little below its threshold (hysteresis) so a value
 * hovering at the line does not open and close alerts; a check that cannot reach its target is
 * critical at once.
 */
export function defaultRules(config: Config): Rule[] {
  const t = config.thresholds;
  const timing = {
    forMs: config.monitor.alerting.for,
    failureThreshold: config.monitor.alerting.failureThreshold,
    successThreshold: config.monitor.alerting.successThreshold,
    keepFiringForMs: 0,
    labels: {},
    match: {},
    noData: 'keep' as const,
  };
  return [
    {
      ...timing,
      name: 'api_response_time',
      metric: 'http_response_time_ms',
      above: t.apiResponseTime,
      recover: t.apiResponseTime * 0.9,
      severity: 'warning',
      summary: 'API response time over threshold',
    },
    {
      ...timing,
      name: 'db_query_time',
      metric: 'db_query_time_ms',
      above: t.dbQueryTime,
      recover: t.dbQueryTime * 0.9,
      severity: 'warning',
      summary: 'database query time over threshold',
    },
    {
      ...timing,
      name: 'memory_usage',
      metric: 'host_memory_percent',
      above: t.memoryPercent,
      recover: t.memoryPercent - 5,
      severity: 'warning',
      summary: 'memory usage high',
    },
    {
      ...timing,
      name: 'cpu_usage',
      metric: 'host_cpu_percent',
      above: t.cpuPercent,
      recover: t.cpuPercent - 5,
      severity: 'warning',
      summary: 'CPU usage high',
    },
    {
      ...timing,
      name: 'disk_usage',
      metric: 'host_disk_percent',
      above: t.diskPercent,
      recover: t.diskPercent - 2,
      severity: 'critical',
      summary: 'disk almost full',
    },
    {
      ...timing,
      name: 'error_rate',
      metric: 'http_error_rate_percent',
      above: t.errorRatePercent,
      recover: t.errorRatePercent / 2,
      severity: 'critical',
      summary: 'error rate over threshold',
    },
    {
      ...timing,
      name: 'check_down',
      metric: 'check_up',
      below: 1,
      severity: 'critical',
      summary: 'check failing',
    },
    {
      ...timing,
      name: 'gate_failed',
      metric: 'gate_failed',
      above: 0,
      severity: 'warning',
      summary: 'a quality gate failed (coverage, regression)',
    },
  ];
}
