import { z } from 'zod';
import { configObjectSchema, keysAt, unknownKeyPaths } from './schema.ts';

/**
 * The PiWardrive seed's `performance_config.json`, accepted as is and mapped onto shipgate's
 * model. It is a foreign format: its types are checked, but keys it did not define are tolerated
 * (reported as warnings), and everything is optional because the seed merged the file over its
 * own defaults — shipgate's defaults are those same numbers.
 *
 * The seed wrote every time in seconds except `network_latency` (ms), and the regression
 * threshold as a fraction (0.1 = 10 %).
 */

// Python writes None as null; the seed treated a null or empty setting as "not configured".
const opt = <T extends z.ZodType>(schema: T) => schema.nullish();
const seconds = () => opt(z.number().nonnegative());
const positiveSeconds = () => opt(z.number().positive());
const percent = () => opt(z.number().min(0).max(100));
const int = (min: number) => opt(z.number().int().min(min));

export const seedSchema = z.object({
  monitoring_interval: positiveSeconds(),
  database_path: opt(z.string()),
  api_endpoints: opt(
    z.array(
      z.object({
        url: z.string().min(1),
        name: z.string().min(1),
        timeout: positiveSeconds(),
      }),
    ),
  ),
  performance_thresholds: opt(
    z.object({
      api_response_time: positiveSeconds(),
      database_query_time: positiveSeconds(),
      memory_usage_percent: percent(),
      cpu_usage_percent: percent(),
      disk_usage_percent: percent(),
      network_latency: opt(z.number().positive()),
      throughput_rps: opt(z.number().positive()),
    }),
  ),
  alerts: opt(
    z.object({
      slack_webhook: opt(z.string()),
      email_smtp_server: opt(z.string()),
      email_smtp_port: int(1),
      email_username: opt(z.string()),
      email_password: opt(z.string()),
      email_recipients: opt(z.array(z.string())),
    }),
  ),
  monitoring_webhook: opt(z.string()),
  monitoring_api_key: opt(z.string()),
  load_test_config: opt(
    z.object({
      default_concurrent_users: int(1),
      default_duration_seconds: positiveSeconds(),
      default_ramp_up_seconds: seconds(),
      default_timeout: positiveSeconds(),
      stress_test_max_users: int(1),
      performance_regression_threshold: opt(
        z.number().refine((v) => v > 0 && v <= 1, {
          error: (issue) =>
            `expected a fraction like 0.1 (meaning 10 %), got ${String(issue.input)}` +
            (typeof issue.input === 'number' && issue.input > 1
              ? ` (that would be ${issue.input * 100} %)`
              : ''),
        }),
      ),
    }),
  ),
  database_performance: opt(
    z.object({
      max_connection_time: positiveSeconds(),
      max_query_time: positiveSeconds(),
      connection_pool_size: int(1),
      query_timeout: positiveSeconds(),
    }),
  ),
  system_monitoring: opt(
    z.object({
      cpu_alert_threshold: percent(),
      memory_alert_threshold: percent(),
      disk_alert_threshold: percent(),
      network_timeout: positiveSeconds(),
      process_monitoring: opt(z.array(z.string())),
    }),
  ),
  logging: opt(
    z.object({
      log_level: opt(z.string()),
      log_file: opt(z.string()),
      max_log_size: opt(z.union([z.string(), z.number()])),
      backup_count: int(0),
      enable_console_logging: opt(z.boolean()),
    }),
  ),
  reporting: opt(
    z.object({
      generate_html_reports: opt(z.boolean()),
      report_retention_days: int(1),
      send_daily_summary: opt(z.boolean()),
      send_weekly_report: opt(z.boolean()),
    }),
  ),
});

export type SeedConfig = z.output<typeof seedSchema>;

/** One seed key and where it lands. Values pass through as shipgate would read them from a file. */
export interface SeedMapping {
  seed: string;
  target: string;
  /** Converts the seed's value to what shipgate's file format means by it; identity when absent. */
  convert?: (value: unknown) => unknown;
}

