import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.ts';
import { nextDigestAt, scheduleDigest } from '../../src/notify/digest.ts';
import type { Message } from '../../src/notify/message.ts';
import { backoffMs, deliverOutbox } from '../../src/notify/outbox.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { type SmtpSink, smtpSink } from '../helpers/smtp.ts';
import { jsonReceiver, type Receiver } from './receivers.ts';

const retry = { initialDelay: 1000, maxDelay: 8000, giveUpAfter: 60_000 };

function msg(title: string, createdAt: Date): Message {
  return { kind: 'text', title, text: title, alerts: [], createdAt: createdAt.toISOString() };
}

describe('outbox', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipgate-outbox-'));
  let store: Store;
  let hook: Receiver;
  beforeAll(async () => {
    store = await openStore(join(dir, 's.db'), { env: {} });
    hook = await jsonReceiver();
  });
  afterAll(async () => {
    await store.close();
    await hook.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('backs off exponentially up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, retry))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('retries a temporary failure with backoff, then gives up after giveUpAfter', async () => {
    const config = defaultConfig();
    config.notify.webhook = { url: `${hook.url}/in` };
    const ctx = { config, env: {} };
    const m = store.monitoring();
    let t = Date.UTC(2026, 0, 1);
    const now = () => new Date(t);
    await m.commitAlerts([], [{ dedupKey: 'w1', channel: 'webhook', payload: msg('one', now()) }], now());
    hook.down = true;
    const first = await deliverOutbox(m, ctx, { retry, now });
    expect(first).toEqual([
      expect.objectContaining({ delivered: false, attempt: 1, retryAt: new Date(t + 1000).toISOString() }),
    ]);
    t += 500;
    expect(await deliverOutbox(m, ctx, { retry, now })).toEqual([]);
    t += 600;
    expect((await deliverOutbox(m, ctx, { retry, now }))[0]).toMatchObject({
      attempt: 2,
      retryAt: new Date(t + 2000).toISOString(),
    });
    t += 61_000;
    expect((await deliverOutbox(m, ctx, { retry, now }))[0]).toMatchObject({ attempt: 3, gaveUp: true });
    hook.down = false;
    t += 100_000;
    expect(await deliverOutbox(m, ctx, { retry, now })).toEqual([]);
    expect(hook.received).toHaveLength(0);
  });

  it('does not retry a permanent failure, and gives up on a channel no longer configured', async () => {
    const config = defaultConfig();
    const m = store.monitoring();
    const t = new Date(Date.UTC(2026, 1, 1));
    const rejecting = await jsonReceiver(400);
    config.notify.webhook = { url: `${rejecting.url}/in` };
    await m.commitAlerts(
      [],
      [
        { dedupKey: 'p1', channel: 'webhook', payload: msg('bad', t) },
        { dedupKey: 'p2', channel: 'slack', payload: msg('nowhere', t) },
      ],
      t,
    );
    const reports = await deliverOutbox(m, { config, env: {} }, { retry, now: () => t });
    await rejecting.close();
    expect(reports.map((r) => [r.channel, r.gaveUp, r.error])).toEqual([
      ['webhook', true, 'HTTP 400: {}'],
      ['slack', true, 'channel slack is not configured'],
    ]);
  });
});

describe('email digest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipgate-digest-'));
  let smtp: SmtpSink;
  let store: Store;
  beforeAll(async () => {
    smtp = await smtpSink();
    store = await openStore(join(dir, 's.db'), { env: {} });
  });
  afterAll(async () => {
    await store.close();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('computes the next daily and weekly (Monday) digest time in UTC', () => {
    const wed = Date.UTC(2026, 0, 7, 9, 0); // Wednesday 09:00
    expect(new Date(nextDigestAt(wed, 'daily', '08:00')).toISOString()).toBe('2026-01-08T08:00:00.000Z');
    expect(new Date(nextDigestAt(wed, 'daily', '10:30')).toISOString()).toBe('2026-01-07T10:30:00.000Z');
    expect(new Date(nextDigestAt(wed, 'weekly', '08:00')).toISOString()).toBe('2026-01-12T08:00:00.000Z');
  });

  it('holds email alerts until the digest time and sends them as one mail', async () => {
    const config = defaultConfig();
    config.notify.email = {
      ...config.notify.email,
      smtpServer: '127.0.0.1',
      smtpPort: smtp.port,
      security: 'none',
      recipients: ['ops@example.com'],
      digest: 'daily',
      digestAt: '08:00',
    };
    const ctx = { config, env: {} };
    const m = store.monitoring();
    let t = Date.UTC(2026, 0, 7, 9, 0);
    const now = () => new Date(t);
    for (const [i, title] of [
      'FIRING: cpu_usage (1 alert)',
      'RESOLVED: cpu_usage (1 alert)',
      'FIRING: disk_usage (1 alert)',
    ].entries()) {
      const messages = scheduleDigest(
        [{ dedupKey: `d${i}`, channel: 'email', payload: msg(title, now()) }],
        config,
        t,
      );
      await m.commitAlerts([], messages, now());
      t += 3_600_000;
    }
    expect(await deliverOutbox(m, ctx, { retry, now })).toEqual([]);
    t = Date.UTC(2026, 0, 8, 8, 0);
    const reports = await deliverOutbox(m, ctx, { retry, now });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      delivered: true,
      title: 'Digest: 3 notifications (0 firing, 0 resolved)',
    });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toContain('FIRING: disk_usage');
    expect(await m.listOutbox({ pending: true })).toEqual([]);
  });
});
