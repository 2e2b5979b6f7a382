import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, defaultConfig } from '../../src/config/schema.ts';
import { emailChannel } from '../../src/notify/channels/email.ts';
import { githubChannel, STICKY_MARKER } from '../../src/notify/channels/github.ts';
import { slackChannel, slackPayload } from '../../src/notify/channels/slack.ts';
import { DeliveryError } from '../../src/notify/channels/types.ts';
import { webhookChannel } from '../../src/notify/channels/webhook.ts';
import type { AlertItem, Message } from '../../src/notify/message.ts';
import { selfSignedCertificate } from '../helpers/tls.ts';
import { githubReceiver, jsonReceiver, type Receiver, slackProblem, slackReceiver } from './receivers.ts';

function alert(status: 'firing' | 'resolved', n = 1): AlertItem {
  return {
    key: `slow_api{check="api${n}"}#1#${status}`,
    status,
    labels: { alertname: 'slow_api', severity: 'critical', check: `api${n}` },
    value: 2350,
    summary: `API response time over threshold: http_response_time_ms{check="api${n}"} = 2350 (alert when > 2000)`,
    startsAt: '2026-01-01T00:00:00.000Z',
    ...(status === 'resolved' ? { endsAt: '2026-01-01T00:10:00.000Z' } : {}),
  };
}

function message(status: 'firing' | 'resolved', count = 1): Message {
  return {
    kind: 'alerts',
    title: `${status === 'firing' ? 'FIRING' : 'RESOLVED'}: slow_api (${count} alert${count === 1 ? '' : 's'})`,
    text: '',
    status,
    alerts: Array.from({ length: count }, (_, i) => alert(status, i + 1)),
    groupKey: 'alertname=slow_api',
    createdAt: '2026-01-01T00:10:00.000Z',
  };
}

function configWith(edit: (c: Config) => void): Config {
  const c = defaultConfig();
  edit(c);
  return c;
}

describe('slack', () => {
  let slack: Receiver;
  beforeAll(async () => {
    slack = await slackReceiver();
  });
  afterAll(() => slack.close());

  it('the stand-in rejects what Slack rejects', () => {
    expect(slackProblem('{')).toBe('invalid_payload');
    expect(slackProblem('{}')).toBe('no_text');
    expect(
      slackProblem(
        JSON.stringify({ blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }] }),
      ),
    ).toBe('invalid_blocks');
    expect(
      slackProblem(
        JSON.stringify({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }] }),
      ),
    ).toBe('invalid_blocks');
    expect(slackProblem(JSON.stringify({ blocks: [{ type: 'banner' }] }))).toBe('invalid_blocks');
  });

  it('delivers firing and resolved messages as Block Kit that Slack accepts', async () => {
    const ctx = {
      config: configWith((c) => {
        c.notify.slack.webhookUrl = `${slack.url}/services/T0/B0/secretpart`;
      }),
      env: {},
    };
    await slackChannel.send(message('firing'), ctx, 'id1');
    await slackChannel.send(message('resolved'), ctx, 'id2');
    const [firing, resolved] = slack.received.map((r) => JSON.parse(r.body));
    expect(firing.text).toBe('FIRING: slow_api (1 alert)');
    expect(firing.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'FIRING: slow_api (1 alert)', emoji: true },
    });
    expect(firing.blocks[1].text.text).toContain('FIRING [critical] API response time over threshold');
    expect(resolved.blocks[1].text.text).toContain('RESOLVED [critical]');
    expect(resolved.blocks.at(-1).elements[0].text).toContain(':white_check_mark:');
  });

  it('stays within Block Kit limits for a huge group of alerts', () => {
    const payload = slackPayload(message('firing', 2000));
    expect(slackProblem(JSON.stringify(payload))).toBeUndefined();
    expect(JSON.stringify(payload.blocks.at(-1))).toMatch(/more sections left out/);
  });

  it('a wrong webhook path is a permanent failure, without the URL in the error', async () => {
    const ctx = {
      config: configWith((c) => {
        c.notify.slack.webhookUrl = `${slack.url}/wrong/path-secret`;
      }),
      env: {},
    };
    const error = await slackChannel.send(message('firing'), ctx, 'id').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).permanent).toBe(true);
    expect((error as DeliveryError).message).toBe('HTTP 404: no_service');
  });

  it('a down service is a temporary failure', async () => {
    const ctx = {
      config: configWith((c) => {
        c.notify.slack.webhookUrl = `${slack.url}/services/T/B/x`;
      }),
      env: {},
    };
    slack.down = true;
    const error = (await slackChannel
      .send(message('firing'), ctx, 'id')
      .catch((e: unknown) => e)) as DeliveryError;
    slack.down = false;
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(/^HTTP 503/);
  });
});