// Shipgate reads a bare number as seconds, which is what the seed meant by every time below,
// so most rows need no conversion.
export const SEED_MAPPINGS: readonly SeedMapping[] = [
  { seed: 'monitoring_interval', target: 'monitor.interval' },
  { seed: 'database_path', target: 'monitor.metricsDatabase' },
  { seed: 'api_endpoints', target: 'monitor.endpoints' },
  { seed: 'performance_thresholds.api_response_time', target: 'thresholds.apiResponseTime' },
  { seed: 'performance_thresholds.database_query_time', target: 'thresholds.dbQueryTime' },
  { seed: 'performance_thresholds.memory_usage_percent', target: 'thresholds.memoryPercent' },
  { seed: 'performance_thresholds.cpu_usage_percent', target: 'thresholds.cpuPercent' },
  { seed: 'performance_thresholds.disk_usage_percent', target: 'thresholds.diskPercent' },
  {
    seed: 'performance_thresholds.network_latency',
    target: 'thresholds.networkLatency',
    convert: (v) => `${v}ms`,
  },
  { seed: 'performance_thresholds.throughput_rps', target: 'thresholds.throughputRps' },
  { seed: 'alerts.slack_webhook', target: 'notify.slack.webhookUrl' },
  { seed: 'alerts.email_smtp_server', target: 'notify.email.smtpServer' },
  { seed: 'alerts.email_smtp_port', target: 'notify.email.smtpPort' },
  { seed: 'alerts.email_username', target: 'notify.email.username' },
  { seed: 'alerts.email_password', target: 'notify.email.password' },
  { seed: 'alerts.email_recipients', target: 'notify.email.recipients' },
  { seed: 'monitoring_webhook', target: 'notify.webhook.url' },
  { seed: 'monitoring_api_key', target: 'notify.webhook.apiKey' },
  { seed: 'load_test_config.default_concurrent_users', target: 'load.users' },
  { seed: 'load_test_config.default_duration_seconds', target: 'load.duration' },
  { seed: 'load_test_config.default_ramp_up_seconds', target: 'load.rampUp' },
  { seed: 'load_test_config.default_timeout', target: 'load.timeout' },
  { seed: 'load_test_config.stress_test_max_users', target: 'load.stress.maxUsers' },
  {
    seed: 'load_test_config.performance_regression_threshold',
    target: 'regression.threshold',
    // A fraction in the seed; rounded so 0.1 becomes 10, not 10.000000000000002.
    convert: (v) => Number(((v as number) * 100).toFixed(10)),
  },
  { seed: 'database_performance.max_connection_time', target: 'monitor.database.maxConnectionTime' },
  { seed: 'database_performance.max_query_time', target: 'monitor.database.maxQueryTime' },
  { seed: 'database_performance.connection_pool_size', target: 'monitor.database.poolSize' },
  { seed: 'database_performance.query_timeout', target: 'monitor.database.queryTimeout' },
  { seed: 'system_monitoring.cpu_alert_threshold', target: 'monitor.system.cpuAlert' },
  { seed: 'system_monitoring.memory_alert_threshold', target: 'monitor.system.memoryAlert' },
  { seed: 'system_monitoring.disk_alert_threshold', target: 'monitor.system.diskAlert' },
  { seed: 'system_monitoring.network_timeout', target: 'monitor.system.networkTimeout' },
  { seed: 'system_monitoring.process_monitoring', target: 'monitor.processes' },
  { seed: 'logging.log_level', target: 'logging.level' },
  { seed: 'logging.log_file', target: 'logging.file' },
  { seed: 'logging.max_log_size', target: 'logging.maxSize' },
  { seed: 'logging.backup_count', target: 'logging.backupCount' },
  { seed: 'logging.enable_console_logging', target: 'logging.console' },
  { seed: 'reporting.generate_html_reports', target: 'reporting.html' },
  { seed: 'reporting.report_retention_days', target: 'reporting.retentionDays' },
  { seed: 'reporting.send_daily_summary', target: 'reporting.dailySummary' },
  { seed: 'reporting.send_weekly_report', target: 'reporting.weeklyReport' },
];

/** Derived, not copied: the base URL is the endpoints' common origin. */
const BASE_URL_TARGET = 'service.baseUrl';
const BASE_URL_SOURCE = 'api_endpoints';

/**
 * Whether parsed file content is the seed's format. Decided by keys, not by the file name:
 * top-level keys only the seed knows, or seed-only keys inside a section both formats share
 * (`logging`, `reporting`). Returns both votes so the loader can reject a file that mixes them.
 */
