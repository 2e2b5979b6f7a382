import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../src/config/load.ts';
import { defaultConfig, keysAt } from '../../src/config/schema.ts';
import { convertSeed, detectFormat, SEED_MAPPINGS, seedSchema } from '../../src/config/seed.ts';
import { configError, FIXTURES, project } from './helpers.ts';

const full = join(FIXTURES, 'performance_config.json');
const short = join(FIXTURES, 'performance_config.short.json');

describe("the seed's full performance_config.json", async () => {
  const loaded = await loadConfig({ file: full, env: {} });
  const { config } = loaded;

  it('is recognised as the seed format and loads without warnings', () => {
    expect(loaded.format).toBe('seed-json');
    expect(loaded.warnings).toEqual([]);
  });

  it('maps monitoring_interval, database_path and api_endpoints onto monitor', () => {
    expect(config.monitor.interval).toBe(60_000);
    expect(config.monitor.metricsDatabase).toBe('performance_metrics.db');
    expect(config.monitor.endpoints.map((e) => [e.name, e.url, e.timeout])).toEqual([
      ['health_check', 'http://localhost:8080/health', 10_000],
      ['status_api', 'http://localhost:8080/api/status', 15_000],
      ['wifi_networks', 'http://localhost:8080/api/wifi/networks', 30_000],
      ['bluetooth_devices', 'http://localhost:8080/api/bluetooth/devices', 30_000],
      ['metrics_endpoint', 'http://localhost:8080/api/metrics', 20_000],
    ]);
    expect(config.service.baseUrl).toBe('http://localhost:8080');
  });

  it('maps performance_thresholds: seconds to ms, network_latency already in ms', () => {
    expect(config.thresholds).toEqual({
      apiResponseTime: 2000,
      dbQueryTime: 100,
      memoryPercent: 80,
      cpuPercent: 80,
      diskPercent: 85,
      networkLatency: 100,
      throughputRps: 50,
      errorRatePercent: 5,
    });
  });

  it('maps load_test_config, with the regression fraction 0.1 as 10 %', () => {
    expect(config.load).toMatchObject({ users: 10, duration: 60_000, rampUp: 10_000, timeout: 30_000 });
    expect(config.load.stress.maxUsers).toBe(200);
    expect(config.regression.threshold).toBe(10);
  });

  it('maps database_performance and system_monitoring', () => {
    expect(config.monitor.database).toEqual({
      maxConnectionTime: 1000,
      maxQueryTime: 500,
      poolSize: 20,
      queryTimeout: 30_000,
    });
    expect(config.monitor.system).toEqual({
      cpuAlert: 80,
      memoryAlert: 85,
      diskAlert: 90,
      networkTimeout: 10_000,
    });
    expect(config.monitor.processes).toEqual(['piwardrive', 'postgres', 'redis']);
  });

  it('maps logging and reporting', () => {
    expect(config.logging).toEqual({
      level: 'info',
      file: 'performance_monitor.log',
      maxSize: 10_000_000,
      backupCount: 5,
      console: true,
    });
    expect(config.reporting).toEqual({
      html: true,
      retentionDays: 30,
      dailySummary: true,
      weeklyReport: true,
    });
  });

  it('treats the empty alert settings as not configured', () => {
    expect(config.notify).toEqual({
      ...defaultConfig().notify,
      slack: {},
      email: { smtpPort: 587, recipients: [], digest: 'off', digestAt: '08:00' },
      webhook: {},
      alertmanager: {},
    });
  });

  it('yields the same numbers as the defaults, which were taken from it', () => {
    expect(config).toEqual({
      ...defaultConfig(),
      logging: { ...defaultConfig().logging, file: 'performance_monitor.log' },
    });
  });
});

describe('the short example from the pipeline document', () => {
  it('loads, with the unspecified settings at their defaults', async () => {
    const { config, format } = await loadConfig({ file: short, env: {} });
    expect(format).toBe('seed-json');
    expect(config.monitor.interval).toBe(60_000);
    expect(config.thresholds.apiResponseTime).toBe(2000);
    expect(config.thresholds.dbQueryTime).toBe(100);
    expect(config.load.users).toBe(10);
    expect(config.load.stress.maxUsers).toBe(200);
    expect(config.load.rampUp).toBe(10_000);
    expect(config.monitor.endpoints).toHaveLength(5);
  });
});