describe('github sticky comment', () => {
  const token = 'ghs_testtoken000000000000000000000';
  let gh: Awaited<ReturnType<typeof githubReceiver>>;
  beforeAll(async () => {
    gh = await githubReceiver('acme/api', 42, token);
  });
  afterAll(() => gh.close());

  const ctx = () => ({
    config: configWith((c) => {
      c.notify.github.apiUrl = gh.url;
    }),
    env: { GITHUB_TOKEN: token, GITHUB_REPOSITORY: 'acme/api', GITHUB_REF: 'refs/pull/42/merge' },
  });

  it('creates one comment, then edits it in place', async () => {
    expect(githubChannel.configured(ctx())).toBe(true);
    await githubChannel.send(message('firing'), ctx(), 'a');
    await githubChannel.send(message('resolved'), ctx(), 'b');
    expect(gh.comments.size).toBe(1);
    const [comment] = [...gh.comments.values()];
    expect(comment?.body.startsWith(STICKY_MARKER)).toBe(true);
    expect(comment?.body).toContain('### RESOLVED: slow_api');
    expect(gh.received.map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'PATCH']);
    expect(gh.received.every((r) => r.headers.accept === 'application/vnd.github+json')).toBe(true);
  });

  it('a rejected token is a permanent failure', async () => {
    const bad = { ...ctx(), env: { ...ctx().env, GITHUB_TOKEN: 'ghs_wrongwrongwrongwrongwrongwrong' } };
    const error = (await githubChannel
      .send(message('firing'), bad, 'c')
      .catch((e: unknown) => e)) as DeliveryError;
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('HTTP 401');
    expect(error.message).not.toContain('wrongwrong');
  });

  it('is not configured without a pull request', () => {
    expect(
      githubChannel.configured({ ...ctx(), env: { GITHUB_TOKEN: token, GITHUB_REPOSITORY: 'acme/api' } }),
    ).toBe(false);
  });
});

describe('webhook (the seed payload)', () => {
  let hook: Receiver;
  beforeAll(async () => {
    hook = await jsonReceiver();
  });
  afterAll(() => hook.close());

  it('posts {metric, value, tags} per alert with the bearer API key and a stable idempotency key', async () => {
    const ctx = {
      config: configWith((c) => {
        c.notify.webhook = { url: `${hook.url}/ingest`, apiKey: 'key-123456789' };
      }),
      env: {},
    };
    await webhookChannel.send(message('firing', 2), ctx, 'msg-1');
    expect(hook.received).toHaveLength(2);
    const [first] = hook.received;
    expect(first?.headers.authorization).toBe('Bearer key-123456789');
    expect(first?.headers['idempotency-key']).toBe('msg-1-0');
    expect(JSON.parse(first?.body ?? '')).toEqual({
      metric: 'slow_api',
      value: 2350,
      tags: expect.objectContaining({ status: 'firing', check: 'api1', severity: 'critical' }),
    });
  });
});

describe('email over SMTP with STARTTLS', () => {
  const mails: Array<{ from: string; to: string[]; data: string; secure: boolean; user: string }> = [];
  let server: SMTPServer;
  let port = 0;
  const cert = selfSignedCertificate();
  beforeAll(async () => {
    server = new SMTPServer({
      key: cert.key,
      cert: cert.cert,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, cb) {
        if (auth.username === 'alerts' && auth.password === 'smtp-pass-0987')
          cb(null, { user: auth.username });
        else cb(new Error('Invalid username or password'));
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data: Buffer.concat(chunks).toString('utf8'),
            secure: session.secure,
            user: String(session.user),
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    cert.cleanup();
  });

  const ctx = (password: string) => ({
    config: configWith((c) => {
      c.notify.email = {
        ...c.notify.email,
        smtpServer: '127.0.0.1',
        smtpPort: port,
        username: 'alerts',
        password,
        from: 'alerts@example.com',
        recipients: ['ops@example.com', 'dev@example.com'],
        security: 'starttls',
        caFile: cert.certFile,
      };
    }),
    env: {},
  });

  it('upgrades to TLS, authenticates, and delivers the alert', async () => {
    await emailChannel.send(message('firing'), ctx('smtp-pass-0987'), 'mail-1');
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.secure).toBe(true);
    expect(mail?.user).toBe('alerts');
    expect(mail?.to).toEqual(['ops@example.com', 'dev@example.com']);
    expect(mail?.data).toContain('Subject: [shipgate] FIRING: slow_api (1 alert)');
    expect(mail?.data).toContain('Message-ID: <mail-1@shipgate>');
    // the body is quoted-printable: undo soft line breaks and =XX escapes to read it
    const body = (mail?.data ?? '')
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    expect(body).toContain(
      'FIRING [critical] API response time over threshold: http_response_time_ms{check="api1"} = 2350',
    );
  });

  it('a refused password is permanent and is not repeated in the error', async () => {
    const error = (await emailChannel
      .send(message('firing'), ctx('wrong-pass-12345'), 'mail-2')
      .catch((e: unknown) => e)) as DeliveryError;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.permanent).toBe(true);
    expect(error.message).not.toContain('wrong-pass-12345');
  });
});