export function detectFormat(data: unknown): { seedKeys: string[]; shipgateKeys: string[] } {
  const seedKeys: string[] = [];
  const shipgateKeys: string[] = [];
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { seedKeys, shipgateKeys };
  const seedTop = new Set(keysAt(seedSchema, []));
  const shipTop = new Set(keysAt(configObjectSchema, []));
  for (const [key, value] of Object.entries(data)) {
    const inSeed = seedTop.has(key);
    const inShip = shipTop.has(key);
    if (inSeed && !inShip) seedKeys.push(key);
    else if (inShip && !inSeed) shipgateKeys.push(key);
    else if (inSeed && inShip && value && typeof value === 'object' && !Array.isArray(value)) {
      const seedSub = new Set(keysAt(seedSchema, [key]));
      const shipSub = new Set(keysAt(configObjectSchema, [key]));
      for (const sub of Object.keys(value)) {
        if (seedSub.has(sub) && !shipSub.has(sub)) seedKeys.push(`${key}.${sub}`);
        else if (shipSub.has(sub) && !seedSub.has(sub)) shipgateKeys.push(`${key}.${sub}`);
      }
    }
  }
  return { seedKeys, shipgateKeys };
}

export type SeedConversion =
  | { ok: true; input: Record<string, unknown>; unknownKeys: PropertyKey[][] }
  | { ok: false; issues: z.core.$ZodIssue[] };

/**
 * Checks the seed file's types and rewrites it as a shipgate config input (which the caller then
 * parses with the shipgate schema, so defaults and ranges apply exactly as for a native file).
 */
export function convertSeed(data: unknown): SeedConversion {
  const parsed = seedSchema.safeParse(data);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues };
  const input: Record<string, unknown> = {};
  for (const row of SEED_MAPPINGS) {
    const value = getIn(data, row.seed.split('.'));
    // The seed shipped empty strings for secrets nobody had filled in: those mean "not set".
    if (value === undefined || value === null || value === '') continue;
    setIn(input, row.target.split('.'), row.convert ? row.convert(value) : stripUnknown(row.seed, value));
  }
  const origin = commonOrigin(parsed.data.api_endpoints ?? []);
  if (origin) setIn(input, BASE_URL_TARGET.split('.'), origin);
  return { ok: true, input, unknownKeys: unknownSeedKeys(data) };
}

/** Extra keys the seed format does not define. */
export function unknownSeedKeys(data: unknown): PropertyKey[][] {
  return unknownKeyPaths(seedSchema, data);
}

// Endpoint objects are copied whole; keys the seed never had are warned about and left out
// rather than rejected by shipgate's strict schema.
function stripUnknown(seedPath: string, value: unknown): unknown {
  if (seedPath !== 'api_endpoints' || !Array.isArray(value)) return value;
  return value.map((item: Record<string, unknown>) => {
    const out: Record<string, unknown> = { url: item.url, name: item.name };
    if (item.timeout !== undefined && item.timeout !== null) out.timeout = item.timeout;
    return out;
  });
}

/**
 * Where a problem found in the converted config came from in the seed file, so messages and
 * line numbers point at what the user wrote (`monitor.endpoints[1].timeout` → `api_endpoints[1].timeout`).
 */
export function seedPathFor(targetPath: readonly PropertyKey[]): PropertyKey[] | undefined {
  const target = targetPath.map(String);
  const rows = [...SEED_MAPPINGS, { seed: BASE_URL_SOURCE, target: BASE_URL_TARGET }];
  for (const row of rows) {
    const parts = row.target.split('.');
    if (parts.length <= target.length && parts.every((p, i) => p === target[i])) {
      return [...row.seed.split('.'), ...targetPath.slice(parts.length)];
    }
  }
  return undefined;
}

function commonOrigin(endpoints: ReadonlyArray<{ url: string }>): string | undefined {
  const origins = new Set<string>();
  for (const endpoint of endpoints) {
    try {
      origins.add(new URL(endpoint.url).origin);
    } catch {
      return undefined;
    }
  }
  return origins.size === 1 ? [...origins][0] : undefined;
}

export function getIn(data: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

export function setIn(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let current = target;
  for (const segment of path.slice(0, -1)) {
    const next = current[segment];
    if (next && typeof next === 'object' && !Array.isArray(next)) current = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      current[segment] = created;
      current = created;
    }
  }
  current[path[path.length - 1] as string] = value;
}
