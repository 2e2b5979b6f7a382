import { describe, expect, it } from 'vitest';
import { displayConfig } from '../../src/config/display.ts';
import { parseConfigText } from '../../src/config/load.ts';
import { configSchema, defaultConfig } from '../../src/config/schema.ts';

describe('defaults', () => {
  const config = defaultConfig();

  it('are the seed numbers for load, thresholds, regression and coverage', () => {
    expect(config.load).toEqual({
      users: 10,
      duration: 60_000,
      rampUp: 10_000,
      timeout: 30_000,
      stress: { maxUsers: 200 },
      endurance: { duration: 300_000 },
      allowedHosts: [],
    });
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
    expect(config.regression).toEqual({ threshold: 10, stagingThreshold: 30 });
    expect(config.coverage).toEqual({ min: 80, target: 90 });
  });

  it('target the service the CI files probe, with a bearer token from STAGING_AUTH_TOKEN', () => {
    expect(config.service).toEqual({
      baseUrl: 'http://localhost:8080',
      healthPath: '/health',
      expectStatus: [200],
      auth: { tokenEnv: 'STAGING_AUTH_TOKEN', header: 'Authorization', scheme: 'Bearer' },
    });
  });

  it("monitor the seed's five endpoints, processes, database and host limits", () => {
    expect(config.monitor.interval).toBe(60_000);
    expect(config.monitor.endpoints).toEqual([
      { name: 'health_check', url: 'http://localhost:8080/health', timeout: 10_000 },
      { name: 'status_api', url: 'http://localhost:8080/api/status', timeout: 15_000 },
      { name: 'wifi_networks', url: 'http://localhost:8080/api/wifi/networks', timeout: 30_000 },
      { name: 'bluetooth_devices', url: 'http://localhost:8080/api/bluetooth/devices', timeout: 30_000 },
      { name: 'metrics_endpoint', url: 'http://localhost:8080/api/metrics', timeout: 20_000 },
    ]);
    expect(config.monitor.processes).toEqual(['piwardrive', 'postgres', 'redis']);
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
    expect(config.monitor.metricsDatabase).toBe('performance_metrics.db');
    expect(config.monitor.redisUrl).toBeUndefined();
  });

  it('have no notification targets, and the seed logging and reporting settings', () => {
    expect(config.notify).toEqual({
      ...defaultConfig().notify,
      slack: {},
      email: { smtpPort: 587, recipients: [], digest: 'off', digestAt: '08:00' },
      webhook: {},
      alertmanager: {},
    });
    expect(config.logging).toEqual({ level: 'info', maxSize: 10_000_000, backupCount: 5, console: true });
    expect(config.reporting).toEqual({
      html: true,
      retentionDays: 30,
      dailySummary: true,
      weeklyReport: true,
    });
    expect(config.store).toEqual({});
  });

  it('are fresh objects each time', () => {
    const a = defaultConfig();
    a.monitor.processes.push('nginx');
    a.service.expectStatus.push(204);
    expect(defaultConfig().monitor.processes).toHaveLength(3);
    expect(defaultConfig().service.expectStatus).toEqual([200]);
  });
});

describe('units in files', () => {
  it('reads durations with units, bare numbers as seconds, and percentages with or without %', () => {
    const config = configSchema.parse({
      load: { duration: '5m', rampUp: 30, timeout: '1500ms' },
      thresholds: { apiResponseTime: '750ms', cpuPercent: '70%', diskPercent: 92.5, throughputRps: '600/m' },
      regression: { threshold: '15%' },
      logging: { maxSize: '512KiB', level: 'WARNING' },
    });
    expect(config.load.duration).toBe(300_000);
    expect(config.load.rampUp).toBe(30_000);
    expect(config.load.timeout).toBe(1500);
    expect(config.thresholds.apiResponseTime).toBe(750);
    expect(config.thresholds.cpuPercent).toBe(70);
    expect(config.thresholds.diskPercent).toBe(92.5);
    expect(config.thresholds.throughputRps).toBe(10);
    expect(config.regression.threshold).toBe(15);
    expect(config.logging.maxSize).toBe(524_288);
    expect(config.logging.level).toBe('warn');
  });

  it('puts endpoint paths under the base URL, keeping its path', () => {
    const config = configSchema.parse({
      service: { baseUrl: 'http://localhost:8000/api/' },
      monitor: {
        endpoints: [
          { name: 'health', url: '/health' },
          { name: 'ext', url: 'https://example.com/x' },
        ],
      },
    });
    expect(config.monitor.endpoints).toEqual([
      { name: 'health', url: 'http://localhost:8000/api/health', timeout: 10_000 },
      { name: 'ext', url: 'https://example.com/x', timeout: 10_000 },
    ]);
  });

  it('rejects a zero timeout, a percentage over 100 and a coverage target under the minimum', () => {
    const result = configSchema.safeParse({
      load: { timeout: 0 },
      thresholds: { memoryPercent: 120 },
      coverage: { min: 85, target: 80 },
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['load.timeout', 'thresholds.memoryPercent', 'coverage.target']),
    );
  });
});

describe('displayConfig', () => {
  it('shows durations, sizes and percentages as people write them, and they read back the same', () => {
    const shown = displayConfig(defaultConfig());
    expect(shown.thresholds).toMatchObject({
      apiResponseTime: '2s',
      dbQueryTime: '100ms',
      cpuPercent: '80%',
    });
    expect(shown.load).toMatchObject({ duration: '1m', endurance: { duration: '5m' } });
    expect(shown.monitor).toMatchObject({ database: { maxQueryTime: '500ms' } });
    expect(shown.logging).toMatchObject({ maxSize: '10MB' });

    const text = JSON.stringify(
      displayConfig(configSchema.parse({ load: { timeout: '1.5s', rampUp: '90s' } })),
    );
    const back = parseConfigText(text, 'shown.json').config;
    expect(back).toEqual(configSchema.parse({ load: { timeout: '1.5s', rampUp: '90s' } }));
  });
});
