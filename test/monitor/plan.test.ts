import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { defaultConfig } from '../../src/config/schema.ts';
import { monitorPlan } from '../../src/monitor/plan.ts';
import { FIXTURES } from '../config/helpers.ts';

describe("the monitor plan from the seed's performance_config.json", () => {
  it('turns its endpoints, databases, host and processes into checks and its thresholds into rules', async () => {
    const { config } = await loadConfig({
      file: join(FIXTURES, 'performance_config.json'),
      env: { DATABASE_URL: 'postgres://app:pw-123456@db:5432/piwardrive', REDIS_URL: 'redis://cache:6379/0' },
    });
    const plan = monitorPlan(config);
    expect(plan.intervalMs).toBe(60_000);
    expect(plan.checks.map((c) => `${c.kind}:${c.name}`)).toEqual([
      'http:health_check',
      'http:status_api',
      'http:wifi_networks',
      'http:bluetooth_devices',
      'http:metrics_endpoint',
      'postgres:database',
      'redis:redis',
      'host:host',
      'gates:gates',
      'process:process_piwardrive',
      'process:process_postgres',
      'process:process_redis',
    ]);
    expect(plan.checks[0]).toMatchObject({ url: 'http://localhost:8080/health', timeout: 10_000 });
    const levels = Object.fromEntries(plan.rules.map((r) => [r.name, r.above ?? r.below]));
    expect(levels).toEqual({
      api_response_time: 2000,
      db_query_time: 100,
      memory_usage: 80,
      cpu_usage: 80,
      disk_usage: 85,
      error_rate: 5,
      check_down: 1,
      gate_failed: 0,
    });
    for (const r of plan.rules) {
      expect(r).toMatchObject({ forMs: 60_000, failureThreshold: 3, successThreshold: 2 });
      if (r.recover !== undefined && r.above !== undefined) expect(r.recover).toBeLessThan(r.above);
    }
  });

  it('adds configured checks and rules, and drops the defaults on request', () => {
    const config = defaultConfig();
    config.monitor.defaultRules = false;
    config.monitor.processes = [];
    config.monitor.checks = [
      {
        name: 'ready',
        kind: 'http',
        url: '/ready',
        method: 'GET',
        expectStatus: [200],
        headers: {},
        body: [],
        timeout: 1000,
      },
    ];
    config.monitor.rules = [
      {
        name: 'slow',
        metric: 'http_response_time_ms',
        match: {},
        above: 500,
        keepFiringFor: 0,
        severity: 'critical',
        labels: {},
        noData: 'alerting',
      },
    ];
    const plan = monitorPlan(config);
    expect(plan.checks.at(-1)).toMatchObject({ name: 'ready', url: 'http://localhost:8080/ready' });
    expect(plan.rules).toEqual([
      expect.objectContaining({
        name: 'slow',
        above: 500,
        forMs: 60_000,
        failureThreshold: 3,
        successThreshold: 2,
        noData: 'alerting',
      }),
    ]);
  });
});
