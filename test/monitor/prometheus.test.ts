import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, defaultConfig } from '../../src/config/schema.ts';
import { httpExchange } from '../../src/core/http.ts';
import { startMetricsServer } from '../../src/monitor/metrics-server.ts';
import { Monitor } from '../../src/monitor/runner.ts';
import { alertmanagerChannel } from '../../src/notify/channels/alertmanager.ts';
import type { Message } from '../../src/notify/message.ts';
import { openStore } from '../../src/store/open.ts';
import { freePort } from '../helpers/ports.ts';
import { jsonReceiver, type Receiver } from '../notify/receivers.ts';
import { rule } from './helpers.ts';

/**
 * Interoperability with the real Prometheus and Alertmanager from Debian (packages `prometheus`
 * and `prometheus-alertmanager`), each started here on a free loopback port with a temporary
 * config. Skipped, saying so, only where the binaries are not installed.
 */
const PROMETHEUS = '/usr/bin/prometheus';
const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

for (const [bin, pkg] of [
  [PROMETHEUS, 'prometheus'],
  [ALERTMANAGER, 'prometheus-alertmanager'],
] as const) {
  if (!existsSync(bin))
    console.log(`skipping the ${pkg} interop test: ${bin} is not installed (apt-get install ${pkg})`);
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? ` (${String(last)})` : ''}`);
}

function start(bin: string, args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  return { child, output: () => output };
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe.skipIf(!existsSync(PROMETHEUS))('a real Prometheus scrapes /metrics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipgate-prom-'));
  let prom: ReturnType<typeof start> | undefined;
  afterAll(async () => {
    await stop(prom?.child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the check and alert series shipgate exposes', async () => {
    const store = await openStore(join(dir, 'store.db'), { env: {} });
    const config: Config = defaultConfig();
    const target = await jsonReceiver();
    const monitor = new Monitor({
      config,
      env: {},
      store,
      plan: {
        intervalMs: 1000,
        checks: [
          {
            name: 'api',
            kind: 'http',
            url: `${target.url}/health`,
            method: 'GET',
            expectStatus: [200],
            headers: {},
            body: [],
            timeout: 2000,
          },
        ],
        rules: [
          rule({ metric: 'check_up', above: undefined, recover: undefined, below: 2, failureThreshold: 1 }),
        ],
        windows: [],
      },
    });
    await monitor.round();
    const metrics = await startMetricsServer(0, () => monitor.exposition());
    const metricsPort = new URL(metrics.url).port;
    const port = await freePort();
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: shipgate\n    static_configs:\n      - targets: ['127.0.0.1:${metricsPort}']\n`,
    );
    prom = start(PROMETHEUS, [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    try {
      const query = async (q: string) => {
        const res = await httpExchange(
          `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`,
          { timeoutMs: 2000 },
        );
        const data = res.json as {
          data?: { result?: Array<{ metric: Record<string, string>; value: [number, string] }> };
        };
        return data.data?.result ?? [];
      };
      const up = await until('the scrape', 20_000, async () => {
        const r = await query('up{job="shipgate"}');
        return r[0]?.value[1] === '1' ? r : undefined;
      });
      expect(up).toHaveLength(1);
      const checkUp = await query('shipgate_check_up');
      expect(checkUp.map((r) => [r.metric.check, r.metric.kind, r.value[1]])).toEqual([['api', 'http', '1']]);
      const alerts = await query('ALERTS{alertstate="firing"}');
      expect(alerts[0]?.metric).toMatchObject({ alertname: 'slow_api', check: 'api', severity: 'warning' });
      const latency = await query('shipgate_http_response_time_ms{check="api"}');
      expect(Number(latency[0]?.value[1])).toBeGreaterThan(0);
    } catch (e) {
      throw new Error(`${(e as Error).message}\nprometheus said:\n${prom.output().slice(-2000)}`);
    } finally {
      await metrics.close();
      await target.close();
      await store.close();
    }
  });
});

describe.skipIf(!existsSync(ALERTMANAGER))('a real Alertmanager receives alerts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipgate-am-'));
  let am: ReturnType<typeof start> | undefined;
  let hook: Receiver;
  let port = 0;
  beforeAll(async () => {
    hook = await jsonReceiver();
    port = await freePort();
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      [
        'route:',
        '  receiver: hook',
        '  group_by: [alertname]',
        '  group_wait: 0s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: hook',
        '    webhook_configs:',
        `      - url: ${hook.url}/am`,
        '        send_resolved: true',
      ].join('\n'),
    );
    am = start(ALERTMANAGER, [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ]);
    await until('alertmanager to be ready', 20_000, async () => {
      const r = await httpExchange(`http://127.0.0.1:${port}/-/ready`, { timeoutMs: 1000 });
      return r.status === 200 ? true : undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}\nalertmanager said:\n${am?.output().slice(-2000)}`);
    });
  });
  afterAll(async () => {
    await stop(am?.child);
    await hook.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a firing alert on /api/v2/alerts, routes it, and resolves it', async () => {
    const config = defaultConfig();
    config.notify.alertmanager.url = `http://127.0.0.1:${port}`;
    const ctx = { config, env: {} };
    const alert = {
      key: 'k',
      status: 'firing' as const,
      labels: { alertname: 'slow_api', severity: 'critical', check: 'api' },
      value: 2500,
      summary: 'API response time over threshold',
      startsAt: new Date(Date.now() - 60_000).toISOString(),
    };
    const firing: Message = {
      kind: 'alerts',
      title: 'FIRING: slow_api',
      text: '',
      status: 'firing',
      alerts: [alert],
      createdAt: new Date().toISOString(),
    };
    await alertmanagerChannel.send(firing, ctx, 'id');
    const listed = await until('the alert to be listed', 10_000, async () => {
      const r = await httpExchange(`http://127.0.0.1:${port}/api/v2/alerts`, { timeoutMs: 1000 });
      const list = r.json as Array<{
        labels: Record<string, string>;
        annotations: Record<string, string>;
        status: { state: string };
      }>;
      return list.length > 0 ? list : undefined;
    });
    expect(listed[0]?.labels).toEqual(alert.labels);
    expect(listed[0]?.annotations.summary).toBe('API response time over threshold');
    expect(listed[0]?.status.state).toBe('active');
    const notified = await until('the webhook notification', 10_000, async () =>
      hook.received.find((r) => r.path === '/am'),
    );
    expect(JSON.parse(notified.body)).toMatchObject({
      status: 'firing',
      commonLabels: { alertname: 'slow_api', check: 'api' },
    });

    const resolved: Message = {
      ...firing,
      status: 'resolved',
      alerts: [{ ...alert, status: 'resolved', endsAt: new Date().toISOString() }],
    };
    await alertmanagerChannel.send(resolved, ctx, 'id2');
    const done = await until('the resolved notification', 10_000, async () =>
      hook.received.find((r) => JSON.parse(r.body).status === 'resolved'),
    );
    expect(JSON.parse(done.body).alerts[0].labels.alertname).toBe('slow_api');
  });
});