describe('mapping', () => {
  it('covers every key of the seed format', () => {
    const leaves: string[] = [];
    for (const key of keysAt(seedSchema, []) ?? []) {
      const sub = key === 'api_endpoints' ? undefined : keysAt(seedSchema, [key]);
      if (sub) leaves.push(...sub.map((s) => `${key}.${s}`));
      else leaves.push(key);
    }
    expect(SEED_MAPPINGS.map((m) => m.seed).sort()).toEqual(leaves.sort());
  });

  it('fills in alerts, webhook and non-default values', () => {
    const result = convertSeed({
      monitoring_interval: 30,
      alerts: {
        slack_webhook: 'https://hooks.slack.com/services/T000/B000/abcdef',
        email_smtp_server: 'smtp.example.com',
        email_smtp_port: 465,
        email_username: 'alerts@example.com',
        email_password: 'smtp-password-1',
        email_recipients: ['ops@example.com'],
      },
      monitoring_webhook: 'https://monitor.example.com/hook',
      monitoring_api_key: 'monitor-key-123',
      load_test_config: { performance_regression_threshold: 0.25 },
      performance_thresholds: { network_latency: 250, api_response_time: 1.5 },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const config = parseConfigText(JSON.stringify(result.input), 'converted.json').config;
    expect(config.monitor.interval).toBe(30_000);
    expect(config.notify.slack.webhookUrl).toBe('https://hooks.slack.com/services/T000/B000/abcdef');
    expect(config.notify.email).toEqual({
      smtpServer: 'smtp.example.com',
      smtpPort: 465,
      username: 'alerts@example.com',
      password: 'smtp-password-1',
      recipients: ['ops@example.com'],
      digest: 'off',
      digestAt: '08:00',
    });
    expect(config.notify.webhook).toEqual({
      url: 'https://monitor.example.com/hook',
      apiKey: 'monitor-key-123',
    });
    expect(config.regression.threshold).toBe(25);
    expect(config.thresholds.networkLatency).toBe(250);
    expect(config.thresholds.apiResponseTime).toBe(1500);
  });

  it('derives no base URL when the endpoints live on different hosts', () => {
    const result = convertSeed({
      api_endpoints: [
        { url: 'http://a.example:8080/health', name: 'a' },
        { url: 'http://b.example:8080/health', name: 'b' },
      ],
    });
    expect(result.ok && result.input.service).toBeUndefined();
  });
});

describe('detection', () => {
  it('goes by content, not by file name', async () => {
    const dir = await project();
    await copyFile(short, join(dir, 'shipgate.config.json'));
    const loaded = await loadConfig({ cwd: dir, env: {} });
    expect(loaded.file).toBe('shipgate.config.json');
    expect(loaded.format).toBe('seed-json');
  });

  it('recognises a file with only seed-style logging keys', () => {
    expect(detectFormat({ logging: { log_level: 'DEBUG' } }).seedKeys).toEqual(['logging.log_level']);
    expect(detectFormat({ logging: { level: 'debug' } }).seedKeys).toEqual([]);
  });

  it('rejects a file mixing both formats', async () => {
    const text = '{\n  "service": {"baseUrl": "http://x:1"},\n  "monitoring_interval": 30\n}\n';
    const err = await configError(async () => parseConfigText(text, 'mixed.json'));
    expect(err.format()).toBe(
      "mixed.json:3: mixes keys of the seed's performance_config.json (monitoring_interval) with shipgate settings (service) — use one format per file",
    );
  });
});

describe('tolerance and errors', () => {
  it('warns about keys the seed format does not have, with their line, and ignores them', async () => {
    const original = JSON.parse(await readFile(full, 'utf8'));
    original.api_endpoints[0].method = 'GET';
    original.grafana_url = 'http://localhost:3000';
    const text = JSON.stringify(original, null, 2);
    const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
    const loaded = parseConfigText(text, 'performance_config.json');
    expect(loaded.warnings).toEqual([
      `performance_config.json:${lineOf('"method"')}: unknown key 'api_endpoints[0].method' ignored (not a performance_config.json setting)`,
      `performance_config.json:${lineOf('"grafana_url"')}: unknown key 'grafana_url' ignored (not a performance_config.json setting)`,
    ]);
    expect(loaded.config.monitor.endpoints[0]).toEqual({
      name: 'health_check',
      url: 'http://localhost:8080/health',
      timeout: 10_000,
    });
  });

  it('checks types and reports the seed key and line', async () => {
    const text = (await readFile(full, 'utf8')).replace(
      '"default_concurrent_users": 10',
      '"default_concurrent_users": "ten"',
    );
    const err = await configError(async () => parseConfigText(text, 'performance_config.json'));
    expect(err.format()).toBe(
      'performance_config.json:51: load_test_config.default_concurrent_users: expected a number, got "ten"',
    );
  });

  it('refuses a regression threshold written as a percentage', async () => {
    const text = (await readFile(full, 'utf8')).replace(
      '"performance_regression_threshold": 0.1',
      '"performance_regression_threshold": 10',
    );
    const err = await configError(async () => parseConfigText(text, 'performance_config.json'));
    expect(err.line).toBe(56);
    expect(err.message).toContain('expected a fraction like 0.1');
  });

  it('reports problems found after mapping at the seed key', async () => {
    const text = (await readFile(full, 'utf8')).replace('"log_level": "INFO"', '"log_level": "VERBOSE"');
    const err = await configError(async () => parseConfigText(text, 'performance_config.json'));
    expect(err.format()).toBe(
      'performance_config.json:72: logging.log_level: expected one of debug, info, warn, error, got "VERBOSE"',
    );
  });
});
