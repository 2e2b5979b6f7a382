import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, defaultConfig } from '../../src/config/schema.ts';
import type { MonitorPlan } from '../../src/monitor/plan.ts';
import { Monitor } from '../../src/monitor/runner.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { type Receiver, slackReceiver } from '../notify/receivers.ts';
import { rule } from './helpers.ts';

/** A target whose answers can be made slow. */
async function target(): Promise<{ url: string; delayMs: number; close: () => Promise<void> }> {
  const state = { url: '', delayMs: 0, close: async () => {} };
  const server: Server = createServer((_req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    }, state.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

describe('monitor end to end: checks → rules → store → outbox → Slack', () => {
  let slack: Receiver;
  let service: Awaited<ReturnType<typeof target>>;
  const dir = mkdtempSync(join(tmpdir(), 'shipgate-monitor-'));
  const storePath = join(dir, 'store.db');
  let clock = Date.UTC(2026, 0, 1);

  beforeAll(async () => {
    slack = await slackReceiver();
    service = await target();
  });
  afterAll(async () => {
    await slack.close();
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function setup(): { config: Config; plan: MonitorPlan } {
    const config = defaultConfig();
    config.notify.slack.webhookUrl = `${slack.url}/services/T1/B1/s3cr3tpath`;
    config.notify.retry = { initialDelay: 1000, maxDelay: 8000, giveUpAfter: 3_600_000 };
    return {
      config,
      plan: {
        intervalMs: 1000,
        checks: [
          {
            name: 'api',
            kind: 'http',
            url: service.url,
            method: 'GET',
            expectStatus: [200],
            headers: {},
            body: [],
            timeout: 2000,
          },
        ],
        rules: [rule({ above: 100, recover: 60, failureThreshold: 2, successThreshold: 2 })],
        windows: [],
      },
    };
  }

  async function monitorOn(store: Store): Promise<Monitor> {
    const { config, plan } = setup();
    return new Monitor({ config, plan, store, env: {}, now: () => clock });
  }

  async function rounds(m: Monitor, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      await m.round();
      clock += 1000;
    }
  }

  const firingCount = () => slack.received.filter((r) => r.body.includes('FIRING')).length;
  const resolvedCount = () => slack.received.filter((r) => r.body.includes('RESOLVED')).length;

  it('a channel down for a while then back receives its message exactly once, also across a restart', async () => {
    let store = await openStore(storePath, { env: {} });
    let m = await monitorOn(store);
    service.delayMs = 150;
    slack.down = true;
    await rounds(m, 4);
    expect(slack.received).toHaveLength(0);
    const [pending] = await store.monitoring().listOutbox({ pending: true });
    expect(pending?.lastError).toMatch(/^HTTP 503/);
    expect(pending?.attempts).toBeGreaterThanOrEqual(1);

    // the monitor restarts while Slack is still down and the alert still firing
    await store.close();
    store = await openStore(storePath, { env: {} });
    m = await monitorOn(store);
    await rounds(m, 2);
    expect(slack.received).toHaveLength(0);

    slack.down = false;
    clock += 10_000; // past the backoff
    await rounds(m, 6);
    expect(firingCount()).toBe(1);
    expect(resolvedCount()).toBe(0);
    expect(await store.monitoring().listOutbox({ pending: true })).toEqual([]);

    // another restart in the middle of the firing alert: no duplicate
    await store.close();
    store = await openStore(storePath, { env: {} });
    m = await monitorOn(store);
    await rounds(m, 3);
    expect(firingCount()).toBe(1);

    // recovery: resolved exactly once
    service.delayMs = 0;
    await rounds(m, 5);
    expect(firingCount()).toBe(1);
    expect(resolvedCount()).toBe(1);
    const text = JSON.stringify(await store.monitoring().listOutbox());
    expect(text).not.toContain('s3cr3tpath');
    await store.close();
  });

  it('a store that fails for a round skips that evaluation and notifies nothing it did not record', async () => {
    const store = await openStore(join(dir, 'flaky.db'), { env: {} });
    const real = store.monitoring();
    let failing = true;
    const flaky: Store = Object.create(store);
    flaky.monitoring = () => ({
      ...real,
      commitAlerts: (...args: Parameters<typeof real.commitAlerts>) =>
        failing ? Promise.reject(new Error('disk I/O error')) : real.commitAlerts(...args),
    });
    const m = await monitorOn(flaky);
    const before = firingCount();
    service.delayMs = 150;
    await m.round();
    const skipped = await m.round();
    expect(skipped.warnings).toEqual(['alert states not saved, evaluation skipped: disk I/O error']);
    expect(skipped.events).toEqual([]);
    expect(firingCount()).toBe(before);
    failing = false;
    await rounds(m, 2);
    expect(firingCount()).toBe(before + 1);
    service.delayMs = 0;
    await store.close();
  });

  it('serves the latest samples and alert states in Prometheus format', async () => {
    const store = await openStore(join(dir, 'metrics.db'), { env: {} });
    const m = await monitorOn(store);
    service.delayMs = 150;
    await rounds(m, 2);
    const text = m.exposition();
    expect(text).toMatch(/^# TYPE shipgate_http_response_time_ms gauge$/m);
    expect(text).toMatch(/^shipgate_http_response_time_ms\{check="api"\} \d+(\.\d+)?$/m);
    expect(text).toMatch(/^shipgate_check_up\{check="api",kind="http"\} 1$/m);
    expect(text).toMatch(
      /^ALERTS\{alertname="slow_api",alertstate="firing",check="api",severity="warning"\} 1$/m,
    );
    service.delayMs = 0;
    await store.close();
  });
});
